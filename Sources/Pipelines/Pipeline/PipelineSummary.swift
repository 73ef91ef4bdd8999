//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// What a pipeline run did, stage by stage: stored as the run's result when the scheduler runs it.
///
/// ```swift
/// let result = try await pipeline.run(input, store: store, effects: effects, logger: logger)
/// print(result.summary)          // one line per stage: duration, attempts, fallbacks, warnings
/// for note in result.summary.fallbacks { print(note) }   // "prices: used cached prices: ..."
/// ```
public struct PipelineSummary: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The pipeline's name.
    public var pipeline: String
    /// The run.
    public var run: UUID
    /// Whether effects were recorded instead of performed.
    public var isDryRun: Bool
    /// Each stage that ran or was resumed, in order.
    public var stages: [StageSummary]
    /// The effects a dry run recorded; empty for a real run.
    public var effects: [RecordedEffect]

    /// Creates a summary.
    public init(pipeline: String, run: UUID, isDryRun: Bool, stages: [StageSummary], effects: [RecordedEffect] = []) {
        self.pipeline = pipeline
        self.run = run
        self.isDryRun = isDryRun
        self.stages = stages
        self.effects = effects
    }

    /// Every warning, each prefixed with its stage.
    public var warnings: [String] { stages.flatMap(\.warnings) }

    /// Every result that came from a fallback: "stage: note: why".
    public var fallbacks: [String] {
        stages.compactMap { stage in stage.provenance.fallback.map { "\(stage.name): \($0)" } }
    }

    /// One line per stage, then the warnings and the recorded effects.
    public var description: String {
        var lines = ["pipeline \(pipeline) run \(run.uuidString)\(isDryRun ? " (dry run)" : "")"]
        for stage in stages {
            var line = "  \(stage.name) v\(stage.version): "
            if stage.reused {
                line += "reused checkpoint"
            } else {
                line += String(
                    format: "%.3f s, %d attempt%@", stage.duration, stage.attempts, stage.attempts == 1 ? "" : "s")
            }
            if let fallback = stage.provenance.fallback { line += "; fallback: \(fallback)" }
            if !stage.warnings.isEmpty {
                line += "; \(stage.warnings.count) warning\(stage.warnings.count == 1 ? "" : "s")"
            }
            lines.append(line)
        }
        lines += warnings.map { "  warning: \($0)" }
        lines += effects.map { "  effect: \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// What one stage did.
public struct StageSummary: Sendable, Hashable, Codable {
    /// The stage's name.
    public var name: String
    /// The stage's version.
    public var version: Int
    /// Whether the output came from a checkpoint of an earlier execution of the run.
    public var reused: Bool
    /// Attempts made in this execution (0 when reused).
    public var attempts: Int
    /// Seconds on the pipeline's clock, from the first attempt to the output (0 when reused).
    public var duration: Double
    /// Whether the output is fresh or a fallback, and why.
    public var provenance: Provenance
    /// Warnings the stage recorded, prefixed with its name.
    public var warnings: [String]

    /// Creates a stage summary.
    public init(
        name: String, version: Int, reused: Bool, attempts: Int, duration: Double, provenance: Provenance,
        warnings: [String]
    ) {
        self.name = name
        self.version = version
        self.reused = reused
        self.attempts = attempts
        self.duration = duration
        self.provenance = provenance
        self.warnings = warnings
    }
}

/// Whether a value is fresh or came from a fallback, and why.
///
/// ```swift
/// if let why = summary.stages[1].provenance.fallback {
///     print(why)   // "used cached prices: fetch-prices failed after 3 attempts: HTTP 503"
/// }
/// ```
public struct Provenance: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The fallback's note and the failure that led to it; nil for a fresh value.
    public var fallback: String?

    /// A fresh value.
    public static let fresh = Provenance(fallback: nil)

    /// A value from a fallback.
    public static func fallback(_ reason: String) -> Provenance { Provenance(fallback: reason) }

    /// Whether the value is fresh.
    public var isFresh: Bool { fallback == nil }

    /// "fresh", or the fallback's reason.
    public var description: String { fallback ?? "fresh" }
}

/// A pipeline's output and what the run did.
public struct PipelineResult<Output: Sendable>: Sendable {
    /// The last stage's output.
    public var output: Output
    /// What each stage did.
    public var summary: PipelineSummary
}
