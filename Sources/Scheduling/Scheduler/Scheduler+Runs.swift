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
    // MARK: Attempts

    /// An attempt about to execute. The worker that takes it adds the clock and the logger, the
    /// same for every attempt, to make its job's context.
    struct Start {
        var job: JobReference
        var runID: UUID
        var schedule: String
        var occurrence: Date
        var attempt: Int
        var isFallback: Bool
        var fencingToken: Int64?
        var deadline: Date?
        var signal: Doorbell?

        /// The job's context.
        func context(clock: any SchedulerClock, logger: Logger) -> JobContext {
            JobContext(
                runID: runID, schedule: schedule, occurrence: occurrence, attempt: attempt, isFallback: isFallback,
                fencingToken: fencingToken, deadline: deadline, clock: clock, logger: logger)
        }
    }

    /// Starts ready runs while the concurrency limit allows, most urgent first.
    ///
    /// The runs start in chunks that double in size from ``firstStartChunk``: each chunk's attempts
    /// are recorded (one write for the chunk) before any of their jobs executes, so that a crash
    /// leaves each one in the store for recovery, and are handed to the workers before the next
    /// chunk is recorded. The first jobs of a burst thus start after a few records are written,
    /// not after all of them, while the number of writes grows only with the logarithm of the
    /// burst's size. When a write fails, the chunk's runs and those after it wait in the ready
    /// queue for the store.
    func startReadyRuns(now: Date, group: inout DiscardingTaskGroup) async {
        var chunk = Self.firstStartChunk
        while executing < configuration.concurrency, !ready.isEmpty {
            guard await startChunk(of: chunk, now: now, group: &group) else { return }
            chunk *= 2
        }
    }

    /// How many ready runs the first chunk of ``startReadyRuns(now:group:)`` starts.
    static let firstStartChunk = 16

    /// Starts at most `limit` ready runs, most urgent first, recording their attempts before
    /// handing them to the workers.
    ///
    /// - Returns: False when the store did not take the records: the runs are ready again.
    private func startChunk(of limit: Int, now: Date, group: inout DiscardingTaskGroup) async -> Bool {
        var starts: [Start] = []
        var begun: [ActiveRun] = []
        while starts.count < limit, executing < configuration.concurrency, let item = ready.popMin() {
            // A run that finished or started since it was queued left a stale item behind.
            guard item.run.readyToken == item.sequence, item.run.executingAttempt == nil else { continue }
            if let start = beginAttempt(item.run, now: now) {
                starts.append(start)
                begun.append(item.run)
            }
        }
        guard !starts.isEmpty else { return true }
        await renewLease(now: now, force: false)
        guard await flushWrites(now: now, includingCursors: false) else {
            // Not recorded, so not started: they wait for the store to take their records.
            for run in begun { undoAttempt(run) }
            return false
        }
        setActivity { $0.attempts += starts.count }
        for run in begun {
            if let timeout = run.schedule.timeout, let number = run.executingAttempt {
                addTimer(
                    at: now.addingTimeInterval(timeout.seconds),
                    .timeout(run.record.id, attempt: Int32(clamping: number)))
            }
        }
        if isObserved(.started) {
            for start in starts {
                emit(
                    SchedulerEvent(
                        kind: .started, schedule: start.schedule, occurrence: start.occurrence,
                        runID: start.runID, attempt: start.attempt, at: now))
            }
        }
        workers.submit(starts)
        hireWorkers(&group)
        return true
    }

    /// Starts the workers that the pool asks for: when attempts wait and no worker is idle.
    func hireWorkers(_ group: inout DiscardingTaskGroup) {
        let count = workers.hires()
        guard count > 0 else { return }
        let workers = self.workers
        let executor = self.executor
        let shared = self.shared
        let doorbell = self.doorbell
        let clock = self.clock
        let logger = self.logger
        for _ in 0..<count {
            group.addTask {
                while let start = await workers.next() {
                    let outcome: Result<JSONValue?, any Error>
                    do {
                        outcome = .success(
                            try await Self.execute(
                                start.job, context: start.context(clock: clock, logger: logger), executor: executor,
                                signal: start.signal)
                        )
                    } catch {
                        outcome = .failure(error)
                    }
                    // Handed over without entering the actor: the loop takes finished attempts in batches.
                    let completion = Completion(runID: start.runID, attempt: start.attempt, outcome: outcome)
                    shared.completions.withLock { $0.append(completion) }
                    doorbell.ring()
                }
            }
        }
    }

    /// Marks a run's next attempt as executing and records it; the caller starts its job.
    private func beginAttempt(_ run: ActiveRun, now: Date) -> Start? {
        let id = run.record.id
        let schedule = run.schedule
        let isFallback = run.fallbackReason != nil
        guard let job = isFallback ? schedule.fallback : schedule.job else { return nil }
        let number = run.record.attempts.count + 1
        run.record.attempts.append(JobRun.Attempt(number: number, job: job.name, isFallback: isFallback, started: now))
        run.record.status = .running
        run.executingAttempt = number
        run.attemptStart = now
        run.readyToken = nil
        run.cancelReason = nil
        let needsSignal = schedule.timeout != nil || schedule.deadline != nil || schedule.overlap == .cancelOther
        let signal = needsSignal ? Doorbell() : nil
        run.signal = signal
        executing += 1
        pendingWrites.record(run)
        return Start(
            job: job, runID: id, schedule: run.record.schedule, occurrence: run.record.occurrence, attempt: number,
            isFallback: isFallback, fencingToken: run.record.fencingToken, deadline: run.deadline, signal: signal)
    }

    /// Takes back an attempt that ``beginAttempt(_:now:)`` began but that did not start, and
    /// puts its run back in the ready queue.
    private func undoAttempt(_ run: ActiveRun) {
        run.record.attempts.removeLast()
        if run.record.attempts.isEmpty { run.record.status = .scheduled }
        run.executingAttempt = nil
        run.attemptStart = nil
        run.signal = nil
        executing -= 1
        pendingWrites.record(run)
        enqueue(run)
    }

    /// Runs a job, racing it against its cancel signal when it has one.
    private nonisolated static func execute(
        _ job: JobReference,
        context: JobContext,
        executor: any Executor,
        signal: Doorbell?
    ) async throws -> JSONValue? {
        guard let signal else { return try await executor.execute(job, context: context) }
        return try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            group.addTask { try await executor.execute(job, context: context) }
            group.addTask {
                await signal.wait()
                throw CancellationError()
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// Tells an executing attempt to stop.
    ///
    /// An attempt without a cancel signal runs to its end unless the scheduler shuts down (which
    /// cancels every attempt's task): its run's definition, the one it was admitted under, has no
    /// timeout, deadline or `cancelOther`. That is a run of a schedule replaced since, which a new
    /// definition's `cancelOther` leaves to finish under the old one.
    func stopAttempt(_ id: UUID, reason: CancelReason) {
        guard let run = active[id], run.executingAttempt != nil else { return }
        guard run.signal != nil || reason == .shutdown else { return }
        if run.cancelReason == nil { run.cancelReason = reason }
        if stopping.insert(id).inserted { setActivity { $0.stoppingAttempts += 1 } }
        run.signal?.ring()
    }

    // MARK: Completions

    func processCompletions(now: Date) {
        while true {
            let batch = shared.completions.withLock { completions in
                defer { completions.removeAll(keepingCapacity: true) }
                return completions
            }
            if batch.isEmpty { return }
            var stopped = 0
            for completion in batch {
                executing -= 1
                if !stopping.isEmpty, stopping.remove(completion.runID) != nil { stopped += 1 }
                handle(completion, now: now)
            }
            setActivity {
                $0.attempts -= batch.count
                $0.stoppingAttempts -= stopped
            }
        }
    }

    private func handle(_ completion: Completion, now: Date) {
        guard let run = active[completion.runID], run.executingAttempt == completion.attempt else { return }
        let id = completion.runID
        let index = run.record.attempts.count - 1
        let started = run.attemptStart ?? now
        run.executingAttempt = nil
        run.signal = nil
        run.lastDuration = now.timeIntervalSince(started)
        run.record.attempts[index].finished = now
        let isFallback = run.record.attempts[index].isFallback
        let reason = run.cancelReason
        run.cancelReason = nil
        switch completion.outcome {
        case .success(let result):
            run.record.attempts[index].status = .succeeded
            run.record.result = result
            finish(id, status: .succeeded, now: now, message: run.fallbackReason)
        case .failure(let error):
            let status: JobRun.Status =
                switch reason {
                case .timeout: .timedOut
                case .overlap, .shutdown: .cancelled
                case .deadline: .cancelled
                case nil: phase == .draining && error is CancellationError ? .cancelled : .failed
                }
            let message =
                switch reason {
                case .timeout: "timed out after \(run.schedule.timeout ?? .zero)"
                case .deadline: "cancelled at the deadline"
                case .overlap: "cancelled by a newer occurrence"
                case .shutdown: "cancelled at shutdown"
                case nil: String(describing: error)
                }
            run.record.attempts[index].status = status
            run.record.attempts[index].error = message
            afterFailure(id, status: status, message: message, isFallback: isFallback, reason: reason, now: now)
        }
    }

    /// Decides what follows a failed attempt: a retry, the fallback, or the end of the run.
    private func afterFailure(
        _ id: UUID,
        status: JobRun.Status,
        message: String,
        isFallback: Bool,
        reason: CancelReason?,
        now: Date
    ) {
        guard let run = active[id] else { return }
        let schedule = run.schedule
        if reason == .overlap || reason == .shutdown || phase == .draining || isFallback {
            finish(id, status: status, now: now, message: message)
            return
        }
        if reason == .deadline {
            fallBack(id, status: status, reason: "the deadline passed before the run finished", now: now)
            return
        }
        let attempts = run.record.attempts.filter { !$0.isFallback }.count
        guard attempts < schedule.retry.maxAttempts else {
            fallBack(
                id, status: status,
                reason: "it failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(message)", now: now)
            return
        }
        let seed = StableHash.hash(run.record.id.uuidString, 0)
        let backoff = schedule.retry.backoff.delay(afterAttempt: attempts, seed: seed)
        let retryAt = now.addingTimeInterval(backoff.seconds)
        if let deadline = run.deadline {
            let needed = schedule.timeout?.seconds ?? run.lastDuration ?? 0
            if retryAt.addingTimeInterval(needed) > deadline {
                fallBack(
                    id, status: status, reason: "another attempt cannot finish before the deadline: \(message)",
                    now: now)
                return
            }
        }
        run.retryAt = retryAt
        addTimer(at: retryAt, .retry(id))
        pendingWrites.record(run)
        emit(
            .retrying, run: run.record, now: now, attempt: attempts,
            message: "attempt \(attempts) failed (\(message)); next at \(Timestamp.string(from: retryAt))")
    }

    /// Starts the schedule's fallback for a run, or ends the run with `status` when there is none.
    private func fallBack(_ id: UUID, status: JobRun.Status, reason: String, now: Date) {
        guard let run = active[id] else { return }
        guard run.schedule.fallback != nil, run.fallbackReason == nil, phase == .running else {
            finish(id, status: status, now: now, message: reason)
            return
        }
        run.fallbackReason = reason
        run.retryAt = nil
        enqueue(run)
    }

    /// Handles a run's deadline: records the miss, and forces the fallback.
    func deadlinePassed(_ id: UUID, now: Date) {
        guard let run = active[id] else { return }
        run.record.missedDeadline = true
        emit(
            .deadlineMissed, run: run.record, now: now,
            message: run.deadline.map { "deadline \(Timestamp.string(from: $0))" })
        if run.executingAttempt != nil {
            if run.fallbackReason == nil { stopAttempt(id, reason: .deadline) }
        } else if run.fallbackReason == nil {
            fallBack(id, status: .failed, reason: "the deadline passed before the run finished", now: now)
        }
    }

    /// Cancels a run: stops its attempt, or ends it at once when none executes.
    func cancelRun(_ id: UUID, now: Date, message: String) {
        guard let run = active[id] else { return }
        if run.executingAttempt != nil {
            stopAttempt(id, reason: .overlap)
        } else {
            finish(id, status: .cancelled, now: now, message: message)
        }
    }

    /// Ends a run: records its final status, frees its place, starts what waited behind it.
    ///
    /// A run skipped before it was ever written (prepared ahead, then paused, disabled, skipped by
    /// the overlap or catch-up policy, or by a shutdown) is not written: its skip entry records the
    /// occurrence, as when it is skipped without being prepared ahead.
    func finish(_ id: UUID, status: JobRun.Status, now: Date, message: String?) {
        guard let run = active.removeValue(forKey: id) else { return }
        run.isActive = false
        run.readyToken = nil
        run.record.status = status
        run.record.finished = now
        if let reason = run.fallbackReason { run.record.fallback = reason }
        if status != .skipped || run.isRecorded { pendingWrites.record(run) }
        let kind: SchedulerEvent.Kind =
            switch status {
            case .succeeded: .succeeded
            case .timedOut: .timedOut
            case .cancelled, .skipped: .cancelled
            default: .failed
            }
        if status == .succeeded, run.fallbackReason != nil {
            emit(.fallbackUsed, run: run.record, now: now, message: run.fallbackReason)
        }
        emit(kind, run: run.record, now: now, message: message)
        let entry = run.entry
        guard entry.isInstalled else { return }
        entry.activeRuns.removeAll { $0 == id }
        if !entry.buffered.isEmpty { entry.buffered.removeAll { $0 == id } }
        if phase == .running, entry.activeRuns.count < entry.schedule.overlap.concurrentRuns,
            let next = entry.buffered.popFirst()
        {
            if let waiting = active[next] {
                admitClaimed(waiting, now: now)
            }
        }
        if phase == .running, entry.schedule.dependsOnCompletion, entry.activeRuns.isEmpty,
            case .runThenWait(let delay) = entry.schedule.trigger.kind
        {
            entry.lastFinish = now
            if let event = Self.event(waiting: delay, after: now, cursor: entry.cursor, end: entry.schedule.end) {
                entry.nextEvent = event
                entry.generation &+= 1
                addTimer(at: event.instant, .due(entry, generation: entry.generation))
            }
        }
    }

    /// The next start of a run-then-wait schedule whose last run finished at `finished`: `delay`
    /// later, on a whole second, and after the schedule's cursor; nil when that is past its end.
    static func event(waiting delay: Duration, after finished: Date, cursor: Date, end: Date?) -> Trigger.Event? {
        let next = max(finished.addingTimeInterval(delay.seconds).wholeSecondCeiling, cursor.addingTimeInterval(1))
        guard end.map({ next < $0 }) ?? true else { return nil }
        return Trigger.Event(instant: next, isSkippedByGap: false)
    }
}

extension Date {
    /// The instant rounded up to a whole second.
    var wholeSecondCeiling: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.up)) }
}
