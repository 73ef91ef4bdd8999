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
        defer { cancelAlarm() }
        while true {
            doorbell.acknowledge()
            let now = clock.now
            await processCommands(now: now)
            processCompletions(now: now)
            await processTimers(now: now, group: &group)
            // A graceful shutdown first lets the occurrences prepared ahead start, at most the lead
            // time later: they are claimed and recorded, and their due time has all but come.
            if phase == .running,
                Task.isCancelled || (shared.shutdownRequested.load(ordering: .acquiring) && staged.isEmpty)
            {
                beginShutdown(now: now)
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
            dropLapsedTimers()
            await wait(until: timers.min?.at)
            if Task.isCancelled { group.cancelAll() }
        }
    }

    /// Waits until the clock reaches `deadline` or the doorbell rings.
    ///
    /// The loop waits on the doorbell itself; an ``Alarm`` sleeps on the clock and rings it. The
    /// alarm of the previous wait stays when it still sleeps until the same instant.
    private func wait(until deadline: Date?) async {
        if let deadline, deadline <= clock.now, !Task.isCancelled {
            // Due already (a walk that goes on, see `Walk`): the loop goes round again at once,
            // first letting in the calls that wait for the actor, commands among them. A ring that
            // is pending would not suspend the loop.
            await Task.yield()
            return
        }
        let target = deadline ?? clock.now.addingTimeInterval(366 * 86_400)
        setActivity { $0.isParked = true }
        defer { setActivity { $0.isParked = false } }
        if Task.isCancelled {
            // Cancelled, the clock's sleep returns at once. While draining, only attempts that
            // finish move the loop on, so wait for them instead of spinning; otherwise return,
            // and the next pass begins the shutdown.
            cancelAlarm()
            if phase == .draining, executing > 0 { await doorbell.wait(ignoringCancellation: true) }
            return
        }
        if let alarm, alarm.target == target, !alarm.hasRung {
            // Its sleep began before this wait, so it does not ring the test driver's bell: ring
            // it here, as the loop parks.
            shared.activityBell.ring()
        } else {
            cancelAlarm()
            alarm = Alarm.start(at: target, clock: clock, ringing: doorbell)
        }
        await doorbell.wait()
    }

    /// Stops the alarm of the last wait, if any.
    func cancelAlarm() {
        alarm?.cancel()
        alarm = nil
    }

    /// Changes the activity that test drivers read, ringing their bell when the loop stops. A
    /// parked loop rings only when it keeps its alarm: a new alarm starting to sleep on the
    /// driver's clock rings.
    func setActivity(_ change: (inout SchedulerActivity) -> Void) {
        let isStopped = shared.activity.withLock {
            change(&$0)
            $0.version &+= 1
            return $0.isStopped
        }
        if isStopped { shared.activityBell.ring() }
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
                let hasMore = await fireDue(due, now: now)
                // Start what is ready once every occurrence due at this instant is in the queue,
                // so that priorities order them, before handling later instants.
                if timers.min.map({ $0.at > top.at }) ?? true {
                    await startReadyRuns(now: now, group: &group)
                }
                // Schedules with more events due than a pass walks fire again in the next pass,
                // after the commands, completions and writes that wait.
                if hasMore { return }
            case .release:
                guard phase == .running, var runs = staged.removeValue(forKey: top.at) else { continue }
                if !canStartAll(runs.count) { runs.sort { $0.record.schedule < $1.record.schedule } }
                for run in runs { release(run, now: now) }
                // At once when a shutdown waits for them: it begins at the end of this pass.
                if shared.shutdownRequested.load(ordering: .acquiring) || timers.min.map({ $0.at > top.at }) ?? true {
                    await startReadyRuns(now: now, group: &group)
                }
            case .retry(let id):
                guard let run = active[id], let retryAt = run.retryAt, retryAt <= now else { continue }
                run.retryAt = nil
                enqueue(run)
            case .timeout(let id, let attempt):
                guard let run = active[id], run.executingAttempt == Int(attempt) else { continue }
                stopAttempt(id, reason: .timeout)
            case .atRisk(let id):
                guard let run = active[id] else { continue }
                emit(
                    .deadlineAtRisk, run: run.record, now: now,
                    message: run.deadline.map { "deadline \(Timestamp.string(from: $0))" })
            case .deadline(let id):
                deadlinePassed(id, now: now)
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

    /// Drops the earliest timers while they would do nothing when they fire (a redefined entry's
    /// due timer, the timeout of an attempt that ended, the deadline of a run that finished ...),
    /// so that the loop does not wake for them.
    private func dropLapsedTimers() {
        while let top = timers.min, isLapsed(top.kind) { _ = timers.popMin() }
    }

    /// Whether a timer would do nothing when it fires, whenever that is: the same conditions as
    /// ``processTimers(now:group:)`` checks.
    private func isLapsed(_ kind: TimerKind) -> Bool {
        switch kind {
        case .due(let entry, let generation): entry.generation != generation
        case .retry(let id): active[id]?.retryAt == nil
        case .timeout(let id, let attempt): active[id].map { $0.executingAttempt != Int(attempt) } ?? true
        case .atRisk(let id), .deadline(let id): active[id] == nil
        case .release, .lease, .grace, .poll, .writes: false
        }
    }

    /// Sets the timer of an entry's next event: the lead time before it is due, so that it can be
    /// prepared ahead, or at its instant when it falls in a DST gap (it is skipped, not run).
    func scheduleDueTimer(for entry: Entry) {
        guard let event = entry.nextEvent else { return }
        guard !event.isSkippedByGap else {
            addTimer(at: event.instant, .due(entry, generation: entry.generation))
            return
        }
        let lead = entry.schedule.dependsOnCompletion ? 0 : leadSeconds
        addTimer(
            at: entry.schedule.dueTime(of: event.instant).addingTimeInterval(-lead),
            .due(entry, generation: entry.generation))
    }

    func addTimer(at instant: Date, _ kind: TimerKind) {
        sequence &+= 1
        timers.insert(TimerItem(at: instant, sequence: sequence, kind: kind))
    }
}
