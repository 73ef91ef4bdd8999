//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
public import Scheduling

/// One step of a pipeline: turns an `Input` into an `Output`.
///
/// A stage is named and versioned: its output is checkpointed under (run, name, version), so a run
/// that resumes skips a stage whose checkpoint it finds, and a new version does not reuse an old
/// output. Its output is `Codable` so that it can be checkpointed. Stages reach the outside world
/// only through ``StageContext/effects``.
///
/// ```swift
/// struct Scrape: Stage {
///     let name = "scrape"
///     var options: StageOptions { StageOptions(retry: .retries(2, backoff: .seconds(30)), timeout: .seconds(300)) }
///
///     func run(_ feeds: [URL], context: StageContext) async throws -> [Article] {
///         var articles: [Article] = []
///         for feed in feeds {
///             let response = try await context.effects.http.send(HTTPRequest(url: feed))
///             articles += try Article.parse(response.body)
///         }
///         return articles
///     }
/// }
/// ```
///
/// Conformers must be value types that are safe to share between tasks.
public protocol Stage<Input, Output>: Sendable {
    /// What the stage consumes.
    associatedtype Input: Sendable
    /// What the stage produces; checkpointed as JSON.
    associatedtype Output: Codable & Sendable

    /// The stage's name, unique within its pipeline.
    var name: String { get }
    /// The stage's version: bump it when the output for the same input changes. Default 1.
    var version: Int { get }
    /// Retry, timeout and checkpoint policy. Default: one attempt, no timeout, reuse a checkpoint.
    var options: StageOptions { get }

    /// Produces the output.
    ///
    /// - Throws: Anything; the stage's retry policy, then its fallback, decide what follows.
    func run(_ input: Input, context: StageContext) async throws -> Output

    /// A replacement output when every attempt failed, or nil when there is none (the default).
    ///
    /// - Parameters:
    ///   - input: The stage's input.
    ///   - failure: What failed, and after how many attempts.
    ///   - context: The context of the last attempt.
    /// - Returns: The replacement and a note saying what it is, or nil to fail the stage.
    func fallback(for input: Input, after failure: StageFailure, context: StageContext) async throws -> Fallback<
        Output
    >?
}

extension Stage {
    /// Version 1.
    public var version: Int { 1 }

    /// One attempt, no timeout, reuse a checkpoint.
    public var options: StageOptions { StageOptions() }

    /// No fallback.
    public func fallback(
        for input: Input, after failure: StageFailure, context: StageContext
    ) async throws -> Fallback<Output>? {
        nil
    }
}

/// A stage's retry, timeout and checkpoint policy.
public struct StageOptions: Sendable, Hashable {
    /// Attempts and backoff (backoff sleeps on the pipeline's clock). Default one attempt.
    public var retry: RetryPolicy
    /// How long one attempt may take before it is cancelled and counted as failed. Default none.
    public var timeout: Duration?
    /// Whether a checkpoint is stored and reused. Default ``CheckpointPolicy/reuseIfSucceeded``.
    public var checkpoint: CheckpointPolicy

    /// Creates options.
    public init(retry: RetryPolicy = .none, timeout: Duration? = nil, checkpoint: CheckpointPolicy = .reuseIfSucceeded)
    {
        self.retry = retry
        self.timeout = timeout
        self.checkpoint = checkpoint
    }
}

/// Whether a stage's output is stored after it succeeds, and reused when the run runs again.
public struct CheckpointPolicy: Sendable, Hashable, CustomStringConvertible {
    private enum Base: Sendable, Hashable {
        case reuse(maximumAge: Duration?)
        case rerun
        case disabled
    }

    private let base: Base

    /// Store the output; reuse it whenever the run runs again. The default.
    public static let reuseIfSucceeded = CheckpointPolicy(base: .reuse(maximumAge: nil))
    /// Store the output, but always run the stage again (its output feeds the next stages).
    public static let alwaysRerun = CheckpointPolicy(base: .rerun)
    /// Neither store nor reuse an output.
    public static let disabled = CheckpointPolicy(base: .disabled)

    /// Store the output; reuse it only while it is younger than `age` by the pipeline's clock.
    public static func reuse(youngerThan age: Duration) -> CheckpointPolicy {
        CheckpointPolicy(base: .reuse(maximumAge: age))
    }

    var stores: Bool { base != .disabled }

    /// Whether a checkpoint created at `created` may be reused at `now`.
    func reuses(createdAt created: Date, now: Date) -> Bool {
        switch base {
        case .reuse(nil): true
        case .reuse(let age?):
            now.timeIntervalSince(created) < age.timeInterval
        case .rerun, .disabled: false
        }
    }

    /// The policy's name.
    public var description: String {
        switch base {
        case .reuse(nil): "reuseIfSucceeded"
        case .reuse(let age?): "reuse(youngerThan: \(age))"
        case .rerun: "alwaysRerun"
        case .disabled: "disabled"
        }
    }
}

/// A replacement output and a note for people saying what it is ("used cached prices").
public struct Fallback<Output: Sendable>: Sendable {
    /// The replacement.
    public var value: Output
    /// What the replacement is.
    public var note: String

    /// Creates a fallback.
    public init(_ value: Output, note: String) {
        self.value = value
        self.note = note
    }
}

/// A stage that failed every attempt.
public struct StageFailure: Error, Sendable, CustomStringConvertible {
    /// The stage's name.
    public var stage: String
    /// How many attempts ran.
    public var attempts: Int
    /// The last attempt's error.
    public var underlying: any Error

    /// Creates a failure.
    public init(stage: String, attempts: Int, underlying: any Error) {
        self.stage = stage
        self.attempts = attempts
        self.underlying = underlying
    }

    /// "fetch failed after 3 attempts: ..."
    public var description: String {
        "\(stage) failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(underlying)"
    }
}
