//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation

/// The occurrences of one schedule that a pass skips, gathered by reason as they come, oldest
/// first within each reason.
///
/// More than ``foldLimit`` of one reason become one skip entry with their count and the last of
/// them; the group then stops keeping their instants, so that a schedule that missed a year of
/// per-second occurrences costs a counter, not a list.
struct SkippedOccurrences {
    /// More occurrences than this of one reason fold into one entry.
    static let foldLimit = 100

    private struct Group {
        var reason: SkipRecord.Reason
        var detail: String
        var first: Date
        var last: Date
        var count: Int
        /// Every instant while there are at most ``SkippedOccurrences/foldLimit``; empty after.
        var instants: [Date]
    }

    /// A handful at most: one per reason.
    private var groups: [Group] = []

    /// No occurrences at all.
    init() {}

    /// One occurrence.
    init(_ instant: Date, _ reason: SkipRecord.Reason, _ detail: String) {
        add(instant, reason, detail)
    }

    /// Whether no occurrence was skipped.
    var isEmpty: Bool { groups.isEmpty }

    /// How many occurrences were skipped, for every reason.
    var count: Int { groups.reduce(0) { $0 + $1.count } }

    /// Adds an occurrence, later than those of its reason added before.
    ///
    /// - Parameter detail: The reason's detail, taken from its first occurrence.
    mutating func add(_ instant: Date, _ reason: SkipRecord.Reason, _ detail: @autoclosure () -> String) {
        guard let index = groups.firstIndex(where: { $0.reason == reason }) else {
            groups.append(
                Group(reason: reason, detail: detail(), first: instant, last: instant, count: 1, instants: [instant]))
            return
        }
        groups[index].last = instant
        groups[index].count += 1
        if groups[index].count <= Self.foldLimit {
            groups[index].instants.append(instant)
        } else if !groups[index].instants.isEmpty {
            groups[index].instants = []
        }
    }

    /// Replaces the detail of a reason's occurrences, for a detail known only once all are in.
    mutating func describe(_ reason: SkipRecord.Reason, as detail: String) {
        guard let index = groups.firstIndex(where: { $0.reason == reason }) else { return }
        groups[index].detail = detail
    }

    /// The skip entries, ordered by occurrence.
    func records(schedule: String, recorded now: Date) -> [SkipRecord] {
        var records: [SkipRecord] = []
        for group in groups {
            if group.count > Self.foldLimit {
                records.append(
                    SkipRecord(
                        schedule: schedule, occurrence: group.first, reason: group.reason, detail: group.detail,
                        recorded: now, count: group.count, lastOccurrence: group.last))
            } else {
                records += group.instants.map {
                    SkipRecord(
                        schedule: schedule, occurrence: $0, reason: group.reason, detail: group.detail, recorded: now)
                }
            }
        }
        return records.sorted { $0.occurrence < $1.occurrence }
    }
}
