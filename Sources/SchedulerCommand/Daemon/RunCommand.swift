//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    package import ArgumentParser
    import Foundation
    package import Logging
    package import Scheduling
    import SchedulingSQLite

    /// `scheduler run --config FILE [--state PATH]`: the daemon.
    struct RunCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the configuration's schedules until SIGTERM or SIGINT.",
            discussion: """
                State lives in SQLite: --state, or the configuration's 'state:', or \
                .scheduler/state.sqlite beside the configuration. SIGHUP, or a change of the file, \
                reloads the schedules without losing state. One log line per event goes to \
                standard error.
                """
        )

        @Option(name: .long, help: "The configuration file (YAML).")
        var config: String

        @OptionGroup var daemon: DaemonOptions

        func run() async throws {
            let loaded = try SchedulerConfiguration.loadForCommand(file: config)
            let jobs = JobRegistry()
            try DaemonOptions.refuseUnregisteredJobs(in: loaded.schedules, jobs: jobs, file: config)
            let logger = daemon.logger()
            for warning in loaded.warnings { logger.warning("\(warning)") }
            let file = config
            let source = SchedulerDaemon.Source.file(file, initial: loaded.schedules) {
                let reloaded = try SchedulerConfiguration.load(file: file)
                try SchedulerDaemon.requireRegisteredJobs(in: reloaded.schedules, jobs: jobs, file: file)
                return reloaded.schedules
            }
            try await daemon.run(
                source: source, jobs: { _ in jobs }, statePath: daemon.state ?? loaded.statePath,
                concurrency: loaded.concurrency, logger: logger)
        }
    }

    /// The options of a daemon: where state lives, its instance name and its log level. The
    /// examples' `run` commands share them.
    package struct DaemonOptions: ParsableArguments {
        @Option(name: .long, help: "The state file (SQLite).")
        package var state: String?

        @Option(
            name: .long,
            help: "This instance's name; each daemon on one store needs its own. Default: the host name.")
        package var instance: String?

        @Option(
            name: .long,
            help: "The lowest level logged: trace, debug, info, notice, warning, error or critical.")
        package var logLevel = "info"

        /// Creates the options; argument parsing fills them in.
        package init() {}

        package func validate() throws {
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError(
                    "unknown log level '\(logLevel)'; use one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }

        /// A logger writing one line per message to standard error, at the chosen level.
        package func logger(label: String = "scheduler") -> Logger {
            var logger = Logger(label: label) { DaemonLogHandler(label: $0) }
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return logger
        }

        /// Exits 1, naming them, when schedules use Swift jobs the registry lacks.
        package static func refuseUnregisteredJobs(in schedules: [Schedule], jobs: JobRegistry, file: String) throws {
            do {
                try SchedulerDaemon.requireRegisteredJobs(in: schedules, jobs: jobs, file: file)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }

        /// Opens the store and runs a daemon on it until SIGTERM or SIGINT.
        ///
        /// - Parameters:
        ///   - source: The schedules.
        ///   - jobs: The jobs, given the store (pipelines keep their checkpoints there).
        ///   - statePath: The SQLite file, created when missing.
        ///   - concurrency: How many jobs run at once.
        ///   - logger: Where the daemon logs.
        package func run(
            source: SchedulerDaemon.Source, jobs: (any JobStore) -> JobRegistry, statePath: String,
            concurrency: Int, logger: Logger
        ) async throws {
            let store: SQLiteJobStore
            let lock: InstanceLock
            do {
                store = try SQLiteJobStore(path: statePath)
                // Held until the daemon stops: a second daemon under this name would take this
                // one's running jobs for interrupted ones and run them again.
                lock = try store.lockInstance(instance ?? SchedulerDaemon.defaultInstance)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
            logger.info("daemon starting", metadata: ["scheduler.state": "\(statePath)"])
            let daemon = SchedulerDaemon(
                source: source, store: store, jobs: jobs(store),
                configuration: Scheduler.Configuration(instance: lock.instance, concurrency: concurrency),
                logger: logger)
            try await daemon.run()
            try store.close()
            withExtendedLifetime(lock) {}
        }
    }
#endif
