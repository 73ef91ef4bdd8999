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
    import Pipelines
    import SchedulerCommand
    import Scheduling

    /// The video pipeline: plan the output, render it with the shipped script, publish a manifest.
    /// It runs every five hours, never twice at once, with a timeout and retries; a retried run
    /// resumes after the stages that already succeeded.
    enum VideoPipeline {
        /// The schedule's name.
        static let scheduleName = "video"
        /// The job the schedule runs.
        static let jobName = "video.render"

        /// What a render needs: the schedule's parameters.
        struct Request: Codable, Sendable, Hashable {
            var title: String
            var folder: String
            var script: String
            var steps: Int
            var secondsPerStep: Double
        }

        /// Where this run's video goes.
        struct Plan: Codable, Sendable {
            var request: Request
            var output: String
        }

        /// A rendered video.
        struct Rendered: Codable, Sendable {
            var title: String
            var output: String
            var bytes: Int
            var progress: [String]
        }

        /// A published video and its manifest.
        struct Published: Codable, Sendable {
            var output: String
            var manifest: String
            var bytes: Int
        }

        /// The manifest written beside each video.
        struct Manifest: Codable, Sendable {
            var title: String
            var video: String
            var bytes: Int
            var run: String
        }

        /// The render script shipped with the example, found from this source file.
        static var bundledScript: String {
            URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent()  // VideoPipeline
                .deletingLastPathComponent()  // Sources
                .deletingLastPathComponent()  // Examples/VideoPipeline
                .appendingPathComponent("Scripts/render.sh").path
        }

        /// The pipeline: plan, render, publish.
        static let pipeline = Pipeline("video", input: Request.self)
            .then("plan") { request, context in
                let name = "video-\(context.runID.uuidString.prefix(8).lowercased()).txt"
                return Plan(
                    request: request, output: URL(fileURLWithPath: request.folder).appendingPathComponent(name).path)
            }
            .then("render") { plan, context in
                let request = plan.request
                // The script's lines are logged, and its progress reported, as it writes them: a
                // render of hours shows how far it got while it runs.
                let result = try await context.effects.processes.run(
                    ProcessExecutor.Parameters(arguments: [
                        "/bin/sh", request.script, plan.output, request.title, "\(request.steps)",
                        "\(request.secondsPerStep)",
                    ])
                ) { line in
                    context.logger.info("render: \(line.text)")
                    if let fraction = fraction(ofProgressLine: line.text) { context.progress(fraction, line.text) }
                }
                let progress = result.standardOutput.split(separator: "\n").map(String.init)
                context.progress(1, "rendered")
                let bytes = try await context.effects.files.read(plan.output).count
                return Rendered(title: request.title, output: plan.output, bytes: bytes, progress: progress)
            }
            .then("publish") { rendered, context in
                let manifest = rendered.output + ".json"
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let body = Manifest(
                    title: rendered.title, video: rendered.output, bytes: rendered.bytes, run: context.runID.uuidString)
                try await context.effects.files.write(try encoder.encode(body), to: manifest)
                return Published(output: rendered.output, manifest: manifest, bytes: rendered.bytes)
            }

        /// The fraction done that a line of the render script reports (`progress 40%`), if it is
        /// such a line.
        static func fraction(ofProgressLine line: String) -> Double? {
            guard line.hasPrefix("progress "), line.hasSuffix("%"),
                let percent = Double(line.dropFirst("progress ".count).dropLast())
            else { return nil }
            return percent / 100
        }

        /// The schedule: every `interval` from the epoch, overlap skip, a timeout and two retries.
        static func schedule(every interval: Duration, timeout: Duration, request: Request) throws -> Schedule {
            try Schedule(
                scheduleName,
                job: JobReference(jobName, parameters: JSONValue(encoding: request)),
                trigger: .every(interval),
                overlap: .skip,
                retry: .retries(2, backoff: min(.seconds(600), interval)),
                timeout: timeout
            )
        }

        /// The jobs: the pipeline, with its checkpoints in the store and real files and processes.
        static func jobs(store: any JobStore) -> JobRegistry {
            var jobs = JobRegistry()
            jobs.register(pipeline, as: jobName, store: store, effects: Effects())
            return jobs
        }
    }
#endif
