//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    public import ArgumentParser

    /// The `scheduler` command line: parses arguments, then calls into the library.
    ///
    /// The executable's `main` only calls ``SchedulerCommand/main()``; tests run subcommands
    /// directly.
    public struct SchedulerCommand: AsyncParsableCommand {
        /// The command's name, abstract and subcommands.
        public static let configuration = CommandConfiguration(
            commandName: "scheduler",
            abstract: "Schedule jobs with cron expressions, intervals and times of day.",
            subcommands: [
                CronCommand.self, ValidateCommand.self, PreviewCommand.self, RunCommand.self, ExportCommand.self,
                StatusCommand.self,
                HistoryCommand.self, SkipsCommand.self, TriggerCommand.self, PauseCommand.self, ResumeCommand.self,
                EnableCommand.self, DisableCommand.self,
            ]
        )

        /// Creates the command; argument parsing fills it in.
        public init() {}

        /// Parses the process's arguments, runs the command and exits with its status.
        public static func runCommandLine() async {
            await main()
        }
    }
#else
    import Foundation

    /// The `scheduler` command line, which needs the package's `CLI` trait.
    public enum SchedulerCommand {
        /// Explains that the tool was built without its command-line trait and exits 1.
        public static func runCommandLine() async {
            print("scheduler was built without the CLI trait; build with default traits or --traits CLI")
            exit(1)
        }
    }
#endif
