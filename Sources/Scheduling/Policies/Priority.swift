//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// How urgent a schedule's runs are when the scheduler's concurrency limit is reached.
///
/// Ready runs start in priority order (critical first), then by due time, then in the order they
/// became ready; runs due at the same instant that cannot all start at once become ready in name order.
public struct Priority: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    private let rank: Int

    /// Runs before everything else.
    public static let critical = Priority(rank: 0)
    /// Runs before medium and low.
    public static let high = Priority(rank: 1)
    /// The default.
    public static let medium = Priority(rank: 2)
    /// Runs last.
    public static let low = Priority(rank: 3)

    private static let names = ["critical", "high", "medium", "low"]

    /// Creates a priority from its name: `critical`, `high`, `medium` or `low`.
    public init?(name: String) {
        guard let rank = Self.names.firstIndex(of: name) else { return nil }
        self.rank = rank
    }

    private init(rank: Int) { self.rank = rank }

    /// The priority's name.
    public var description: String { Self.names[rank] }

    /// More urgent priorities sort first: `critical < low`.
    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }

    /// Decodes a name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let priority = Priority(name: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown priority '\(name)'; use critical, high, medium or low"
            )
        }
        self = priority
    }

    /// Encodes the name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
