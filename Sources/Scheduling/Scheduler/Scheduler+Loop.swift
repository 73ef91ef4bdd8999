//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import DequeModule
import Foundation
import HeapModule
import Logging
import ServiceLifecycle
import Synchronization

extension Scheduler {
    /// Runs the scheduler until graceful shutdown or cancellation.
    ///
    /// It loads the store's schedules, marks runs of stopped instances as interrupted (retrying
    /// them where the policy allows), catches up missed occurrences, then runs occurrences as
    /// they fall due. On graceful shutdown it stops claiming, skips runs that have not started
    /// (`shutdown`), lets executing attempts finish within the grace period, then cancels them.
    ///
    /// - Throws: ``SchedulingError/Code/notRunning`` when called twice, or a store error while loading.
    public func run() async throws {
        guard phase == .idle else {
            throw SchedulingError(
                .notRunning, message: "the scheduler already ran", suggestion: "create a new scheduler")
        }
        try await loadIfNeeded()
        phase = .running
        await recoverInterruptedRuns(now: clock.now, atStart: true)
        await poll(now: clock.now)
        logger.info("scheduler started", metadata: ["scheduler.schedules": "\(entries.count)"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                await loop(&group)
            }
        } onGracefulShutdown: { [doorbell, shared] in
            shared.shutdownRequested.store(true, ordering: .releasing)
            doorbell.ring()
        }
        phase = .stopped
        for pending in commands { pending.continuation.resume(throwing: Self.notRunning()) }
        commands.removeAll()
        setActivity { $0.isStopped = true }
        let continuations = shared.subscribers.withLock { subscribers in
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
        logger.info("scheduler stopped")
    }

    private func loop(_ group: inout DiscardingTaskGroup) async {
        while true {
            doorbell.acknowledge()
            let now = clock.now
            await processCommands(now: now)
            await processCompletions(now: now)
            await processTimers(now: now, group: &group)
            if phase == .running, shared.shutdownRequested.load(ordering: .acquiring) || Task.isCancelled {
                await beginShutdown(now: now)
            }
            if phase == .running { await startReadyRuns(now: now, group: &group) }
            hireWorkers(&group)
            if phase == .draining, executing == 0 {
                writesWaitUntil = nil  // the last chance to write
                await flushWrites(now: now)
                await finishShutdown()
                workers.close()
                return
            }
            await flushWrites(now: now)
            if !commands.isEmpty { continue }
            await wait(until: timers.min?.at)
            if Task.isCancelled { group.cancelAll() }
        }
    }

    /// Waits until the clock reaches `deadline` or the doorbell rings.
    private func wait(until deadline: Date?) async {
        let clock = self.clock
        let doorbell = self.doorbell
        let target = deadline ?? clock.now.addingTimeInterval(366 * 86_400)
        setActivity { $0.isParked = true }
        defer { setActivity { $0.isParked = false } }
        if Task.isCancelled {
            // Cancelled, the clock's sleep returns at once. While draining, only attempts that
            // finish move the loop on, so wait for them instead of spinning; otherwise return,
            // and the next pass begins the shutdown.
            if phase == .draining, executing > 0 { await doorbell.wait(ignoringCancellation: true) }
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(until: target) }
            group.addTask { await doorbell.wait() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    func setActivity(_ change: (inout SchedulerActivity) -> Void) {
        let mayRest = shared.activity.withLock {
            change(&$0)
            $0.version &+= 1
            return $0.isParked || $0.isStopped
        }
        if mayRest { shared.activityBell.ring() }
    }

    // MARK: Loading and commands

    func loadIfNeeded() async throws {
        guard !isLoaded else { return }
        let now = clock.now
        for stored in try await store.schedules() {
            var cursor = stored.cursor ?? now
            if stored.cursor == nil {
                try await store.advanceCursor(of: stored.schedule.name, to: now)
                cursor = now
            }
            install(
                Entry(
                    schedule: stored.schedule,
                    isPaused: stored.isPaused,
                    cursor: cursor,
                    nextEvent: stored.schedule.nextEvent(after: cursor),
                    generation: 0
                )
            )
        }
        isLoaded = true
    }

    private func install(_ entry: Entry) {
        let entry = entry
        entry.generation &+= 1
        entry.isInstalled = true
        entries[entry.schedule.name] = entry
        scheduleDueTimer(for: entry)
    }

    /// Sets the timer of an entry's next event: the lead time before it is due, so that it can be
    /// prepared ahead, or at its instant when it falls in a DST gap (it is skipped, not run).
    private func scheduleDueTimer(for entry: Entry) {
        guard let event = entry.nextEvent else { return }
        guard !event.isSkippedByGap else {
            addTimer(at: event.instant, .due(entry, generation: entry.generation))
            return
        }
        let lead = entry.schedule.trigger.dependsOnCompletion ? 0 : configuration.leadTime.seconds
        addTimer(
            at: entry.schedule.dueTime(of: event.instant).addingTimeInterval(-lead),
            .due(entry, generation: entry.generation))
    }

    func addTimer(at instant: Date, _ kind: TimerKind) {
        sequence &+= 1
        timers.insert(TimerItem(at: instant, sequence: sequence, kind: kind))
    }

    private func processCommands(now: Date) async {
        while let pending = commands.popFirst() {
            do {
                pending.continuation.resume(returning: try await apply(pending.command, now: now))
            } catch {
                pending.continuation.resume(throwing: error)
            }
        }
    }

    func apply(_ command: Command, now: Date) async throws -> UUID? {
        switch command {
        case .add(let schedule):
            guard entries[schedule.name] == nil else {
                throw SchedulingError(
                    .scheduleExists,
                    message: "a schedule named '\(schedule.name)' already exists",
                    suggestion: "use replace to change it, or choose another name"
                )
            }
            try checkJobs(of: schedule)
            try await store.saveSchedule(schedule)
            try await store.advanceCursor(of: schedule.name, to: now)
            // The store keeps a later cursor if it has one; claims refuse what it covers.
            let cursor = now
            install(
                Entry(
                    schedule: schedule, isPaused: false, cursor: cursor, nextEvent: schedule.nextEvent(after: cursor),
                    generation: 0))
            logger.info(
                "schedule added",
                metadata: ["scheduler.schedule": "\(schedule.name)", "scheduler.trigger": "\(schedule.trigger)"])
        case .replace(let schedule):
            guard let entry = entries[schedule.name] else { throw SchedulingError.scheduleNotFound(schedule.name) }
            try checkJobs(of: schedule)
            try await store.saveSchedule(schedule)
            redefine(entry, as: schedule)
        case .remove(let name):
            guard entries[name] != nil else { throw SchedulingError.scheduleNotFound(name) }
            _ = try await store.deleteSchedule(named: name)
            await forget(name, now: now)
        case .setEnabled(let name, let enabled):
            guard let entry = entries[name] else { throw SchedulingError.scheduleNotFound(name) }
            entry.schedule = entry.schedule.enabled(enabled)
            try await store.saveSchedule(entry.schedule)
        case .setPaused(let name, let paused):
            guard entries[name] != nil else { throw SchedulingError.scheduleNotFound(name) }
            try await store.setPaused(paused, schedule: name)
            entries[name]?.isPaused = paused
        case .trigger(let name):
            guard let entry = entries[name] else { throw SchedulingError.scheduleNotFound(name) }
            guard phase != .draining else { return nil }
            let run = JobRun(
                id: runIdentifiers.nextIdentifier(), schedule: name, occurrence: now, origin: .manual,
                owner: configuration.instance, created: now)
            try await store.saveRun(run)
            admitClaimed(makeActiveRun(run, of: entry), now: now)
            return run.id
        case .synchronize:
            try await synchronize(now: now)
        }
        return nil
    }

    /// Gives an entry a new definition; runs in flight keep the old one.
    private func redefine(_ entry: Entry, as schedule: Schedule) {
        entry.schedule = schedule
        if !(schedule.trigger.dependsOnCompletion && !entry.activeRuns.isEmpty) {
            entry.nextEvent = schedule.nextEvent(after: entry.cursor)
        }
        install(entry)
    }

    /// Stops running a schedule: runs in flight finish, runs waiting behind them are cancelled.
    private func forget(_ name: String, now: Date) async {
        guard let entry = entries.removeValue(forKey: name) else { return }
        entry.generation &+= 1
        entry.isInstalled = false
        for id in entry.buffered {
            await finish(id, status: .cancelled, now: now, message: "its schedule was removed")
        }
        logger.info("schedule removed", metadata: ["scheduler.schedule": "\(name)"])
    }

    /// Brings the entries in line with the store and takes the requested runs.
    private func synchronize(now: Date) async throws {
        let stored = try await store.schedules()
        let names = Set(stored.map(\.schedule.name))
        for name in entries.keys.sorted() where !names.contains(name) {
            await forget(name, now: now)
        }
        for item in stored {
            let schedule = item.schedule
            do {
                try checkJobs(of: schedule)
                leftOut[schedule.name] = nil
            } catch {
                // Said once per definition, not at every poll.
                if leftOut.updateValue(schedule, forKey: schedule.name) != schedule {
                    logger.error(
                        "stored schedule left out",
                        metadata: ["scheduler.schedule": "\(schedule.name)", "scheduler.error": "\(error)"])
                }
                continue
            }
            if let entry = entries[schedule.name] {
                if entry.schedule != schedule {
                    redefine(entry, as: schedule)
                    logger.info("schedule changed in the store", metadata: ["scheduler.schedule": "\(schedule.name)"])
                }
                if entry.isPaused != item.isPaused {
                    entry.isPaused = item.isPaused
                    logger.info(
                        item.isPaused ? "schedule paused" : "schedule resumed",
                        metadata: ["scheduler.schedule": "\(schedule.name)"])
                }
            } else {
                let cursor = item.cursor ?? now
                if item.cursor == nil { try await store.advanceCursor(of: schedule.name, to: now) }
                install(
                    Entry(
                        schedule: schedule, isPaused: item.isPaused, cursor: cursor,
                        nextEvent: schedule.nextEvent(after: cursor), generation: 0))
                logger.info("schedule added in the store", metadata: ["scheduler.schedule": "\(schedule.name)"])
            }
        }
        guard phase == .running else { return }
        for var run in try await store.takeRequestedRuns(owner: configuration.instance) {
            guard let entry = entries[run.schedule] else {
                run.status = .cancelled
                run.finished = now
                try await store.saveRun(run)
                logger.error(
                    "requested run cancelled: no schedule of that name runs here",
                    metadata: ["scheduler.schedule": "\(run.schedule)", "scheduler.run": "\(run.id)"])
                continue
            }
            logger.info(
                "requested run taken",
                metadata: ["scheduler.schedule": "\(run.schedule)", "scheduler.run": "\(run.id)"])
            admitClaimed(makeActiveRun(run, of: entry), now: now)
        }
    }

    /// Synchronizes with the store, then sets the next poll, when polling is configured. Every
    /// half lease, a polling scheduler also takes over the runs of instances that stopped.
    private func poll(now: Date) async {
        do {
            try await synchronize(now: now)
        } catch {
            logger.error("could not read the store for changes", metadata: ["scheduler.error": "\(error)"])
        }
        guard let interval = configuration.storePollInterval else { return }
        // The first poll only sets the time: run() has just recovered.
        let recoveryDue = nextRecovery.map { $0 <= now } ?? false
        if recoveryDue, phase == .running { await recoverInterruptedRuns(now: now, atStart: false) }
        if recoveryDue || nextRecovery == nil {
            nextRecovery = now.addingTimeInterval(configuration.leaseDuration.seconds / 2)
        }
        addTimer(at: now.addingTimeInterval(interval.seconds), .poll)
    }

    private func checkJobs(of schedule: Schedule) throws {
        for job in [schedule.job, schedule.fallback].compactMap({ $0 }) where !executor.canExecute(job.name) {
            throw SchedulingError(
                .jobNotFound,
                message: "schedule '\(schedule.name)' runs job '\(job.name)', which no executor knows",
                suggestion: "register '\(job.name)' with the executor before adding the schedule"
            )
        }
    }

    // MARK: Timers

    private func processTimers(now: Date, group: inout DiscardingTaskGroup) async {
        while let top = timers.min, top.at <= now {
            _ = timers.popMin()
            switch top.kind {
            case .due(let entry, let generation):
                guard phase == .running else { continue }
                // Every schedule due at this instant fires together, with one claim for all.
                var due = entry.generation == generation ? [entry] : []
                while let next = timers.min, next.at == top.at, case .due(let other, let otherGeneration) = next.kind {
                    _ = timers.popMin()
                    if other.generation == otherGeneration { due.append(other) }
                }
                await fireDue(due, now: now)
                // Start what is ready once every occurrence due at this instant is in the queue,
                // so that priorities order them, before handling later instants.
                if timers.min.map({ $0.at > top.at }) ?? true {
                    await startReadyRuns(now: now, group: &group)
                }
            case .release:
                guard phase == .running, let runs = staged.removeValue(forKey: top.at) else { continue }
                for run in runs { await release(run, now: now) }
                if timers.min.map({ $0.at > top.at }) ?? true {
                    await startReadyRuns(now: now, group: &group)
                }
            case .retry(let id):
                guard let run = active[id], let retryAt = run.retryAt, retryAt <= now else { continue }
                run.retryAt = nil
                enqueue(run)
            case .timeout(let id, let attempt):
                guard let run = active[id], run.executingAttempt == attempt else { continue }
                stopAttempt(id, reason: .timeout)
            case .atRisk(let id):
                guard let run = active[id] else { continue }
                emit(
                    .deadlineAtRisk, run: run.record, now: now,
                    message: run.deadline.map { "deadline \(Timestamp.string(from: $0))" })
            case .deadline(let id):
                await deadlinePassed(id, now: now)
            case .lease:
                leaseTimerPending = false
                if !active.isEmpty {
                    await renewLease(now: now, force: true)
                }
            case .grace:
                logger.info(
                    "shutdown grace period over; cancelling attempts", metadata: ["scheduler.attempts": "\(executing)"])
                for id in active.keys where active[id]?.executingAttempt != nil {
                    stopAttempt(id, reason: .shutdown)
                }
                group.cancelAll()
            case .poll:
                guard phase == .running else { continue }
                await poll(now: now)
            case .writes:
                continue  // every pass ends by writing
            }
        }
    }

    // MARK: Occurrences

    /// What firing one due schedule decided before its occurrences are claimed.
    struct FirePlan {
        var entry: Entry
        var generation: Int
        /// The entry's next event before the plan moved it on: where to go back to when the
        /// claim fails.
        var previousEvent: Trigger.Event?
        /// The occurrences to claim and run, in order.
        var claims: [(instant: Date, origin: JobRun.Origin)] = []
        /// The occurrences skipped, with the reason and its detail, recorded once the claim is made.
        var skipped: [(Date, SkipRecord.Reason, String)] = []
        /// The last occurrence handled, run or skipped: the schedule's new cursor.
        var last: Date?
        /// Whether more events are due than one pass handles.
        var hasMore = false
        /// When the next event falls due, if it falls within the lead time but cannot be prepared
        /// ahead: the entry fires again then.
        var waitsUntil: Date?
    }

    /// Handles every event due at `now` of the schedules given: claims the occurrences to run
    /// (one store call for all of them), admits their runs, records skips and moves cursors.
    ///
    /// When the claim fails (the store did not answer), the schedules that had occurrences to
    /// claim are left as they were and fire again after a delay that doubles with each failure
    /// up to a minute; their catch-up policy then decides, as after any absence.
    private func fireDue(_ due: [Entry], now: Date) async {
        var due = due
        if ready.count + due.count > configuration.concurrency - executing {
            // They cannot all start now: name order breaks the ties of priority and due time.
            due.sort { $0.schedule.name < $1.schedule.name }
        }
        var plans: [FirePlan] = []
        plans.reserveCapacity(due.count)
        var occurrences: [Occurrence] = []
        occurrences.reserveCapacity(due.count)
        for entry in due {
            let plan = plan(entry, now: now)
            for claim in plan.claims {
                occurrences.append(Occurrence(schedule: entry.schedule.name, instant: claim.instant))
            }
            plans.append(plan)
        }
        // The claim's tokens, in order of the occurrences; nil when the claim failed.
        var tokens: [Int64?]? = []
        var refireAt = now
        if !occurrences.isEmpty {
            active.reserveCapacity(active.count + occurrences.count)
            await renewLease(now: now, force: false)
            do {
                tokens = try await store.claim(occurrences, owner: configuration.instance)
                claimFailures = 0
            } catch {
                tokens = nil
                claimFailures += 1
                let delay = Self.retryDelay(afterFailures: claimFailures)
                logger.error(
                    "could not claim occurrences; trying again in \(Int(delay)) s",
                    metadata: ["scheduler.occurrences": "\(occurrences.count)", "scheduler.error": "\(error)"])
                refireAt = now.addingTimeInterval(delay)
            }
        }
        var index = 0
        for plan in plans {
            let entry = plan.entry
            if tokens == nil, !plan.claims.isEmpty {
                // Nothing of this plan happened: go back, and fire again later.
                if entry.generation == plan.generation {
                    entry.nextEvent = plan.previousEvent
                    addTimer(at: refireAt, .due(entry, generation: entry.generation))
                }
                continue
            }
            recordSkips(plan.skipped, schedule: entry.schedule.name, now: now)
            for claim in plan.claims {
                let token = tokens.flatMap { index < $0.count ? $0[index] : nil }
                index += 1
                await admit(claim.instant, of: entry, origin: claim.origin, token: token, now: now)
            }
            // Claims come first: a claim at or before the cursor is refused.
            if let last = plan.last {
                entry.cursor = last
                pendingWrites.advanceCursor(of: entry.schedule.name, to: last)
            }
            if entry.generation == plan.generation {
                if plan.hasMore {
                    addTimer(at: now, .due(entry, generation: entry.generation))
                } else if let due = plan.waitsUntil {
                    addTimer(at: due, .due(entry, generation: entry.generation))
                } else {
                    scheduleDueTimer(for: entry)
                }
            }
        }
    }

    /// Walks a due schedule's events up to `now`: decides which run on time, which are caught up
    /// and which are skipped, and moves its next event on. An event due within the lead time is
    /// taken too, to be prepared ahead, when it is the only run of its schedule and would run.
    private func plan(_ entry: Entry, now: Date) -> FirePlan {
        let schedule = entry.schedule
        let name = schedule.name
        var plan = FirePlan(entry: entry, generation: entry.generation, previousEvent: entry.nextEvent)
        let policy = schedule.catchUp
        let windowStart = now.addingTimeInterval(-policy.window.seconds)
        var missed: [Date] = []
        var skipped: [(Date, SkipRecord.Reason, String)] = []
        var handled = 0
        let lead = configuration.leadTime.seconds
        while let event = entry.nextEvent, handled < 100_000 {
            let due = event.isSkippedByGap ? event.instant : schedule.dueTime(of: event.instant)
            if due > now {
                // The same arithmetic as the timer's, so that the timer's instant always finds it.
                guard due.addingTimeInterval(-lead) <= now else { break }
                guard
                    plan.claims.isEmpty, missed.isEmpty, entry.activeRuns.isEmpty, entry.buffered.isEmpty,
                    !event.isSkippedByGap, schedule.isEnabled, !entry.isPaused, !schedule.trigger.dependsOnCompletion
                else {
                    plan.waitsUntil = due
                    break
                }
            }
            handled += 1
            plan.last = event.instant
            entry.nextEvent = schedule.trigger.dependsOnCompletion ? nil : schedule.nextEvent(after: event.instant)
            if event.isSkippedByGap {
                skipped.append(
                    (event.instant, .dstGap, "its wall-clock time does not exist in \(name)'s zone that day"))
            } else if !schedule.isEnabled {
                skipped.append((event.instant, .disabled, "the schedule is disabled"))
            } else if entry.isPaused {
                skipped.append((event.instant, .paused, "the schedule is paused"))
            } else if now.timeIntervalSince(due) <= policy.grace.seconds {
                // The caught-up occurrences go before these, below.
                plan.claims.append((event.instant, .scheduled))
            } else if due < windowStart {
                skipped.append(
                    (event.instant, .outsideCatchUpWindow, "missed by more than the catch-up window \(policy.window)"))
            } else {
                missed.append(event.instant)
            }
        }
        plan.hasMore = handled >= 100_000
        let selected = policy.selection(ofMissed: missed.count)
        for (index, instant) in missed.enumerated() where !selected.contains(index) {
            skipped.append(
                (instant, .notCaughtUp, "missed; catch-up mode \(policy.mode) ran \(selected.count) of \(missed.count)")
            )
        }
        plan.skipped = skipped
        if !selected.isEmpty { plan.claims = missed[selected].map { ($0, .catchUp) } + plan.claims }
        return plan
    }

    /// Notes skip entries for the pass's writes, folding more than 100 of one reason into one
    /// entry, and tells the subscribers.
    func recordSkips(_ skipped: [(Date, SkipRecord.Reason, String)], schedule: String, now: Date) {
        guard !skipped.isEmpty else { return }
        var records: [SkipRecord] = []
        let byReason = Dictionary(grouping: skipped, by: \.1)
        for (reason, items) in byReason {
            if items.count > 100, let first = items.first, let last = items.last {
                records.append(
                    SkipRecord(
                        schedule: schedule,
                        occurrence: first.0,
                        reason: reason,
                        detail: first.2,
                        recorded: now,
                        count: items.count,
                        lastOccurrence: last.0
                    )
                )
            } else {
                records += items.map {
                    SkipRecord(schedule: schedule, occurrence: $0.0, reason: reason, detail: $0.2, recorded: now)
                }
            }
        }
        records.sort { $0.occurrence < $1.occurrence }
        pendingWrites.record(records)
        if isObserved(.skipped) {
            for record in records {
                emit(
                    SchedulerEvent(
                        kind: .skipped, schedule: schedule, occurrence: record.occurrence, at: now,
                        message: record.reason.rawValue)
                )
            }
        }
        logger.debug(
            "occurrences skipped",
            metadata: ["scheduler.schedule": "\(schedule)", "scheduler.count": "\(skipped.count)"])
    }

    /// Admits the run of a claimed occurrence under the overlap policy.
    ///
    /// - Parameter token: The claim's fencing token; nil when the claim was refused, because
    ///   another instance claimed the occurrence, and then nothing happens here.
    private func admit(_ instant: Date, of entry: Entry, origin: JobRun.Origin, token: Int64?, now: Date) async {
        let schedule = entry.schedule
        let name = schedule.name
        guard let token else {
            logger.debug("occurrence already claimed", metadata: ["scheduler.schedule": "\(name)"])
            return
        }
        let overlap = schedule.overlap
        var buffer = false
        if entry.activeRuns.count >= overlap.concurrentRuns {
            switch overlap.base {
            case _ where origin == .catchUp:
                // Caught-up occurrences run one after another, whatever the overlap policy.
                buffer = true
            case .cancelOther:
                let message = "replaced by the occurrence at \(Timestamp.string(from: instant))"
                for id in entry.activeRuns { await cancelRun(id, now: now, message: message) }
                // The new run starts when the cancelled one has stopped.
                buffer = entry.activeRuns.count >= overlap.concurrentRuns
            case .bufferOne, .bufferAll:
                if entry.buffered.count < overlap.bufferCapacity {
                    buffer = true
                } else {
                    recordSkips(
                        [(instant, .overlap, "a previous run is active and the buffer is full")], schedule: name,
                        now: now)
                    return
                }
            case .skip, .allowAll:
                recordSkips([(instant, .overlap, "a previous run is still active")], schedule: name, now: now)
                return
            }
        }
        let run = JobRun(
            id: runIdentifiers.nextIdentifier(),
            schedule: name,
            occurrence: instant,
            origin: origin,
            owner: configuration.instance,
            fencingToken: token,
            created: now
        )
        let activeRun = makeActiveRun(run, of: entry)
        pendingWrites.record(activeRun)
        if buffer {
            active[run.id] = activeRun
            entry.buffered.append(run.id)
            emit(.fired, run: run, now: now, message: "waiting behind the active run")
        } else {
            admitClaimed(activeRun, now: now)
        }
    }

    /// A run of an entry's schedule, under its current definition.
    func makeActiveRun(_ run: JobRun, of entry: Entry) -> ActiveRun {
        let schedule = entry.schedule
        return ActiveRun(
            record: run,
            entry: entry,
            due: schedule.dueTime(of: run.occurrence),
            deadline: schedule.deadline.map { $0.deadline(for: run.occurrence) }
        )
    }

    /// Makes a claimed run active: ready to start, or staged until it is due when it was claimed
    /// ahead (see ``Configuration/leadTime``).
    func admitClaimed(_ activeRun: ActiveRun, now: Date) {
        let run = activeRun.record
        let entry = activeRun.entry
        if run.origin == .manual { activeRun.due = now }
        active[run.id] = activeRun
        entry.activeRuns.append(run.id)
        guard activeRun.due <= now else {
            if staged[activeRun.due] == nil { addTimer(at: activeRun.due, .release) }
            staged[activeRun.due, default: []].append(activeRun)
            return
        }
        makeReady(activeRun, now: now)
    }

    /// Makes a run prepared ahead ready now that it is due; it is cancelled when its schedule was
    /// removed, and skipped when it was paused or disabled, in the meantime.
    private func release(_ activeRun: ActiveRun, now: Date) async {
        let id = activeRun.record.id
        guard active[id] === activeRun, activeRun.readyToken == nil, activeRun.executingAttempt == nil else { return }
        let entry = activeRun.entry
        guard entry.isInstalled else {
            await finish(id, status: .cancelled, now: now, message: "its schedule was removed")
            return
        }
        let skip: (reason: SkipRecord.Reason, detail: String)? =
            !entry.schedule.isEnabled
            ? (.disabled, "the schedule is disabled") : entry.isPaused ? (.paused, "the schedule is paused") : nil
        if let skip {
            recordSkips(
                [(activeRun.record.occurrence, skip.reason, skip.detail)], schedule: entry.schedule.name, now: now)
            await finish(id, status: .skipped, now: now, message: skip.detail)
            return
        }
        makeReady(activeRun, now: now)
    }

    /// Sets an admitted run's deadline timers, tells the subscribers it fired, and queues it.
    private func makeReady(_ activeRun: ActiveRun, now: Date) {
        let run = activeRun.record
        if let policy = activeRun.schedule.deadline, let deadline = activeRun.deadline, deadline > now {
            let atRisk = deadline.addingTimeInterval(-policy.buffer.seconds)
            if atRisk > now, policy.buffer > .zero { addTimer(at: atRisk, .atRisk(run.id)) }
            addTimer(at: deadline, .deadline(run.id))
        }
        emit(.fired, run: run, now: now)
        logger.debug(
            "occurrence fired",
            metadata: [
                "scheduler.schedule": "\(run.schedule)", "scheduler.run": "\(run.id)",
                "scheduler.origin": "\(run.origin)",
            ]
        )
        enqueue(activeRun)
    }

    /// Puts an active run in the ready queue.
    func enqueue(_ run: ActiveRun) {
        sequence &+= 1
        run.readyToken = sequence
        ready.insert(
            ReadyItem(
                priority: run.schedule.priority, due: run.due, sequence: sequence,
                run: run)
        )
        // No ring: everything that enqueues runs in the loop's pass (or before the loop starts),
        // and each pass ends by starting ready runs.
    }

    // MARK: Shutdown, recovery, leases

    private func beginShutdown(now: Date) async {
        phase = .draining
        logger.info("scheduler shutting down", metadata: ["scheduler.attempts": "\(executing)"])
        for pending in commands { pending.continuation.resume(throwing: Self.notRunning()) }
        commands.removeAll()
        for (id, run) in active where run.executingAttempt == nil {
            if run.record.attempts.isEmpty {
                recordSkips(
                    [(run.record.occurrence, .shutdown, "the scheduler shut down before it started")],
                    schedule: run.record.schedule, now: now)
                await finish(id, status: .skipped, now: now, message: "the scheduler shut down before it started")
            } else {
                await finish(id, status: .cancelled, now: now, message: "the scheduler shut down between attempts")
            }
        }
        ready = Heap()
        staged = [:]
        addTimer(at: now.addingTimeInterval(configuration.shutdownGracePeriod.seconds), .grace)
    }

    private func finishShutdown() async {
        do {
            try await store.releaseLease(instance: configuration.instance)
        } catch {
            logger.error("could not release the lease", metadata: ["scheduler.error": "\(error)"])
        }
    }

    /// Marks the runs of stopped instances interrupted and retries them where the policy allows.
    ///
    /// - Parameter atStart: Whether the scheduler is starting. Then the runs left under its own
    ///   instance name are a previous life's, so it releases its lease first. Later it renews its
    ///   lease first instead, so that only other instances' runs are taken, and does nothing when
    ///   the renewal fails.
    private func recoverInterruptedRuns(now: Date, atStart: Bool) async {
        let interrupted: [JobRun]
        do {
            if atStart {
                try await store.releaseLease(instance: configuration.instance)
            } else {
                await renewLease(now: now, force: true)
                guard let expiry = leaseExpiry, expiry > now else { return }
            }
            interrupted = try await store.interruptRuns(ownedByLeasesExpiredAt: now)
        } catch {
            logger.error("could not recover interrupted runs", metadata: ["scheduler.error": "\(error)"])
            return
        }
        for var run in interrupted {
            let message =
                run.attempts.isEmpty
                ? "the instance that claimed it stopped before recording it" : "the instance running it stopped"
            emit(.interrupted, run: run, now: now, message: message)
            guard let entry = entries[run.schedule],
                run.attempts.filter({ !$0.isFallback }).count < entry.schedule.retry.maxAttempts
            else { continue }
            run.status = .running
            run.finished = nil
            run.owner = configuration.instance
            let activeRun = makeActiveRun(run, of: entry)
            pendingWrites.record(activeRun)
            emit(.retrying, run: run, now: now, message: "retrying after an interruption")
            admitClaimed(activeRun, now: now)
        }
    }

    /// Writes the skips, runs and cursors changed since the last flush: skips and runs first, so
    /// that a cursor never covers an occurrence that is not recorded.
    ///
    /// What the store fails to take stays pending, and a pass to write it again comes after 1
    /// second, doubling up to a minute while the store keeps failing.
    ///
    /// - Parameter includingCursors: Whether to write the cursors too. Starting attempts needs
    ///   only their runs recorded; the cursors can follow at the end of the pass.
    /// - Returns: Whether the skips and runs were written.
    @discardableResult
    func flushWrites(now: Date, includingCursors: Bool = true) async -> Bool {
        if let waitUntil = writesWaitUntil {
            guard waitUntil <= now else { return false }
            writesWaitUntil = nil
        }
        let skips = pendingWrites.takeSkips()
        if !skips.isEmpty {
            do {
                try await store.recordSkips(skips)
            } catch {
                pendingWrites.record(skips)
                writeFailed(now: now, what: "skips", count: skips.count, error: error)
                return false
            }
        }
        let runs = pendingWrites.takeRuns()
        if !runs.isEmpty {
            do {
                try await store.saveRuns(runs.map(\.record))
            } catch {
                for run in runs { pendingWrites.record(run) }
                writeFailed(now: now, what: "runs", count: runs.count, error: error)
                return false
            }
        }
        guard includingCursors else { return true }
        let cursors = pendingWrites.takeCursors()
        guard !cursors.isEmpty else {
            writeFailures = 0
            return true
        }
        do {
            try await store.advanceCursors(cursors)
            writeFailures = 0
        } catch {
            for (name, occurrence) in cursors { pendingWrites.advanceCursor(of: name, to: occurrence) }
            writeFailed(now: now, what: "the schedules' cursors", count: cursors.count, error: error)
        }
        return true
    }

    private func writeFailed(now: Date, what: String, count: Int, error: any Error) {
        writeFailures += 1
        let delay = Self.retryDelay(afterFailures: writeFailures)
        writesWaitUntil = now.addingTimeInterval(delay)
        logger.error(
            "could not record \(what); trying again in \(Int(delay)) s",
            metadata: ["scheduler.count": "\(count)", "scheduler.error": "\(error)"])
        addTimer(at: now.addingTimeInterval(delay), .writes)
    }

    /// How long to wait before calling a failing store again: 1 second after the first failure,
    /// doubling up to a minute.
    static func retryDelay(afterFailures failures: Int) -> Double {
        Double(min(60, 1 << min(max(failures, 1) - 1, 6)))
    }

    func renewLease(now: Date, force: Bool) async {
        let duration = configuration.leaseDuration.seconds
        if !force, let expiry = leaseExpiry, expiry.timeIntervalSince(now) > duration / 2 { return }
        let expiry = now.addingTimeInterval(duration)
        do {
            try await store.renewLease(instance: configuration.instance, until: expiry)
            leaseExpiry = expiry
        } catch {
            logger.error("could not renew the lease", metadata: ["scheduler.error": "\(error)"])
        }
        if !leaseTimerPending {
            leaseTimerPending = true
            addTimer(at: now.addingTimeInterval(duration / 3), .lease)
        }
    }

    // MARK: Events

    func emit(_ kind: SchedulerEvent.Kind, run: JobRun, now: Date, attempt: Int? = nil, message: String? = nil) {
        guard isObserved(kind) else { return }
        emit(
            SchedulerEvent(
                kind: kind,
                schedule: run.schedule,
                occurrence: run.occurrence,
                runID: run.id,
                attempt: attempt,
                at: now,
                message: message
            )
        )
    }

    /// Whether an event of this kind would reach a subscriber or the log.
    func isObserved(_ kind: SchedulerEvent.Kind) -> Bool {
        logger.logLevel <= Self.level(of: kind) || shared.hasSubscribers.load(ordering: .acquiring)
    }

    /// Logs an event (one line, with the schedule, the run and the attempt) and hands it to the
    /// subscribers.
    func emit(_ event: SchedulerEvent) {
        let level = Self.level(of: event.kind)
        if logger.logLevel <= level {
            var metadata: Logger.Metadata = [
                "scheduler.schedule": "\(event.schedule)",
                "scheduler.occurrence": "\(Timestamp.string(from: event.occurrence))",
            ]
            if let run = event.runID { metadata["scheduler.run"] = "\(run)" }
            if let attempt = event.attempt { metadata["scheduler.attempt"] = "\(attempt)" }
            if let message = event.message { metadata["scheduler.message"] = "\(message)" }
            logger.log(level: level, "run \(event.kind)", metadata: metadata)
        }
        guard shared.hasSubscribers.load(ordering: .acquiring) else { return }
        let continuations = shared.subscribers.withLock { Array($0.values) }
        for continuation in continuations { continuation.yield(event) }
    }

    /// The log level of an event: a run's start is debug, its outcome info, trouble a warning.
    static func level(of kind: SchedulerEvent.Kind) -> Logger.Level {
        switch kind {
        case .fired, .started: .debug
        case .failed, .timedOut, .deadlineMissed, .interrupted: .warning
        case .deadlineAtRisk, .fallbackUsed, .retrying: .notice
        default: .info
        }
    }
}
