//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// A stage mapped over a collection, at most ``concurrency`` items at a time, with an outcome per item.
///
/// Each item goes through the inner stage's retry, timeout and fallback; the fan-out as a whole is
/// checkpointed once. ``itemFailures`` decides whether a failed item fails the fan-out or becomes a
/// warning and a failed ``ItemOutcome``.
///
/// ```swift
/// let enrich = FanOut(EnrichArticle(), concurrency: 4, itemFailures: .continueWithWarnings)
/// // [Article] -> [ItemOutcome<Story>]; outcomes.compactMap(\.value) are the stories that succeeded
/// ```
public struct FanOut<Inner: Stage>: Stage {
    /// The items.
    public typealias Input = [Inner.Input]
    /// One outcome per item, in the items' order.
    public typealias Output = [ItemOutcome<Inner.Output>]

    /// The inner stage.
    public let inner: Inner
    /// The fan-out's name.
    public let name: String
    /// The inner stage's version.
    public var version: Int { inner.version }
    /// The inner stage's checkpoint policy, for the fan-out as a whole.
    public var options: StageOptions { StageOptions(checkpoint: inner.options.checkpoint) }
    /// The most items in flight.
    public let concurrency: Int
    /// Whether a failed item fails the fan-out.
    public let itemFailures: ItemFailurePolicy

    /// Creates a fan-out.
    ///
    /// - Parameters:
    ///   - inner: The stage each item goes through.
    ///   - name: The fan-out's name; defaults to the inner stage's name followed by `[]`.
    ///   - concurrency: The most items in flight (at least 1).
    ///   - itemFailures: Whether a failed item fails the fan-out or becomes a warning.
    public init(_ inner: Inner, name: String? = nil, concurrency: Int, itemFailures: ItemFailurePolicy = .failStage) {
        self.inner = inner
        self.name = name ?? "\(inner.name)[]"
        self.concurrency = max(1, concurrency)
        self.itemFailures = itemFailures
    }

    /// Runs the items, at most ``concurrency`` at a time.
    ///
    /// - Throws: ``PipelineError/Code/itemFailed`` (after the items in flight finish) when an item
    ///   failed and ``itemFailures`` is ``ItemFailurePolicy/failStage``.
    public func run(_ items: [Inner.Input], context: StageContext) async throws -> [ItemOutcome<Inner.Output>] {
        let execution = context.execution
        let inner = inner
        var outcomes: [ItemOutcome<Inner.Output>?] = Array(repeating: nil, count: items.count)
        try await withThrowingTaskGroup(of: ItemOutcome<Inner.Output>.self) { group in
            var next = 0
            func startNext() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask {
                    do {
                        let outcome = try await execution.perform(
                            inner, on: item, label: "\(inner.name)[\(index)]", journal: context.journal)
                        return ItemOutcome(
                            index: index, value: outcome.value, failure: nil, attempts: outcome.attempts,
                            provenance: outcome.provenance)
                    } catch let failure as StageFailure {
                        return ItemOutcome(
                            index: index, value: nil, failure: failure.description, attempts: failure.attempts,
                            provenance: .fresh)
                    }
                }
            }
            for _ in 0..<min(concurrency, items.count) { startNext() }
            while let outcome = try await group.next() {
                outcomes[outcome.index] = outcome
                if let failure = outcome.failure {
                    if itemFailures == .failStage {
                        group.cancelAll()
                        throw PipelineError(
                            .itemFailed,
                            message: "item \(outcome.index) of '\(name)' failed: \(failure)",
                            suggestion: "fix the item, or let the fan-out continue with warnings"
                        )
                    }
                    context.warn("item \(outcome.index) failed: \(failure)")
                }
                startNext()
            }
        }
        return outcomes.compactMap { $0 }
    }
}

/// What happened to one item of a fan-out.
public struct ItemOutcome<Value: Codable & Sendable>: Sendable, Codable {
    /// The item's position in the input.
    public var index: Int
    /// The output, when the item succeeded (possibly from the inner stage's fallback).
    public var value: Value?
    /// Why the item failed.
    public var failure: String?
    /// Attempts made.
    public var attempts: Int
    /// Whether the value is fresh or a fallback.
    public var provenance: Provenance

    /// Creates an outcome.
    public init(index: Int, value: Value?, failure: String?, attempts: Int, provenance: Provenance) {
        self.index = index
        self.value = value
        self.failure = failure
        self.attempts = attempts
        self.provenance = provenance
    }
}

extension ItemOutcome: Equatable where Value: Equatable {}
extension ItemOutcome: Hashable where Value: Hashable {}

/// Whether a failed item fails its fan-out.
public struct ItemFailurePolicy: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable {
        case failStage
        case continueWithWarnings
    }

    private let base: Base

    /// A failed item fails the fan-out (after the items in flight finish). The default.
    public static let failStage = ItemFailurePolicy(base: .failStage)
    /// A failed item becomes a warning and a failed outcome; the others continue.
    public static let continueWithWarnings = ItemFailurePolicy(base: .continueWithWarnings)

    /// The policy's name.
    public var description: String { base.rawValue }
}
