//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Why a pipeline could not run or a stage could not finish.
///
/// Errors compare by ``code``; ``description`` is for people and its wording may change.
public struct PipelineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it is. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case duplicateStage
            case timedOut
            case effectUnavailable
            case itemFailed
        }

        private let base: Base

        /// Two stages of one pipeline share a name, so their checkpoints would collide.
        public static let duplicateStage = Code(base: .duplicateStage)
        /// An attempt of a stage took longer than its timeout.
        public static let timedOut = Code(base: .timedOut)
        /// A stage used an effect that the pipeline's ``Effects`` do not provide.
        public static let effectUnavailable = Code(base: .effectUnavailable)
        /// An item of a fan-out failed and the fan-out fails on item failures.
        public static let itemFailed = Code(base: .itemFailed)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// What kind of failure it is.
    public let code: Code
    /// What went wrong, naming the pipeline or stage.
    public let message: String
    /// What to do about it.
    public let suggestion: String?

    /// Creates an error.
    public init(_ code: Code, message: String, suggestion: String? = nil) {
        self.code = code
        self.message = message
        self.suggestion = suggestion
    }

    /// The message and the suggestion.
    public var description: String {
        suggestion.map { "\(message); \($0)" } ?? message
    }

    /// Errors are equal when their codes are.
    public static func == (lhs: PipelineError, rhs: PipelineError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
