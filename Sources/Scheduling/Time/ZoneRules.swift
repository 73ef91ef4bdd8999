//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// The UTC offsets of one time zone, as a sorted table of transitions.
///
/// Foundation answers offset questions through ICU, which is far too slow for a scheduler's
/// hot path. The table is read from Foundation once per zone (about a millisecond for a zone
/// with daylight saving time) and then answers with a binary search.
final class ZoneRules: Sendable {
    /// A stretch of time with one UTC offset: `start..<end` in seconds since 1970 (UTC).
    struct Segment: Sendable, Equatable {
        var index: Int
        var start: Int64
        var end: Int64
        var offset: Int64
    }

    /// Far enough to be "forever" and small enough that adding a day or an offset never overflows.
    static let farPast: Int64 = -(1 << 52)
    static let farFuture: Int64 = 1 << 52

    /// The years whose transitions the table holds. Outside, the nearest offset continues.
    static let coveredYears = 1800..<2500

    let identifier: String
    /// Instants at which the offset changes, ascending.
    private let transitions: [Int64]
    /// `offsets[i]` applies before `transitions[i]` and from `transitions[i - 1]` on.
    private let offsets: [Int64]

    private init(timeZone: TimeZone) {
        identifier = timeZone.identifier
        let firstSecond = CivilDate(year: Self.coveredYears.lowerBound, month: 1, day: 1).daysSinceEpoch * 86_400
        let lastSecond = CivilDate(year: Self.coveredYears.upperBound, month: 1, day: 1).daysSinceEpoch * 86_400
        var cursor = Date(timeIntervalSince1970: TimeInterval(firstSecond))
        var transitions: [Int64] = []
        var offsets: [Int64] = [Int64(timeZone.secondsFromGMT(for: cursor))]
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor),
            next.timeIntervalSince1970 < TimeInterval(lastSecond)
        {
            cursor = next
            let offset = Int64(timeZone.secondsFromGMT(for: next))
            if offset != offsets[offsets.count - 1] {
                transitions.append(Int64(next.timeIntervalSince1970.rounded(.down)))
                offsets.append(offset)
            }
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    private static let cache = Mutex<[String: ZoneRules]>([:])

    /// The shared rules for a zone, computed on first use.
    static func rules(for timeZone: TimeZone) -> ZoneRules {
        let identifier = timeZone.identifier
        if let rules = cache.withLock({ $0[identifier] }) { return rules }
        // Built outside the lock: two threads may build the same table, and one wins.
        let rules = ZoneRules(timeZone: timeZone)
        return cache.withLock { cache in
            if let existing = cache[identifier] { return existing }
            cache[identifier] = rules
            return rules
        }
    }

    /// The number of segments.
    var segmentCount: Int { offsets.count }

    /// The segment with the given index, `0..<segmentCount`.
    func segment(at index: Int) -> Segment {
        Segment(
            index: index,
            start: index == 0 ? Self.farPast : transitions[index - 1],
            end: index == transitions.count ? Self.farFuture : transitions[index],
            offset: offsets[index]
        )
    }

    /// The segment containing an instant (seconds since 1970, UTC).
    func segment(containing instant: Int64) -> Segment {
        // The number of transitions at or before `instant` is the segment index.
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) >> 1
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return segment(at: low)
    }

    /// The UTC offset in seconds at an instant.
    func offset(at instant: Int64) -> Int64 {
        segment(containing: instant).offset
    }
}
