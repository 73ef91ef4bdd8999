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

/// Stages chained at compile time: each stage's input is the previous stage's output.
///
/// ```swift
/// let newsletter = Pipeline("newsletter", input: Issue.self)
///     .then(Scrape())                  // Issue -> [Article]
///     .then(Enrich())                  // [Article] -> [Story]
///     .then("render") { stories, _ in Newsletter(stories) }
///     .then(Send())                    // Newsletter -> Receipt
/// let result = try await newsletter.run(issue, store: store, effects: effects, logger: logger)
/// ```
///
/// `then` compiles only where the types line up: `.then(Send())` right after `Scrape()` is a
/// compile-time error, because `[Article]` is not `Newsletter`. There is no `Any` and no cast.
public struct Pipeline<Input: Sendable, Output: Sendable>: Sendable {
    /// The pipeline's name.
    public let name: String
    /// The names of its stages, in order.
    public let stageNames: [String]
    private let body: @Sendable (Input, PipelineExecution) async throws -> Output

    private init(
        name: String, stageNames: [String], body: @escaping @Sendable (Input, PipelineExecution) async throws -> Output
    ) {
        self.name = name
        self.stageNames = stageNames
        self.body = body
    }

    /// Appends a stage whose input is this pipeline's output.
    public func then<S: Stage>(_ stage: S) -> Pipeline<Input, S.Output> where S.Input == Output {
        let body = self.body
        return Pipeline<Input, S.Output>(name: name, stageNames: stageNames + [stage.name]) { input, execution in
            try await execution.run(stage, on: try await body(input, execution))
        }
    }

    /// Appends a closure stage whose input is this pipeline's output.
    ///
    /// - Parameters:
    ///   - name: Unique within the pipeline.
    ///   - version: Bump it when the output for the same input changes.
    ///   - options: Retry, timeout and checkpoint policy.
    ///   - fallback: A replacement when every attempt failed.
    ///   - body: The work.
    public func then<Next: Codable & Sendable>(
        _ name: String,
        version: Int = 1,
        options: StageOptions = StageOptions(),
        fallback: ClosureStage<Output, Next>.FallbackBody? = nil,
        _ body: @escaping @Sendable (Output, StageContext) async throws -> Next
    ) -> Pipeline<Input, Next> {
        then(ClosureStage(name, version: version, options: options, fallback: fallback, body))
    }

    /// Appends a fan-out: `stage` over each element of this pipeline's output, at most
    /// `concurrency` at a time.
    ///
    /// - Parameters:
    ///   - stage: The stage each element goes through, with its own retry and timeout.
    ///   - name: The fan-out's name; defaults to the stage's name followed by `[]`.
    ///   - concurrency: The most items in flight.
    ///   - itemFailures: Whether a failed item fails the stage or becomes a warning.
    public func forEach<S: Stage>(
        _ stage: S,
        name: String? = nil,
        concurrency: Int,
        itemFailures: ItemFailurePolicy = .failStage
    ) -> Pipeline<Input, [ItemOutcome<S.Output>]> where Output == [S.Input] {
        then(FanOut(stage, name: name, concurrency: concurrency, itemFailures: itemFailures))
    }

    /// Runs the pipeline for a run, resuming from the run's checkpoints.
    ///
    /// Stages whose checkpoint exists (under this run, their name and version) are skipped and
    /// their outputs decoded; the others run and are checkpointed. In a dry run (``Effects/dryRun(over:)``)
    /// checkpoints go to a scratch store, never `store`, so a dry run cannot satisfy a real one.
    ///
    /// - Parameters:
    ///   - input: The first stage's input.
    ///   - id: The run; run the same id again to resume.
    ///   - store: Where checkpoints live.
    ///   - effects: The outside world.
    ///   - clock: The source of time for timeouts, backoff and durations.
    ///   - logger: Where stages log.
    ///   - onProgress: Receives the stages' progress reports.
    /// - Returns: The last stage's output and the summary.
    /// - Throws: ``PipelineError`` with ``PipelineError/Code/duplicateStage`` before anything runs when
    ///   two stages share a name; a ``StageFailure`` when a stage failed every attempt and had no fallback.
    public func run(
        _ input: Input,
        id: UUID = UUID(),
        store: any JobStore,
        effects: Effects,
        clock: any SchedulerClock = SystemClock(),
        logger: Logger,
        onProgress: (@Sendable (StageProgress) -> Void)? = nil
    ) async throws -> PipelineResult<Output> {
        var seen: Set<String> = []
        for stage in stageNames where !seen.insert(stage).inserted {
            throw PipelineError(
                .duplicateStage,
                message: "pipeline '\(name)' has two stages named '\(stage)'",
                suggestion: "give each stage a unique name; checkpoints are stored by name"
            )
        }
        var logger = logger
        logger[metadataKey: "pipeline.name"] = "\(name)"
        logger[metadataKey: "pipeline.run"] = "\(id.uuidString)"
        let execution = PipelineExecution(
            pipeline: name,
            runID: id,
            store: effects.isDryRun ? InMemoryJobStore() : store,
            effects: effects,
            clock: clock,
            logger: logger,
            observer: onProgress
        )
        let output = try await body(input, execution)
        let summary = PipelineSummary(
            pipeline: name,
            run: id,
            isDryRun: effects.isDryRun,
            stages: execution.summaries,
            effects: effects.recorder?.effects ?? []
        )
        return PipelineResult(output: output, summary: summary)
    }
}

extension Pipeline where Input == Output {
    /// Starts a pipeline that takes `input`; append stages with ``then(_:)``.
    ///
    /// - Parameters:
    ///   - name: The pipeline's name, used in logs and summaries.
    ///   - input: The type of the first stage's input.
    public init(_ name: String, input: Input.Type = Input.self) {
        self.init(name: name, stageNames: []) { input, _ in input }
    }
}
