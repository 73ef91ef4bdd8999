//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Scheduling
import Synchronization

/// One execution of a pipeline for a run: checkpoints, attempts, timeouts, fallbacks and the summary.
final class PipelineExecution: Sendable {
    let pipeline: String
    let runID: UUID
    let store: any JobStore
    let effects: Effects
    let clock: any SchedulerClock
    let logger: Logger
    let observer: (@Sendable (StageProgress) -> Void)?
    private let recorded = Mutex<[StageSummary]>([])

    init(
        pipeline: String, runID: UUID, store: any JobStore, effects: Effects, clock: any SchedulerClock,
        logger: Logger, observer: (@Sendable (StageProgress) -> Void)?
    ) {
        self.pipeline = pipeline
        self.runID = runID
        self.store = store
        self.effects = effects
        self.clock = clock
        self.logger = logger
        self.observer = observer
    }

    var summaries: [StageSummary] { recorded.withLock { $0 } }

    /// What a checkpoint holds: the output and how it came about.
    private struct Envelope<Output: Codable>: Codable {
        var output: Output
        var provenance: Provenance
        var warnings: [String]
    }

    /// Runs a stage, or reuses its checkpoint.
    func run<S: Stage>(_ stage: S, on input: S.Input) async throws -> S.Output {
        let policy = stage.options.checkpoint
        if policy.stores, let envelope = try await reusableCheckpoint(of: stage) {
            logger.info("stage resumed from its checkpoint", metadata: ["pipeline.stage": "\(stage.name)"])
            append(
                StageSummary(
                    name: stage.name, version: stage.version, reused: true, attempts: 0, duration: 0,
                    provenance: envelope.provenance, warnings: envelope.warnings))
            return envelope.output
        }
        let journal = StageJournal(observer: observer)
        let started = clock.now
        let outcome = try await perform(stage, on: input, label: stage.name, journal: journal)
        let warnings = journal.recorded
        if policy.stores {
            let envelope = Envelope(output: outcome.value, provenance: outcome.provenance, warnings: warnings)
            try await store.saveCheckpoint(
                Checkpoint(
                    run: runID, stage: stage.name, version: stage.version, output: try JSONEncoder().encode(envelope),
                    created: clock.now))
        }
        append(
            StageSummary(
                name: stage.name, version: stage.version, reused: false, attempts: outcome.attempts,
                duration: clock.now.timeIntervalSince(started), provenance: outcome.provenance, warnings: warnings))
        return outcome.value
    }

    private func reusableCheckpoint<S: Stage>(of stage: S) async throws -> Envelope<S.Output>? {
        guard let checkpoint = try await store.checkpoint(run: runID, stage: stage.name, version: stage.version),
            stage.options.checkpoint.reuses(createdAt: checkpoint.created, now: clock.now)
        else { return nil }
        do {
            return try JSONDecoder().decode(Envelope<S.Output>.self, from: checkpoint.output)
        } catch {
            logger.warning(
                "a checkpoint does not decode; running the stage again",
                metadata: [
                    "pipeline.stage": "\(stage.name)", "pipeline.error": "\(error)",
                    "pipeline.suggestion": "bump the stage's version when its output type changes",
                ])
            return nil
        }
    }

    private func append(_ summary: StageSummary) {
        recorded.withLock { $0.append(summary) }
    }

    /// A stage's value, how many attempts it took and where it came from.
    struct Outcome<Value: Sendable>: Sendable {
        var value: Value
        var attempts: Int
        var provenance: Provenance
    }

    /// Runs a stage's attempts under its retry policy and timeout, then its fallback.
    func perform<S: Stage>(
        _ stage: S, on input: S.Input, label: String, journal: StageJournal
    ) async throws -> Outcome<S.Output> {
        let retry = stage.options.retry
        var attempt = 1
        while true {
            let context = StageContext(execution: self, stage: label, attempt: attempt, journal: journal)
            do {
                let value = try await withTimeout(stage.options.timeout, stage: label) {
                    try await stage.run(input, context: context)
                }
                return Outcome(value: value, attempts: attempt, provenance: .fresh)
            } catch {
                if Task.isCancelled { throw CancellationError() }
                if attempt < retry.maxAttempts {
                    let delay = retry.backoff.delay(afterAttempt: attempt, seed: 0)
                    context.logger.info(
                        "stage attempt failed; retrying",
                        metadata: ["pipeline.error": "\(error)", "pipeline.delay": "\(delay)"])
                    try await clock.sleep(until: clock.now.addingTimeInterval(delay.timeInterval))
                    attempt += 1
                    continue
                }
                let failure = StageFailure(stage: label, attempts: attempt, underlying: error)
                guard let fallback = try await stage.fallback(for: input, after: failure, context: context) else {
                    context.logger.error("stage failed", metadata: ["pipeline.error": "\(failure)"])
                    throw failure
                }
                context.logger.warning("stage used its fallback", metadata: ["pipeline.error": "\(failure)"])
                return Outcome(
                    value: fallback.value, attempts: attempt, provenance: .fallback("\(fallback.note): \(failure)"))
            }
        }
    }

    private enum Race<Value: Sendable>: Sendable {
        case finished(Value)
        case timedOut
    }

    /// Runs `body`, cancelling it when `timeout` passes on the pipeline's clock.
    private func withTimeout<Value: Sendable>(
        _ timeout: Duration?, stage: String, _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        guard let timeout else { return try await body() }
        let deadline = clock.now.addingTimeInterval(timeout.timeInterval)
        let clock = clock
        let first = try await withThrowingTaskGroup(of: Race<Value>.self) { group in
            group.addTask { .finished(try await body()) }
            group.addTask {
                try await clock.sleep(until: deadline)
                return .timedOut
            }
            defer { group.cancelAll() }
            return try await group.next() ?? .timedOut
        }
        switch first {
        case .finished(let value):
            return value
        case .timedOut:
            throw PipelineError(
                .timedOut,
                message: "stage '\(stage)' took longer than its timeout of \(timeout)",
                suggestion: "raise the stage's timeout, or make it faster"
            )
        }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
