//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import Foundation
    import Logging
    import Scheduling
    import ServiceLifecycle
    import UnixSignals

    /// Reloads the daemon's schedules when the configuration file changes or the process gets
    /// SIGHUP, and applies the difference to the running scheduler.
    ///
    /// A file that no longer loads (a syntax error, an unregistered job) is reported in the log and
    /// changes nothing: the daemon keeps running what it ran.
    actor ConfigReloader: Service {
        /// Reads the schedules again; throws a description of what is wrong.
        typealias Load = @Sendable () throws -> [Schedule]

        let file: String
        let load: Load
        let scheduler: Scheduler
        let clock: any SchedulerClock
        let interval: TimeInterval
        let logger: Logger
        private var current: [Schedule]
        private var contents: Data?
        /// The latest reload asked for; the next one waits for it.
        private var latestReload: Task<ScheduleChanges?, Never>?

        init(
            file: String, initial: [Schedule], load: @escaping Load, scheduler: Scheduler,
            clock: any SchedulerClock, interval: TimeInterval = 1, logger: Logger
        ) {
            self.file = file
            self.current = initial
            self.load = load
            self.scheduler = scheduler
            self.clock = clock
            self.interval = interval
            self.logger = logger
            self.contents = FileManager.default.contents(atPath: file)
        }

        func run() async throws {
            let hangups = await UnixSignalsSequence(trapping: .sighup)
            await cancelWhenGracefulShutdown {
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        for await _ in hangups { await self.reload(because: "SIGHUP") }
                    }
                    group.addTask { await self.watch() }
                }
            }
        }

        /// Looks at the file every interval and reloads when its bytes change.
        private func watch() async {
            while !Task.isCancelled {
                do {
                    try await clock.sleep(until: clock.now.addingTimeInterval(interval))
                } catch {
                    return
                }
                let now = FileManager.default.contents(atPath: file)
                if now != nil, now != contents { await reload(because: "the file changed") }
            }
        }

        /// Loads the file and applies what changed, after any reload already under way: a SIGHUP
        /// and the file watcher may ask at once, and two reloads that compared the file with the
        /// same schedules would both add, or both remove, the same ones.
        ///
        /// - Returns: What changed, or nil when the file did not load.
        @discardableResult
        func reload(because reason: String) async -> ScheduleChanges? {
            let previous = latestReload
            let reload = Task {
                _ = await previous?.value
                return await reloadOnce(because: reason)
            }
            latestReload = reload
            return await reload.value
        }

        private func reloadOnce(because reason: String) async -> ScheduleChanges? {
            contents = FileManager.default.contents(atPath: file)
            let desired: [Schedule]
            do {
                desired = try load()
            } catch {
                logger.error(
                    "configuration not reloaded; the daemon keeps its schedules",
                    metadata: [
                        "scheduler.file": "\(file)", "scheduler.reason": "\(reason)", "scheduler.error": "\(error)",
                    ])
                return nil
            }
            do {
                let changes = try await ScheduleReconciler.apply(desired, replacing: current, in: scheduler)
                current = desired
                logger.info(
                    "configuration reloaded",
                    metadata: [
                        "scheduler.file": "\(file)", "scheduler.reason": "\(reason)",
                        "scheduler.added": "\(changes.added)", "scheduler.replaced": "\(changes.replaced)",
                        "scheduler.removed": "\(changes.removed)",
                    ])
                return changes
            } catch {
                logger.error(
                    "configuration reload failed part-way",
                    metadata: ["scheduler.file": "\(file)", "scheduler.error": "\(error)"])
                return nil
            }
        }
    }
#endif
