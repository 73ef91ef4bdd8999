//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import SchedulingTesting
import Testing

@testable import Scheduling

/// The integer calendar and the zone tables, checked against Foundation.
struct TimeTests {
    /// Foundation's Gregorian calendar switches to Julian dates before 1582, so stay after it.
    @Test func civilDatesMatchFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SeededRandomNumberGenerator(seed: 7)
        for _ in 0..<20_000 {
            let days = Int64.random(in: -100_000...200_000, using: &generator)
            let date = CivilDate(daysSinceEpoch: days)
            let components = calendar.dateComponents(
                [.year, .month, .day, .weekday],
                from: Date(timeIntervalSince1970: TimeInterval(days * 86_400))
            )
            #expect(date.year == components.year && date.month == components.month && date.day == components.day)
            #expect(date.weekday + 1 == components.weekday)
            #expect(date.daysSinceEpoch == days)
        }
    }

    @Test func leapYears() {
        #expect(CivilDate.isLeapYear(2000))
        #expect(CivilDate.isLeapYear(2028))
        #expect(!CivilDate.isLeapYear(2100))
        #expect(!CivilDate.isLeapYear(2027))
        #expect(CivilDate.daysInMonth(year: 2100, month: 2) == 28)
        #expect(CivilDate.daysInMonth(year: 2400, month: 2) == 29)
    }

    @Test(arguments: [
        "America/New_York", "Europe/Berlin", "Australia/Sydney", "Pacific/Chatham", "Australia/Lord_Howe",
        "Asia/Tehran", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Apia", "UTC",
    ])
    func zoneOffsetsMatchFoundation(_ name: String) throws {
        let zone = try TimeZone.named(name)
        let rules = ZoneRules.rules(for: zone)
        var generator = SeededRandomNumberGenerator(seed: UInt64(name.utf8.count))
        for _ in 0..<5_000 {
            let instant = Int64.random(in: 0...4_102_444_800, using: &generator)  // 1970...2100
            let expected = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
            #expect(rules.offset(at: instant) == Int64(expected), "\(name) at \(instant)")
        }
    }

    @Test func timeZoneNames() throws {
        #expect(try TimeZone.named("Asia/Kolkata").identifier == "Asia/Kolkata")
        #expect(throws: SchedulingError.self) { try TimeZone.named("GMT+5") }
        #expect(throws: SchedulingError.self) { try TimeZone.named("../../etc/passwd") }
        do {
            _ = try TimeZone.named("america/new_york")
            Issue.record("accepted a wrongly cased name")
        } catch {
            #expect(error.description.contains("did you mean America/New_York?"))
        }
    }

    @Test func timestampsRoundTrip() throws {
        var generator = SeededRandomNumberGenerator(seed: 3)
        for _ in 0..<10_000 {
            let seconds = Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator)  // 0001...9999
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = Timestamp.string(from: date)
            #expect(try Timestamp.date(from: text) == date)
        }
        #expect(try Timestamp.date(from: "2026-03-08T02:00:00-05:00") == Timestamp.date(from: "2026-03-08T07:00:00Z"))
        #expect(
            try Timestamp.date(from: "2026-03-08t07:00:00.25z").timeIntervalSince1970.truncatingRemainder(dividingBy: 1)
                == 0.25)
    }

    @Test(arguments: [
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00",
        "2026-01-01", "2026-01-01T00:00:00+5", "2026-01-01T00:00:00Zjunk", "", "yesterday",
    ])
    func badTimestamps(_ text: String) {
        #expect(throws: SchedulingError.self) { try Timestamp.date(from: text) }
    }
}
