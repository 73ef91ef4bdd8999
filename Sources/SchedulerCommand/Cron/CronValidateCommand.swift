//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import ArgumentParser
    import Scheduling

    /// `scheduler cron validate`: exit 0 for a valid expression, 1 with the error otherwise.
    struct CronValidateCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a cron expression; print its canonical form and warnings, or the error."
        )

        @Argument(help: "The cron expression, quoted.")
        var expression: String

        func run() async throws {
            do {
                let cron = try CommandFailure.wrap { () throws(SchedulingError) in try CronExpression(expression) }
                print("valid: \(cron.description)")
                for warning in cron.warnings { print("warning: \(warning)") }
            } catch let failure as CommandFailure {
                throw Self.exitReporting(failure)
            }
        }
    }
#endif
