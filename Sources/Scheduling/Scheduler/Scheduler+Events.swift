//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Synchronization

extension Scheduler {
    // MARK: Events

    /// Emits an event about a run. The record and the message are read only when the event is
    /// observed: most runs' events reach nobody, and copying a record costs.
    func emit(
        _ kind: SchedulerEvent.Kind, run: @autoclosure () -> JobRun, now: Date, attempt: Int? = nil,
        message: @autoclosure () -> String? = nil
    ) {
        guard isObserved(kind) else { return }
        let run = run()
        emit(
            SchedulerEvent(
                kind: kind,
                schedule: run.schedule,
                occurrence: run.occurrence,
                runID: run.id,
                attempt: attempt,
                at: now,
                message: message()
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
