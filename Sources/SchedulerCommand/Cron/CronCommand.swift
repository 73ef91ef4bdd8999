//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import ArgumentParser
    import Foundation
    import Scheduling

    /// `scheduler cron`: compute, explain and check cron expressions.
    struct CronCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cron",
            abstract: "Compute, explain and validate cron expressions.",
            subcommands: [CronNextCommand.self, CronExplainCommand.self, CronValidateCommand.self]
        )
    }

    /// Options shared by the cron subcommands that evaluate an expression in a zone.
    struct ZoneOptions: ParsableArguments {
        @Option(name: .long, help: "IANA time zone whose wall clock the expression matches.")
        var tz: String = "UTC"

        @Option(name: .long, help: "Start strictly after this instant (RFC 3339). Default: now.")
        var after: String?

        func zone() throws -> TimeZone {
            try CommandFailure.wrap { () throws(SchedulingError) in try TimeZone.named(tz) }
        }

        func start() throws -> Date {
            guard let after else { return Date() }
            return try CommandFailure.wrap { () throws(SchedulingError) in try Timestamp.date(from: after) }
        }
    }

    /// An error that ends a command with exit status 1 and a message on standard error.
    struct CommandFailure: Error, CustomStringConvertible {
        var description: String

        /// Runs a library call, turning its error into a failure of the command.
        static func wrap<T>(_ body: () throws(SchedulingError) -> T) throws -> T {
            do {
                return try body()
            } catch {
                throw CommandFailure(description: "error: \(error)")
            }
        }
    }

    extension ParsableCommand {
        /// Prints a failure to standard error and exits 1; other errors go to argument-parser.
        static func exitReporting(_ failure: CommandFailure) -> ExitCode {
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            return ExitCode.failure
        }
    }
#endif
