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

extension Scheduler {
    // MARK: Shutdown, recovery, leases and writes

    func beginShutdown(now: Date) {
        phase = .draining
        logger.info("scheduler shutting down", metadata: ["scheduler.attempts": "\(executing)"])
        for pending in commands { pending.continuation.resume(throwing: Self.notRunning()) }
        commands.removeAll()
        for (id, run) in active where run.executingAttempt == nil {
            if run.record.attempts.isEmpty {
                recordSkips(
                    SkippedOccurrences(run.record.occurrence, .shutdown, "the scheduler shut down before it started"),
                    schedule: run.record.schedule, now: now)
                finish(id, status: .skipped, now: now, message: "the scheduler shut down before it started")
            } else {
                finish(id, status: .cancelled, now: now, message: "the scheduler shut down between attempts")
            }
        }
        ready = Heap()
        staged = [:]
        overdue = [:]
        walks = [:]
        addTimer(at: now.addingTimeInterval(configuration.shutdownGracePeriod.seconds), .grace)
    }

    func finishShutdown() async {
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
    func recoverInterruptedRuns(now: Date, atStart: Bool) async {
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
        if includingCursors { pendingWrites.recordWaitingRuns() }
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
}
