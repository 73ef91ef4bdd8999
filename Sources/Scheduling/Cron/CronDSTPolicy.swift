//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// What a cron schedule does with wall-clock times that a daylight-saving change skips or repeats.
///
/// Without an explicit policy, ``CronExpression`` chooses from the expression text
/// (``CronExpression/defaultDSTPolicy``):
/// - fixed-time expressions (5 fields, minute and hour not starting with `*`, such as
///   `30 2 * * *`) use ``fixedTime``: a skipped time runs once at the end of the gap, a repeated
///   time runs once, at its first occurrence;
/// - all others use ``periodic``: only instants whose wall time matches fire, so skipped times
///   never fire and repeated times fire twice.
///
/// ```swift
/// let policy = CronDSTPolicy(gap: .skip, fold: .first)
/// let next = expression.next(after: now, in: zone, dstPolicy: policy)
/// ```
public struct CronDSTPolicy: Sendable, Hashable, Codable {
    /// What to do with a wall time inside a spring-forward gap.
    public struct Gap: Sendable, Hashable, Codable, CustomStringConvertible {
        enum Base: String, Sendable, Hashable, Codable {
            case runAtTransition, skip, shift
        }

        let base: Base

        /// Run once at the first instant after the gap (03:00 when 02:00-03:00 is skipped),
        /// however many matching times fall inside the gap.
        public static let runAtTransition = Gap(base: .runAtTransition)
        /// Do not run.
        public static let skip = Gap(base: .skip)
        /// Run the length of the gap later on the wall clock: 02:30 runs at 03:30.
        public static let shift = Gap(base: .shift)

        /// The policy's name: `runAtTransition`, `skip` or `shift`.
        public var description: String { base.rawValue }

        /// Creates the policy from its name, or returns nil for an unknown name.
        public init?(name: String) {
            guard let base = Base(rawValue: name) else { return nil }
            self.base = base
        }

        private init(base: Base) { self.base = base }

        /// Decodes the policy from its name.
        public init(from decoder: any Decoder) throws {
            base = try decodeName(Base.self, from: decoder, kind: "gap policy")
        }

        /// Encodes the policy as its name.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(base.rawValue)
        }
    }

    /// What to do with a wall time inside a fall-back fold, which occurs twice.
    public struct Fold: Sendable, Hashable, Codable, CustomStringConvertible {
        enum Base: String, Sendable, Hashable, Codable {
            case first, second, both
        }

        let base: Base

        /// Run at the first occurrence only.
        public static let first = Fold(base: .first)
        /// Run at the second occurrence only.
        public static let second = Fold(base: .second)
        /// Run at both occurrences.
        public static let both = Fold(base: .both)

        /// The policy's name: `first`, `second` or `both`.
        public var description: String { base.rawValue }

        /// Creates the policy from its name, or returns nil for an unknown name.
        public init?(name: String) {
            guard let base = Base(rawValue: name) else { return nil }
            self.base = base
        }

        private init(base: Base) { self.base = base }

        /// Decodes the policy from its name.
        public init(from decoder: any Decoder) throws {
            base = try decodeName(Base.self, from: decoder, kind: "fold policy")
        }

        /// Encodes the policy as its name.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(base.rawValue)
        }
    }

    /// What to do with times inside a gap.
    public var gap: Gap
    /// What to do with times inside a fold.
    public var fold: Fold

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - gap: What to do with times inside a spring-forward gap.
    ///   - fold: What to do with times inside a fall-back fold.
    public init(gap: Gap, fold: Fold) {
        self.gap = gap
        self.fold = fold
    }

    /// The default for fixed-time expressions: run skipped times at the transition, repeated
    /// times once at their first occurrence.
    public static let fixedTime = CronDSTPolicy(gap: .runAtTransition, fold: .first)

    /// The default for periodic expressions: fire at every instant whose wall time matches.
    public static let periodic = CronDSTPolicy(gap: .skip, fold: .both)
}

/// Decodes a value stored as one of a fixed set of names.
func decodeName<Name: RawRepresentable<String>>(_ type: Name.Type, from decoder: any Decoder, kind: String) throws
    -> Name
{
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let name = Name(rawValue: text) else {
        throw DecodingError.dataCorrupted(
            .init(codingPath: decoder.codingPath, debugDescription: "unknown \(kind) \"\(text)\"")
        )
    }
    return name
}
