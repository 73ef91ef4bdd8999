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
import Synchronization

extension Scheduler {
    // MARK: Occurrences

    /// What firing one due schedule decided before its occurrences are claimed.
    struct FirePlan {
        var entry: Entry
        var generation: Int
        /// The entry's next event before its walk moved it on: where to go back to when the
        /// claim fails.
        var previousEvent: Trigger.Event?
        /// Where the occurrences to claim and run stand, in order, in the pass's list of claims:
        /// one list for every plan of the pass instead of one array each.
        var claims: Range<Int> = 0..<0
        /// The occurrences skipped, recorded once the claim is made.
        var skipped = SkippedOccurrences()
        /// The last occurrence handled, run or skipped: the schedule's new cursor.
        var last: Date?
        /// Whether more events are due than one pass handles.
        var hasMore = false
        /// How many events the plan walked.
        var handled = 0
        /// When the next event falls due, if it falls within the lead time but cannot be prepared
        /// ahead: the entry fires again then.
        var waitsUntil: Date?
        /// The schedule's overdue runs that this plan decides about (see ``Scheduler/overdue``).
        var overdue: [ActiveRun] = []
        /// Those of them the catch-up policy runs, as caught up.
        var resumed: [ActiveRun] = []
        /// Those of them it skips, with the reason and its detail.
        var dropped: [(ActiveRun, SkipRecord.Reason, String)] = []
    }

    /// What a plan found walking a schedule's due events, kept between passes when there are more
    /// than one pass handles: nothing of it is recorded until the walk ends, so that a walk cut
    /// short (a shutdown, a new definition, a crash) leaves the schedule as it was. A pause, a
    /// resumption or a change of the enabled flag starts it again.
    struct Walk {
        /// The event the walk began at: where to go back to when its claim fails.
        var start: Trigger.Event?
        /// The missed occurrences that the catch-up policy may still run.
        var missed: [Date] = []
        /// How many occurrences were missed in all.
        var missedCount = 0
        /// When `missed` is compacted next.
        var compactAt = Scheduler.missedCompaction
        /// The occurrences skipped so far.
        var skipped = SkippedOccurrences()
        /// The last occurrence walked that is due: the schedule's new cursor.
        var last: Date?

        /// Skips the missed occurrences that the catch-up policy does not select now: it never
        /// will, as it selects the earliest, or the latest few, of all of them.
        ///
        /// - Parameter overdue: How many overdue runs come before the missed occurrences.
        mutating func compact(_ policy: CatchUpPolicy, after overdue: Int) {
            let selected = policy.selection(ofMissed: overdue + missed.count)
            for (index, instant) in missed.enumerated() where !selected.contains(overdue + index) {
                skipped.add(instant, .notCaughtUp, "")
            }
            missed = selected.clamped(to: overdue..<overdue + missed.count).map { missed[$0 - overdue] }
            compactAt = max(Scheduler.missedCompaction, 2 * missed.count)
        }
    }

