//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// A stage made from a closure, for stages that need no type of their own.
///
/// ```swift
/// let count = ClosureStage<[Article], Int>("count") { articles, _ in articles.count }
/// ```
public struct ClosureStage<Input: Sendable, Output: Codable & Sendable>: Stage {
    /// The work.
    public typealias Body = @Sendable (Input, StageContext) async throws -> Output
    /// The replacement when every attempt failed.
    public typealias FallbackBody = @Sendable (Input, StageFailure, StageContext) async throws -> Fallback<Output>?

    /// The stage's name.
    public let name: String
    /// The stage's version.
    public let version: Int
    /// Retry, timeout and checkpoint policy.
    public let options: StageOptions
    private let body: Body
    private let fallbackBody: FallbackBody?

    /// Creates a stage.
    ///
    /// - Parameters:
    ///   - name: Unique within the pipeline.
    ///   - version: Bump it when the output for the same input changes.
    ///   - options: Retry, timeout and checkpoint policy.
    ///   - fallback: A replacement when every attempt failed.
    ///   - body: The work.
    public init(
        _ name: String,
        version: Int = 1,
        options: StageOptions = StageOptions(),
        fallback: FallbackBody? = nil,
        _ body: @escaping Body
    ) {
        self.name = name
        self.version = version
        self.options = options
        self.body = body
        self.fallbackBody = fallback
    }

    /// Calls the closure.
    public func run(_ input: Input, context: StageContext) async throws -> Output {
        try await body(input, context)
    }

    /// Calls the fallback closure, if any.
    public func fallback(
        for input: Input, after failure: StageFailure, context: StageContext
    ) async throws -> Fallback<Output>? {
        try await fallbackBody?(input, failure, context)
    }
}
