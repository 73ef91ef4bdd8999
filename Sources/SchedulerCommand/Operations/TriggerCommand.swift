//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import ArgumentParser
    package import Foundation
    package import Scheduling

    /// `scheduler trigger NAME`: records a request to run a schedule's job now. A running daemon
    /// takes it within a second; otherwise the next daemon to start on the store runs it.
    struct TriggerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trigger",
            abstract: "Ask the daemon to run a schedule's job now.",
            discussion: "Prints the requested run's identifier; follow it with 'scheduler history NAME'."
        )

        @OptionGroup var options: StateOptions

        @Argument(help: "The schedule.")
        var schedule: String

        func run() async throws {
            let store = try options.open()
            do {
                let run = try await store.requestRun(of: schedule, at: Date())
                print("\(schedule): run \(run.id) requested; a running daemon starts it within a second")
            } catch let error as SchedulingError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    extension JobStore {
        /// Records a request to run a stored schedule's job (``JobRun/request(schedule:at:)``).
        ///
        /// - Throws: ``SchedulingError/Code/scheduleNotFound`` when the store has no such schedule.
        package func requestRun(of name: String, at instant: Date) async throws -> JobRun {
            guard try await schedules().contains(where: { $0.schedule.name == name }) else {
                throw SchedulingError.scheduleNotFound(name)
            }
            let run = JobRun.request(schedule: name, at: instant)
            try await saveRun(run)
            return run
        }
    }
#endif
