//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation
public import Logging
public import Scheduling
import Synchronization

/// What a stage sees while it runs: which run and attempt it is, the clock, a logger, the
/// effects it may use, and a journal for warnings and progress.
///
/// ```swift
/// func run(_ prices: [Price], context: StageContext) async throws -> Forecast {
///     if prices.count < 24 { context.warn("only \(prices.count) of 24 hourly prices") }
///     context.progress(0.5, "model loaded")
///     ...
/// }
/// ```
public struct StageContext: Sendable {
    /// The run: the same on every attempt and on resume.
    public let runID: UUID
    /// The pipeline's name.
    public let pipeline: String
    /// The stage's name (for a fan-out item, the stage's name and the item's index).
    public let stage: String
    /// The attempt, from 1.
    public let attempt: Int
    /// The pipeline's clock: sleep and read time through it, never directly.
    public let clock: any SchedulerClock
    /// A logger with `pipeline.*` metadata.
    public let logger: Logger
    /// The outside world: HTTP, mail, files, processes. Recording implementations in a dry run.
    public let effects: Effects
    let journal: StageJournal
    let execution: PipelineExecution

    init(execution: PipelineExecution, stage: String, attempt: Int, journal: StageJournal) {
        self.runID = execution.runID
        self.pipeline = execution.pipeline
        self.stage = stage
        self.attempt = attempt
        self.clock = execution.clock
        self.execution = execution
        var logger = execution.logger
        logger[metadataKey: "pipeline.stage"] = "\(stage)"
        logger[metadataKey: "pipeline.attempt"] = "\(attempt)"
        self.logger = logger
        self.effects = execution.effects
        self.journal = journal
    }

    /// A key that is the same for this stage of this run on every attempt and on resume: give it to
    /// effects that must happen once (such as ``Mail/idempotencyKey``).
    public var idempotencyKey: String { "\(runID.uuidString)/\(stage)" }

    /// Records a warning (partial data, a skipped item) in the run summary.
    public func warn(_ message: String) {
        journal.warn("\(stage): \(message)")
        logger.warning("\(message)")
    }

    /// Reports progress.
    ///
    /// - Parameters:
    ///   - fraction: From 0 to 1.
    ///   - message: What is happening.
    public func progress(_ fraction: Double, _ message: String = "") {
        let progress = StageProgress(stage: stage, fraction: min(1, max(0, fraction)), message: message)
        journal.report(progress)
        logger.info(
            "progress",
            metadata: [
                "pipeline.progress": "\(Int((progress.fraction * 100).rounded()))%", "pipeline.message": "\(message)",
            ]
        )
    }
}

/// A stage's progress report.
public struct StageProgress: Sendable, Hashable, Codable {
    /// The stage.
    public var stage: String
    /// From 0 to 1.
    public var fraction: Double
    /// What is happening.
    public var message: String

    /// Creates a report.
    public init(stage: String, fraction: Double, message: String) {
        self.stage = stage
        self.fraction = fraction
        self.message = message
    }
}

/// Collects a stage's warnings and forwards progress; shared by its attempts and fan-out items.
final class StageJournal: Sendable {
    private let warnings = Mutex<[String]>([])
    private let observer: (@Sendable (StageProgress) -> Void)?

    init(observer: (@Sendable (StageProgress) -> Void)?) {
        self.observer = observer
    }

    func warn(_ message: String) { warnings.withLock { $0.append(message) } }

    func report(_ progress: StageProgress) { observer?(progress) }

    var recorded: [String] { warnings.withLock { $0 } }
}
