//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import Testing

/// Daylight-saving behaviour in several zones, both hemispheres, and odd offsets.
struct CronDSTTests {
    func fires(
        _ expression: String,
        in zone: String,
        after: String,
        count: Int,
        policy: CronDSTPolicy? = nil
    ) throws -> [String] {
        let cron = try CronExpression(expression)
        let timeZone = try TimeZone.named(zone)
        return cron.occurrences(after: try Timestamp.date(from: after), in: timeZone, dstPolicy: policy)
            .prefix(count).map(Timestamp.string(from:))
    }

    @Test func modeComesFromTheText() throws {
        #expect(try CronExpression("30 2 * * *").isFixedTime)
        #expect(try CronExpression("0 0-23/2 * * *").isFixedTime)
        #expect(try !CronExpression("*/30 * * * *").isFixedTime)
        #expect(try !CronExpression("0 * * * *").isFixedTime)
        #expect(try !CronExpression("0 30 2 * * *").isFixedTime)
        #expect(try CronExpression("@daily").isFixedTime)
        #expect(try !CronExpression("@hourly").isFixedTime)
    }

    @Test func fixedTimeInGapRunsOnceAtTheEndOfTheGap() throws {
        #expect(
            try fires("30 2 * * *", in: "America/New_York", after: "2026-03-08T05:00:00Z", count: 2) == [
                "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z",
            ])
        // Two slots inside the gap still fire once.
        #expect(
            try fires("0,30 2 * * *", in: "America/New_York", after: "2026-03-08T05:00:00Z", count: 2) == [
                "2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z",
            ])
    }

    @Test func fixedTimeInFoldRunsOnceAtTheFirstOccurrence() throws {
        #expect(
            try fires("30 1 * * *", in: "America/New_York", after: "2026-11-01T04:00:00Z", count: 2) == [
                "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z",
            ])
    }

    @Test func periodicSkipsGapsAndRepeatsFolds() throws {
        #expect(
            try fires("*/30 * * * *", in: "America/New_York", after: "2026-11-01T04:59:00Z", count: 4) == [
                "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z",
            ])
        // 6 fields are periodic: 02:30 does not exist on 2026-03-08.
        #expect(
            try fires("0 30 2 * * *", in: "America/New_York", after: "2026-03-08T05:00:00Z", count: 1) == [
                "2026-03-09T06:30:00Z"
            ])
    }

    @Test func southernHemisphere() throws {
        // Sydney springs forward 2026-10-04 02:00 -> 03:00 (+10 -> +11) and falls back 2026-04-05 03:00 -> 02:00.
        #expect(
            try fires("30 2 * * *", in: "Australia/Sydney", after: "2026-10-03T12:00:00Z", count: 2) == [
                "2026-10-03T16:00:00Z", "2026-10-04T15:30:00Z",
            ])
        #expect(
            try fires("30 2 * * *", in: "Australia/Sydney", after: "2026-04-04T12:00:00Z", count: 2) == [
                "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z",
            ])
        #expect(
            try fires("30 * * * *", in: "Australia/Sydney", after: "2026-04-04T14:00:00Z", count: 4) == [
                "2026-04-04T14:30:00Z", "2026-04-04T15:30:00Z", "2026-04-04T16:30:00Z", "2026-04-04T17:30:00Z",
            ])
    }

    @Test func chathamQuarterHourOffsets() throws {
        // Chatham: +12:45 standard, +13:45 daylight; springs forward 2026-09-27 02:45 -> 03:45.
        // 03:00 on the 27th lies in the gap: it runs at 03:45 local, 14:00 UTC on the 26th.
        #expect(
            try fires("0 3 * * *", in: "Pacific/Chatham", after: "2026-09-25T12:00:00Z", count: 3) == [
                "2026-09-25T14:15:00Z", "2026-09-26T14:00:00Z", "2026-09-27T13:15:00Z",
            ])
    }

    @Test func lordHoweHalfHourShift() throws {
        // Lord Howe moves 30 minutes: 02:00 -> 02:30 on 2026-10-04 (+10:30 -> +11).
        #expect(
            try fires("*/15 2 * * *", in: "Australia/Lord_Howe", after: "2026-10-03T15:00:00Z", count: 3) == [
                "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:00:00Z",
            ])
    }

    @Test func explicitGapPolicies() throws {
        let after = "2026-03-08T05:00:00Z"
        let skip = CronDSTPolicy(gap: .skip, fold: .first)
        #expect(
            try fires("30 2 * * *", in: "America/New_York", after: after, count: 1, policy: skip) == [
                "2026-03-09T06:30:00Z"
            ])
        let shift = CronDSTPolicy(gap: .shift, fold: .first)
        #expect(
            try fires("30 2 * * *", in: "America/New_York", after: after, count: 2, policy: shift) == [
                "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z",
            ])
        // Shifted gap times interleave with ordinary times after the gap.
        // 02:30 shifts to 03:30 EDT, the same instant as 03:30 itself: one fire.
        #expect(
            try fires("30 2,3 * * *", in: "America/New_York", after: after, count: 2, policy: shift) == [
                "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z",
            ])
        #expect(
            try fires("15 2,3 * * *", in: "America/New_York", after: after, count: 2, policy: shift) == [
                "2026-03-08T07:15:00Z", "2026-03-09T06:15:00Z",
            ])
    }

    @Test func explicitFoldPolicies() throws {
        let after = "2026-11-01T04:00:00Z"
        let second = CronDSTPolicy(gap: .runAtTransition, fold: .second)
        #expect(
            try fires("30 1 * * *", in: "America/New_York", after: after, count: 2, policy: second) == [
                "2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z",
            ])
        let both = CronDSTPolicy(gap: .runAtTransition, fold: .both)
        #expect(
            try fires("30 1 * * *", in: "America/New_York", after: after, count: 3, policy: both) == [
                "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z",
            ])
    }

    @Test func previousFollowsThePolicies() throws {
        let newYork = try TimeZone.named("America/New_York")
        for (expression, policy) in [
            ("30 2 * * *", nil), ("30 1 * * *", nil), ("*/30 * * * *", nil),
            ("30 2 * * *", CronDSTPolicy(gap: .shift, fold: .second)),
            ("30 1 * * *", CronDSTPolicy(gap: .skip, fold: .both)),
        ] as [(String, CronDSTPolicy?)] {
            let cron = try CronExpression(expression)
            for start in ["2026-03-07T00:00:00Z", "2026-10-31T00:00:00Z"] {
                let forward = Array(
                    cron.occurrences(after: try Timestamp.date(from: start), in: newYork, dstPolicy: policy).prefix(100)
                )
                for index in 1..<forward.count {
                    #expect(cron.previous(before: forward[index], in: newYork, dstPolicy: policy) == forward[index - 1])
                }
            }
        }
    }

    @Test func policyCodableAsNames() throws {
        let policy = CronDSTPolicy(gap: .shift, fold: .both)
        let data = try JSONEncoder().encode(policy)
        #expect(try JSONDecoder().decode(CronDSTPolicy.self, from: data) == policy)
        #expect(String(decoding: data, as: UTF8.self).contains(#""shift""#))
        #expect(CronDSTPolicy.Gap(name: "skip") == .skip)
        #expect(CronDSTPolicy.Fold(name: "twice") == nil)
    }
}
