//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import Logging
    import Scheduling
    import ServiceLifecycle

    /// Writes one log line per scheduler event, with the schedule, the run and the attempt as
    /// metadata. Failures and missed deadlines are warnings; everything else is info.
    ///
    /// It logs until the scheduler's events end, then waits for its own turn in the group's
    /// graceful shutdown, which comes after the scheduler's: a service group treats a service
    /// that ends before it is told to as a failure.
    struct EventLog: Service {
        let events: AsyncStream<SchedulerEvent>
        let logger: Logger

        /// Subscribes to a scheduler's events; create it before the scheduler runs.
        init(scheduler: Scheduler, logger: Logger) {
            self.events = scheduler.events(bufferingNewest: 4_096)
            self.logger = logger
        }

        func run() async {
            for await event in events {
                var metadata: Logger.Metadata = [
                    "scheduler.schedule": "\(event.schedule)",
                    "scheduler.occurrence": "\(Timestamp.string(from: event.occurrence))",
                ]
                if let run = event.runID { metadata["scheduler.run"] = "\(run)" }
                if let attempt = event.attempt { metadata["scheduler.attempt"] = "\(attempt)" }
                if let message = event.message { metadata["scheduler.message"] = "\(message)" }
                logger.log(level: Self.level(of: event.kind), "run \(event.kind)", metadata: metadata)
            }
            try? await gracefulShutdown()
        }

        static func level(of kind: SchedulerEvent.Kind) -> Logger.Level {
            switch kind {
            case .failed, .timedOut, .deadlineMissed, .interrupted: .warning
            case .deadlineAtRisk, .fallbackUsed: .notice
            default: .info
            }
        }
    }
#endif
