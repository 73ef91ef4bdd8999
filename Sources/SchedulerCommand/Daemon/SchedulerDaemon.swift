//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import Foundation
    package import Logging
    package import Scheduling
    import ServiceLifecycle
    package import UnixSignals

    /// The daemon: a scheduler on a store and, for a configuration file, a reloader, run as one
    /// swift-service-lifecycle `ServiceGroup` until SIGTERM or SIGINT. The scheduler logs one line
    /// per event.
    ///
    /// `scheduler run` builds one from a configuration file; applications that register Swift jobs
    /// (the examples) build one from their own schedules.
    package struct SchedulerDaemon: Sendable {
        /// Where the desired schedules come from.
        package enum Source: Sendable {
            /// A fixed list, such as an application's own schedules.
            case schedules([Schedule])
            /// A configuration file, read again when it changes or on SIGHUP.
            case file(String, initial: [Schedule], load: @Sendable () throws -> [Schedule])

            var initial: [Schedule] {
                switch self {
                case .schedules(let schedules), .file(_, let schedules, _): schedules
                }
            }
        }

        /// The scheduler the daemon runs.
        package let scheduler: Scheduler
        let source: Source
        let clock: any SchedulerClock
        let logger: Logger

        /// Creates a daemon.
        ///
        /// - Parameters:
        ///   - source: The schedules to run.
        ///   - store: The state store.
        ///   - jobs: The Swift jobs it can run (and processes).
        ///   - configuration: The scheduler's configuration; the daemon polls the store every
        ///     second unless it sets another interval, so that the command line's changes and run
        ///     requests arrive within a second.
        ///   - clock: The source of time.
        ///   - logger: Where the scheduler logs, one line per event.
        package init(
            source: Source,
            store: any JobStore,
            jobs: JobRegistry,
            configuration: Scheduler.Configuration,
            clock: any SchedulerClock = SystemClock(),
            logger: Logger
        ) {
            var configuration = configuration
            configuration.storePollInterval = configuration.storePollInterval ?? .seconds(1)
            self.scheduler = Scheduler(
                store: store, executor: jobs, clock: clock, configuration: configuration, logger: logger)
            self.source = source
            self.clock = clock
            self.logger = logger
        }

        /// The instance name a daemon uses unless told otherwise: the host's name, so that a
        /// restarted daemon recognises the runs its previous life left behind.
        package static var defaultInstance: String {
            let host = ProcessInfo.processInfo.hostName
            return host.isEmpty ? "scheduler" : host
        }

        /// Job names the schedules use that the registry cannot run, each once, in order.
        package static func unregisteredJobs(in schedules: [Schedule], jobs: JobRegistry) -> [String] {
            var missing: [String] = []
            for schedule in schedules {
                for job in [schedule.job, schedule.fallback].compactMap(\.self)
                where !jobs.canExecute(job.name) && !missing.contains(job.name) {
                    missing.append(job.name)
                }
            }
            return missing
        }

        /// Throws an error naming every Swift job the schedules use that the registry lacks.
        package static func requireRegisteredJobs(in schedules: [Schedule], jobs: JobRegistry, file: String) throws {
            let missing = unregisteredJobs(in: schedules, jobs: jobs)
            guard !missing.isEmpty else { return }
            let names = missing.map { "'\($0)'" }.joined(separator: ", ")
            throw CommandFailure(
                description: """
                    \(file): error: no job is registered as \(names); this daemon runs processes \
                    ('job: { process: [...] }') and the Swift jobs of the application that embeds it; \
                    run these schedules from an application that registers them
                    """)
        }

        /// Adopts the schedules, then runs until SIGTERM or SIGINT (or cancellation) and a graceful
        /// shutdown.
        package func run(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
            let changes = try await scheduler.adopt(source.initial)
            logger.info(
                "schedules adopted",
                metadata: [
                    "scheduler.added": "\(changes.added)", "scheduler.replaced": "\(changes.replaced)",
                    "scheduler.removed": "\(changes.removed)",
                ])
            // A group shuts its services down in reverse order: the reloader first, then the scheduler.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: scheduler, successTerminationBehavior: .gracefullyShutdownGroup)
            ]
            if case .file(let file, let initial, let load) = source {
                let reloader = ConfigReloader(
                    file: file, initial: initial, load: load, scheduler: scheduler, clock: clock, logger: logger)
                services.append(.init(service: reloader, successTerminationBehavior: .gracefullyShutdownGroup))
            }
            var configuration = ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
            configuration.logging.keys.serviceKey = "scheduler.service"
            try await ServiceGroup(configuration: configuration).run()
        }
    }
#endif
