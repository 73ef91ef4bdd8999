//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// What history a durable store keeps: finished runs and skip entries younger than an age, and at
/// most a number of them per schedule. Runs still scheduled or running are never deleted.
///
/// ```swift
/// let retention = HistoryRetention(maximumAge: .seconds(30 * 86_400), runsPerSchedule: 500)
/// ```
public struct HistoryRetention: Sendable, Hashable {
    /// Delete history whose occurrence is older than this (a skip entry that counts several
    /// occurrences, by the last of them); nil keeps it regardless of age. Default 90 days.
    public var maximumAge: Duration?
    /// Keep at most this many finished runs, and as many skip entries, per schedule; nil keeps
    /// them all. Default 10,000.
    public var runsPerSchedule: Int?
    /// How often to prune, in the store's recorded time. Default 1 hour.
    public var interval: Duration

    /// Creates a retention policy.
    public init(
        maximumAge: Duration? = .seconds(90 * 86_400),
        runsPerSchedule: Int? = 10_000,
        interval: Duration = .seconds(3_600)
    ) {
        self.maximumAge = maximumAge
        self.runsPerSchedule = runsPerSchedule.map { max(1, $0) }
        self.interval = interval
    }

    /// Keeps everything.
    public static let keepEverything = HistoryRetention(maximumAge: nil, runsPerSchedule: nil)
}
