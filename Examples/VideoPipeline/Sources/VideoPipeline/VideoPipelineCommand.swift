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
    import SchedulerCommand
    import Scheduling
    import SchedulingSQLite

    /// `video-pipeline run|trigger|status`: the video pipeline as a daemon on SQLite.
    @main
    struct VideoPipelineCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "video-pipeline",
            abstract: "Render and publish a video every five hours; state and history live in SQLite.",
            subcommands: [RunCommand.self, TriggerCommand.self, StatusCommand.self]
        )
    }

    /// Where the example keeps its state.
    struct StateOption: ParsableArguments {
        /// The state file unless `--state` says otherwise.
        static let defaultPath = ".video-pipeline/state.sqlite"

        @Option(name: .long, help: "The state file (SQLite).")
        var state = Self.defaultPath

        /// Opens the state a daemon created, or exits 1 saying so.
        func open() throws -> SQLiteJobStore {
            guard FileManager.default.fileExists(atPath: state) else {
                FileHandle.standardError.write(
                    Data("error: no state at \(state); start 'video-pipeline run' first\n".utf8))
                throw ExitCode.failure
            }
            return try SQLiteJobStore(path: state)
        }
    }

    /// `video-pipeline run`: the daemon.
    struct RunCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run the pipeline on its schedule until SIGTERM or SIGINT.")

        @OptionGroup var daemon: DaemonOptions

        @Option(help: "How often the pipeline runs, from 1970-01-01T00:00:00Z.")
        var every = DurationArgument(.seconds(5 * 3_600))

        @Option(help: "How long one attempt may take.")
        var timeout = DurationArgument(.seconds(4 * 3_600))

        @Option(help: "The video's title.")
        var title = "Five-hour digest"

        @Option(help: "Where videos and their manifests go.")
        var output = ".video-pipeline/videos"

        @Option(help: "The render script.")
        var script = VideoPipeline.bundledScript

        @Option(help: "How many blocks the stand-in render writes.")
        var steps = 10

        @Option(help: "How long each block takes, in seconds.")
        var secondsPerStep = 1.0

        func run() async throws {
            let request = VideoPipeline.Request(
                title: title, folder: output, script: script, steps: max(1, steps),
                secondsPerStep: max(0, secondsPerStep))
            let schedule = try VideoPipeline.schedule(
                every: every.duration, timeout: timeout.duration, request: request)
            try await daemon.run(
                source: .schedules([schedule]), jobs: VideoPipeline.jobs(store:),
                statePath: daemon.state ?? StateOption.defaultPath, concurrency: 1,
                logger: daemon.logger(label: "video-pipeline"))
        }
    }

    /// `video-pipeline trigger`: a run now.
    struct TriggerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trigger",
            abstract: "Ask the running daemon (or the next one to start) to run the pipeline now.")

        @OptionGroup var state: StateOption

        func run() async throws {
            let run = try await state.open().requestRun(of: VideoPipeline.scheduleName, at: Date())
            print("run \(run.id) requested")
        }
    }

    /// `video-pipeline status`: the schedule's state, last run and next occurrence.
    struct StatusCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show the schedule's state, last run and next occurrence.")

        @OptionGroup var state: StateOption

        @Flag(help: "Print one JSON object per line.")
        var json = false

        func run() async throws {
            let store = try state.open()
            try await StatusReport.write(try await store.schedules(), in: store, now: Date(), json: json)
        }
    }
#else
    /// Without the package's `CLI` trait there is no command line.
    @main
    enum VideoPipelineCommand {
        static func main() {
            print("video-pipeline needs the package's CLI trait (on by default)")
        }
    }
#endif