    /// Handles every event due at `now` of the schedules given: claims the occurrences to run
    /// (one store call for all of them), admits their runs, records skips and moves cursors.
    ///
    /// When the claim fails (the store did not answer), the schedules that had occurrences to
    /// claim are left as they were and fire again after a delay that doubles with each failure
    /// up to a minute; their catch-up policy then decides, as after any absence.
    ///
    /// - Returns: Whether the schedules have more events due than one pass handles (see
    ///   ``eventsPerPass``): they fire again at once, and the pass should end first.
    func fireDue(_ due: [Entry], now: Date) async -> Bool {
        var due = due
        if !canStartAll(due.count) { due.sort { $0.schedule.name < $1.schedule.name } }
        var plans: [FirePlan] = []
        plans.reserveCapacity(due.count)
        var claims: [(instant: Date, origin: JobRun.Origin)] = []
        claims.reserveCapacity(due.count)
        var occurrences: [Occurrence] = []
        occurrences.reserveCapacity(due.count)
        // A pass walks at most `eventsPerPass` events in all: the schedules beyond fire again in
        // the next pass.
        var budget = Self.eventsPerPass
        var deferred: [Entry] = []
        for entry in due {
            guard budget > 0 else {
                deferred.append(entry)
                continue
            }
            let plan = plan(entry, now: now, budget: budget, claims: &claims)
            budget -= plan.handled
            for claim in claims[plan.claims] {
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
        var hasMore = false
        for plan in plans {
            let entry = plan.entry
            hasMore = hasMore || plan.hasMore
            if tokens == nil, !plan.claims.isEmpty {
                // Nothing of this plan happened: go back, and fire again later.
                if !plan.overdue.isEmpty {
                    overdue[entry.schedule.name, default: []].insert(contentsOf: plan.overdue, at: 0)
                }
                if entry.generation == plan.generation {
                    entry.nextEvent = plan.previousEvent
                    addTimer(at: refireAt, .due(entry, generation: entry.generation))
                }
                continue
            }
            recordSkips(plan.skipped, schedule: entry.schedule.name, now: now)
            for (run, reason, detail) in plan.dropped {
                recordSkips(
                    SkippedOccurrences(run.record.occurrence, reason, detail), schedule: entry.schedule.name, now: now)
                finish(run.record.id, status: .skipped, now: now, message: detail)
            }
            for run in plan.resumed {
                run.record.origin = .catchUp
                admitPrepared(run, now: now)
            }
            // The tokens are in the order of the claims.
            for index in plan.claims {
                let token = tokens.flatMap { index < $0.count ? $0[index] : nil }
                admit(claims[index].instant, of: entry, origin: claims[index].origin, token: token, now: now)
            }
            // Claims come first: a claim at or before the cursor is refused.
            if let last = plan.last { advanceCursor(of: entry, to: last) }
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
        for entry in deferred { addTimer(at: now, .due(entry, generation: entry.generation)) }
        return hasMore || !deferred.isEmpty
    }

    /// Records that a schedule handled every occurrence up to and including `occurrence`.
    func advanceCursor(of entry: Entry, to occurrence: Date) {
        guard occurrence > entry.cursor else { return }
        entry.cursor = occurrence
        pendingWrites.advanceCursor(of: entry.schedule.name, to: occurrence)
    }

    /// Whether `count` more runs could all start now, besides those already ready. When they
    /// cannot, they become ready in schedule name order, which breaks the ties of priority and
    /// due time.
    func canStartAll(_ count: Int) -> Bool {
        ready.count + count <= configuration.concurrency - executing
    }

    /// Walks a due schedule's events up to `now`: decides which run on time, which are caught up
    /// and which are skipped, and moves its next event on. An event due within the lead time is
    /// taken too, to be prepared ahead, when it is the only run of its schedule and would run.
    ///
    /// - Parameter claims: The pass's list of occurrences to claim; the plan appends its own and
    ///   notes where they stand.
    private func plan(
        _ entry: Entry, now: Date, budget: Int, claims: inout [(instant: Date, origin: JobRun.Origin)]
    ) -> FirePlan {
        let schedule = entry.schedule
        let name = schedule.name
        // A walk that an earlier pass cut short goes on.
        var walk = (walks.isEmpty ? nil : walks.removeValue(forKey: name)) ?? Walk(start: entry.nextEvent)
        var plan = FirePlan(
            entry: entry, generation: entry.generation, previousEvent: walk.start,
            overdue: overdue.isEmpty ? [] : overdue.removeValue(forKey: name) ?? [])
        let policy = schedule.catchUp
        let windowStart = now.addingTimeInterval(-policy.window.seconds)
        // Overdue runs prepared ahead are the oldest missed occurrences: they come first.
        var overdue: [ActiveRun] = []
        for run in plan.overdue {
            if run.due < windowStart {
                let detail = "missed by more than the catch-up window \(policy.window)"
                plan.dropped.append((run, .outsideCatchUpWindow, detail))
            } else {
                overdue.append(run)
            }
        }
        var handled = 0
        let first = claims.count
        let lead = leadSeconds
        let grace = policy.grace.seconds
        while let event = entry.nextEvent {
            // After a long absence the walk takes several passes, so that commands and other
            // schedules are served in between. Occurrences within the grace come last: once one is
            // claimed, the walk ends in this pass.
            guard handled < budget || claims.count > first else {
                walks[name] = walk
                if !plan.overdue.isEmpty { self.overdue[name] = plan.overdue }
                return FirePlan(
                    entry: entry, generation: entry.generation, previousEvent: walk.start, hasMore: true,
                    handled: handled)
            }
            let due = event.isSkippedByGap ? event.instant : schedule.dueTime(of: event.instant)
            if due > now {
                // The same arithmetic as the timer's, so that the timer's instant always finds it.
                guard due.addingTimeInterval(-lead) <= now else { break }
                // Once a graceful shutdown is requested nothing more is prepared: it waits only for
                // what already was.
                guard
                    claims.count == first, walk.missedCount == 0, entry.activeRuns.isEmpty, !entry.hasPreparedRun,
                    entry.buffered.isEmpty,
                    !event.isSkippedByGap, schedule.isEnabled, !entry.isPaused, !schedule.dependsOnCompletion,
                    !shared.shutdownRequested.load(ordering: .relaxed)
                else {
                    plan.waitsUntil = due
                    break
                }
            }
            handled += 1
            // An occurrence prepared ahead moves the cursor when it is due (see `release`): until
            // then a new definition still sees the occurrences before it.
            if due <= now { walk.last = event.instant }
            entry.nextEvent = schedule.dependsOnCompletion ? nil : schedule.nextEvent(after: event.instant)
            if event.isSkippedByGap {
                walk.skipped.add(
                    event.instant, .dstGap, "its wall-clock time does not exist in \(name)'s zone that day")
            } else if !schedule.isEnabled {
                walk.skipped.add(event.instant, .disabled, "the schedule is disabled")
            } else if entry.isPaused {
                walk.skipped.add(event.instant, .paused, "the schedule is paused")
            } else if now.timeIntervalSince(due) <= grace {
                // The caught-up occurrences go before these, below.
                claims.append((event.instant, .scheduled))
            } else if due < windowStart {
                walk.skipped.add(
                    event.instant, .outsideCatchUpWindow, "missed by more than the catch-up window \(policy.window)")
            } else {
                walk.missed.append(event.instant)
                walk.missedCount += 1
                if walk.missed.count >= walk.compactAt { walk.compact(policy, after: overdue.count) }
            }
        }
        let count = overdue.count + walk.missedCount
        if count > 0 {
            let selected = policy.selection(ofMissed: overdue.count + walk.missed.count)
            let detail = "missed; catch-up mode \(policy.mode) ran \(selected.count) of \(count)"
            for (index, run) in overdue.enumerated() {
                if selected.contains(index) {
                    plan.resumed.append(run)
                } else {
                    plan.dropped.append((run, .notCaughtUp, detail))
                }
            }
            walk.compact(policy, after: overdue.count)
            walk.skipped.describe(.notCaughtUp, as: detail)
            let claimed = walk.missed.map { ($0, JobRun.Origin.catchUp) }
            claims.insert(contentsOf: claimed, at: first)
        }
        plan.claims = first..<claims.count
        plan.skipped = walk.skipped
        plan.last = walk.last
        plan.handled = handled
        return plan
    }

    /// How many due events the plans of one pass walk in all; a walk over more goes on in the
    /// next passes (see ``Walk``), and schedules beyond fire then.
    static let eventsPerPass = 100_000

    /// How many missed occurrences a walk collects before it skips those that the catch-up policy
    /// can no longer run.
    static let missedCompaction = 1_024

    /// Notes skip entries for the pass's writes (more than ``SkippedOccurrences/foldLimit`` of one
    /// reason fold into one entry) and tells the subscribers.
    func recordSkips(_ skipped: SkippedOccurrences, schedule: String, now: Date) {
        guard !skipped.isEmpty else { return }
        let records = skipped.records(schedule: schedule, recorded: now)
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
    private func admit(_ instant: Date, of entry: Entry, origin: JobRun.Origin, token: Int64?, now: Date) {
        let schedule = entry.schedule
        let name = schedule.name
        guard let token else {
            logger.debug("occurrence already claimed", metadata: ["scheduler.schedule": "\(name)"])
            return
        }
        let admission = overlapAdmission(of: instant, entry: entry, origin: origin, excluding: nil, now: now)
        if case .skip(let detail) = admission {
            recordSkips(SkippedOccurrences(instant, .overlap, detail), schedule: name, now: now)
            return
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
        if admission == .buffer {
            pendingWrites.record(activeRun)
            activate(activeRun)
            entry.buffered.append(run.id)
            emit(.fired, run: run, now: now, message: "waiting behind the active run")
        } else {
            admitClaimed(activeRun, now: now)
        }
    }

    /// What the overlap policy does with a new occurrence.
    enum Admission: Equatable {
        /// It starts as soon as a slot is free.
        case ready
        /// It waits until the active runs of its schedule end.
        case buffer
        /// It is skipped, for the reason given.
        case skip(String)
    }

    /// Applies a schedule's overlap policy to a new occurrence, given the schedule's other active
    /// runs: under `cancelOther` it cancels them.
    ///
    /// - Parameter excluding: The occurrence's own run, when it is already active (prepared ahead).
    private func overlapAdmission(
        of instant: Date, entry: Entry, origin: JobRun.Origin, excluding own: UUID?, now: Date
    ) -> Admission {
        let overlap = entry.schedule.overlap
        guard entry.activeRuns.count(where: { $0 != own }) >= overlap.concurrentRuns else { return .ready }
        switch overlap.base {
        case _ where origin == .catchUp:
            // Caught-up occurrences run one after another, whatever the overlap policy.
            return .buffer
        case .cancelOther:
            let message = "replaced by the occurrence at \(Timestamp.string(from: instant))"
            // The newest occurrence wins: one that waited for the active runs to stop is superseded,
            // first, so that an active run that ends at once does not let it start.
            for id in entry.buffered where id != own { finish(id, status: .cancelled, now: now, message: message) }
            for id in entry.activeRuns where id != own { cancelRun(id, now: now, message: message) }
            // The new run starts when the cancelled ones have stopped.
            return entry.activeRuns.count(where: { $0 != own }) >= overlap.concurrentRuns ? .buffer : .ready
        case .bufferOne, .bufferAll:
            return entry.buffered.count < overlap.bufferCapacity
                ? .buffer : .skip("a previous run is active and the buffer is full")
        case .skip, .allowAll:
            return .skip("a previous run is still active")
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
    ///
    /// A staged run is not written yet: until it is due its claim stands for it, and the store
    /// turns a claim left without a run into an interrupted run when the instance stops. It is
    /// written when it is due and admitted (see ``release(_:now:)``).
    func admitClaimed(_ activeRun: ActiveRun, now: Date) {
        let run = activeRun.record
        let entry = activeRun.entry
        if run.origin == .manual { activeRun.due = now }
        activate(activeRun)
        guard activeRun.due <= now else {
            stage(activeRun)
            return
        }
        entry.activeRuns.append(run.id)
        makeReady(activeRun, now: now)
    }

    /// Makes a run prepared ahead ready now that it is due, deciding again what its preparation
    /// decided early:
    ///
    /// - a run whose schedule was removed is cancelled, one whose schedule was paused or disabled
    ///   is skipped;
    /// - one whose schedule was replaced runs under the new definition, or is cancelled when that
    ///   no longer has the occurrence;
    /// - one later than the catch-up grace goes to the catch-up policy (see ``Scheduler/overdue``);
    /// - the rest meet the overlap policy, against runs admitted since (a manual trigger).
    func release(_ prepared: ActiveRun, now: Date) {
        let id = prepared.record.id
        guard prepared.isActive, prepared.readyToken == nil, prepared.executingAttempt == nil else { return }
        let entry = prepared.entry
        let occurrence = prepared.record.occurrence
        entry.hasPreparedRun = false
        guard entry.isInstalled else {
            finish(id, status: .cancelled, now: now, message: "its schedule was removed")
            return
        }
        // Handled now, whatever follows; unless a new definition has occurrences before it that
        // are not handled yet, which move the cursor on as they are.
        if entry.nextEvent.map({ $0.instant > occurrence }) ?? true { advanceCursor(of: entry, to: occurrence) }
        let skip: (reason: SkipRecord.Reason, detail: String)? =
            !entry.schedule.isEnabled
            ? (.disabled, "the schedule is disabled") : entry.isPaused ? (.paused, "the schedule is paused") : nil
        if let skip {
            recordSkips(
                SkippedOccurrences(occurrence, skip.reason, skip.detail), schedule: entry.schedule.name, now: now)
            finish(id, status: .skipped, now: now, message: skip.detail)
            return
        }
        var activeRun = prepared
        if prepared.schedule != entry.schedule {
            let justBefore = Date(timeIntervalSince1970: occurrence.timeIntervalSince1970.nextDown)
            guard entry.schedule.nextEvent(after: justBefore)?.instant == occurrence else {
                let message = "its schedule was replaced by one without this occurrence"
                finish(id, status: .cancelled, now: now, message: message)
                return
            }
            activeRun = makeActiveRun(prepared.record, of: entry)
            activeRun.isRecorded = prepared.isRecorded
            activate(activeRun)
            // The new definition's jitter may put the due time later.
            guard activeRun.due <= now else {
                stage(activeRun)
                return
            }
        }
        entry.activeRuns.append(id)
        if now.timeIntervalSince(activeRun.due) > activeRun.schedule.catchUp.grace.seconds {
            // The process stood still past the due time: the catch-up policy decides, in a plan
            // of the entry now. A new generation, so that the entry's pending timer lapses
            // instead of firing as a second one.
            overdue[entry.schedule.name, default: []].append(activeRun)
            entry.generation &+= 1
            addTimer(at: now, .due(entry, generation: entry.generation))
            return
        }
        admitPrepared(activeRun, now: now)
    }

    /// Admits a run prepared ahead under the overlap policy, against the runs of its schedule
    /// admitted since (a manual trigger): it becomes ready, waits behind them, or is skipped.
    private func admitPrepared(_ activeRun: ActiveRun, now: Date) {
        let id = activeRun.record.id
        let entry = activeRun.entry
        let occurrence = activeRun.record.occurrence
        switch overlapAdmission(
            of: occurrence, entry: entry, origin: activeRun.record.origin, excluding: id, now: now)
        {
        case .ready:
            makeReady(activeRun, now: now)
        case .buffer:
            pendingWrites.record(activeRun)
            entry.activeRuns.removeAll { $0 == id }
            entry.buffered.append(id)
            emit(.fired, run: activeRun.record, now: now, message: "waiting behind the active run")
        case .skip(let detail):
            recordSkips(SkippedOccurrences(occurrence, .overlap, detail), schedule: entry.schedule.name, now: now)
            finish(id, status: .skipped, now: now, message: detail)
        }
    }

    /// Puts a run among the active ones, in place of an earlier object of the same run.
    func activate(_ activeRun: ActiveRun) {
        activeRun.isActive = true
        if let earlier = active.updateValue(activeRun, forKey: activeRun.record.id), earlier !== activeRun {
            earlier.isActive = false
        }
    }

    /// Keeps a run claimed ahead until its due time.
    private func stage(_ activeRun: ActiveRun) {
        activeRun.entry.hasPreparedRun = true
        // The first run staged for an instant sets its timer.
        if Self.append(activeRun, to: &staged[activeRun.due, default: []]) == 1 {
            addTimer(at: activeRun.due, .release)
        }
    }

    /// Appends a run to a list in place, returning the list's new length.
    private static func append(_ run: ActiveRun, to list: inout [ActiveRun]) -> Int {
        list.append(run)
        return list.count
    }

    /// Sets an admitted run's deadline timers, tells the subscribers it fired, and queues it. Its
    /// record is written when its attempt begins, or at the end of the pass if it still waits for
    /// a slot then (see ``PendingWrites/recordUnlessStarted(_:)``).
    private func makeReady(_ activeRun: ActiveRun, now: Date) {
        let run = activeRun.record
        if let policy = activeRun.schedule.deadline, let deadline = activeRun.deadline, deadline > now {
            let atRisk = deadline.addingTimeInterval(-policy.buffer.seconds)
            if atRisk > now, policy.buffer > .zero { addTimer(at: atRisk, .atRisk(run.id)) }
            addTimer(at: deadline, .deadline(run.id))
        }
        pendingWrites.recordUnlessStarted(activeRun)
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
}
