//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// The ledger entry for an occurrence that did not run, so that "why did my job not run last
/// night" has an answer.
///
/// A long stretch of occurrences skipped for one reason at once (a schedule paused for a month
/// with a per-minute trigger, a catch-up after downtime) may be folded into one entry whose
/// ``count`` is above one and whose ``lastOccurrence`` is the last of them.
public struct SkipRecord: Sendable, Hashable, Codable {
    /// Why an occurrence did not run.
    ///
    /// New reasons may be added in any release.
    public struct Reason: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The reason's code, as stored and printed.
        public let rawValue: String

        /// The schedule was paused.
        public static let paused = Reason(name: "paused")
        /// The schedule was disabled.
        public static let disabled = Reason(name: "disabled")
        /// A previous run was still active and the overlap policy did not let it start.
        public static let overlap = Reason(name: "overlap")
        /// It was missed and older than the catch-up window.
        public static let outsideCatchUpWindow = Reason(name: "outsideCatchUpWindow")
        /// It was missed and the catch-up mode chose other occurrences (or none).
        public static let notCaughtUp = Reason(name: "notCaughtUp")
        /// Its wall-clock time does not exist (a spring-forward gap) and the DST policy skips it.
        public static let dstGap = Reason(name: "dstGap")
        /// The scheduler shut down before it could start.
        public static let shutdown = Reason(name: "shutdown")

        private static let names: Set<String> = [
            "paused", "disabled", "overlap", "outsideCatchUpWindow", "notCaughtUp", "dstGap", "shutdown",
        ]

        private init(name: String) { rawValue = name }

        /// Creates a reason from its code; nil for an unknown code.
        public init?(rawValue: String) {
            guard Self.names.contains(rawValue) else { return nil }
            self.rawValue = rawValue
        }

        /// The reason's code.
        public var description: String { rawValue }
    }

    /// The schedule's name.
    public var schedule: String
    /// The nominal instant of the (first) skipped occurrence.
    public var occurrence: Date
    /// Why it did not run.
    public var reason: Reason
    /// Details for people, such as "latest of 3 missed occurrences ran".
    public var detail: String
    /// When the skip was recorded.
    public var recorded: Date
    /// How many consecutive occurrences this entry covers; 1 for most.
    public var count: Int
    /// The last occurrence covered when ``count`` is above one.
    public var lastOccurrence: Date?

    /// Creates a skip record.
    public init(
        schedule: String,
        occurrence: Date,
        reason: Reason,
        detail: String = "",
        recorded: Date,
        count: Int = 1,
        lastOccurrence: Date? = nil
    ) {
        self.schedule = schedule
        self.occurrence = occurrence
        self.reason = reason
        self.detail = detail
        self.recorded = recorded
        self.count = count
        self.lastOccurrence = lastOccurrence
    }
}
