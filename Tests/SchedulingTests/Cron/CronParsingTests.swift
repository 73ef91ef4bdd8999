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

/// One test per syntax element, in UTC, by listing fire times.
struct CronParsingTests {
    static let start = try! Timestamp.date(from: "2026-01-01T00:00:00Z")

    func fires(_ expression: String, count: Int = 5, after: String = "2026-01-01T00:00:00Z") throws -> [String] {
        let cron = try CronExpression(expression)
        return cron.occurrences(after: try Timestamp.date(from: after)).prefix(count).map(Timestamp.string(from:))
    }

    @Test func star() throws {
        #expect(try fires("* * * * *", count: 2) == ["2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"])
    }

    @Test func value() throws {
        #expect(try fires("15 10 * * *", count: 2) == ["2026-01-01T10:15:00Z", "2026-01-02T10:15:00Z"])
    }

    @Test func rangeAndList() throws {
        #expect(
            try fires("0 9-10,14 * * *", count: 4) == [
                "2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z", "2026-01-01T14:00:00Z", "2026-01-02T09:00:00Z",
            ])
    }

    @Test func steps() throws {
        #expect(
            try fires("*/20 0 * * *", count: 4) == [
                "2026-01-01T00:20:00Z", "2026-01-01T00:40:00Z", "2026-01-02T00:00:00Z", "2026-01-02T00:20:00Z",
            ])
        #expect(
            try fires("10-30/10 0 * * *", count: 3) == [
                "2026-01-01T00:10:00Z", "2026-01-01T00:20:00Z", "2026-01-01T00:30:00Z",
            ])
        // a/s is a-max/s.
        #expect(
            try fires("50/5 0 * * *", count: 3) == [
                "2026-01-01T00:50:00Z", "2026-01-01T00:55:00Z", "2026-01-02T00:50:00Z",
            ])
    }

    @Test func seconds() throws {
        #expect(
            try fires("*/20 * * * * *", count: 3) == [
                "2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z",
            ])
    }

    @Test func namesAreCaseInsensitive() throws {
        // 2026-01-01 is a Thursday.
        #expect(
            try fires("0 0 * jan,Mar fri-sat,sun", count: 3) == [
                "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z",
            ])
    }

    @Test func sundayIsZeroAndSeven() throws {
        #expect(try fires("0 0 * * 0") == fires("0 0 * * 7"))
        #expect(try fires("0 0 * * SUN") == fires("0 0 * * 7"))
    }

    @Test func dayOfWeekStarSpansZeroToSeven() throws {
        // */2 = Sun, Tue, Thu, Sat; 1/2 = Mon, Wed, Fri, Sun.
        #expect(
            try fires("0 0 * * */2", count: 4) == [
                "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-06T00:00:00Z", "2026-01-08T00:00:00Z",
            ])
        #expect(
            try fires("0 0 * * 1/2", count: 4) == [
                "2026-01-02T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z",
            ])
    }

    @Test func lastDayOfMonth() throws {
        #expect(
            try fires("0 0 L * *", count: 3) == [
                "2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z",
            ])
        #expect(
            try fires("0 0 L 2 *", count: 2, after: "2027-06-01T00:00:00Z") == [
                "2028-02-29T00:00:00Z", "2029-02-28T00:00:00Z",
            ])
    }

    @Test func lastWeekdayOfMonth() throws {
        // Jan 31 2026 is a Saturday, May 31 2026 a Sunday.
        #expect(
            try fires("0 0 LW * *", count: 5) == [
                "2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z",
                "2026-05-29T00:00:00Z",
            ])
    }

    @Test func nearestWeekday() throws {
        // Feb 1 2026 is a Sunday: 1W is Monday the 2nd. Aug 1 2026 is a Saturday: Monday the 3rd.
        #expect(try fires("0 0 1W 2 *", count: 1) == ["2026-02-02T00:00:00Z"])
        #expect(try fires("0 0 1W 8 *", count: 1) == ["2026-08-03T00:00:00Z"])
        // Jan 17 2026 is a Saturday: Friday the 16th. May 31 2026 is a Sunday and the last day: Friday the 29th.
        #expect(try fires("0 0 17W 1 *", count: 1) == ["2026-01-16T00:00:00Z"])
        #expect(try fires("0 0 31W 5 *", count: 1) == ["2026-05-29T00:00:00Z"])
        // 31W never matches in a 30-day month.
        #expect(try fires("0 0 31W 4,5 *", count: 1) == ["2026-05-29T00:00:00Z"])
    }

    @Test func lastWeekdayOfWeek() throws {
        #expect(
            try fires("0 0 * * 5L", count: 3) == [
                "2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z",
            ])
    }

    @Test func nthWeekday() throws {
        #expect(
            try fires("0 0 * * MON#2", count: 3) == [
                "2026-01-12T00:00:00Z", "2026-02-09T00:00:00Z", "2026-03-09T00:00:00Z",
            ])
        // A fifth Friday exists only in some months.
        #expect(try fires("0 0 * * 5#5", count: 2) == ["2026-01-30T00:00:00Z", "2026-05-29T00:00:00Z"])
    }

    @Test func questionMarkIsStar() throws {
        #expect(try fires("0 0 ? * MON") == fires("0 0 * * MON"))
        #expect(try CronExpression("0 0 ? * MON").description == "0 0 ? * MON")
    }

    @Test func dayRuleIsOrWhenBothRestricted() throws {
        // Days 1-7 plus every Monday.
        #expect(
            try fires("0 0 1-7 * 1", count: 9, after: "2025-12-31T00:00:00Z") == [
                "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z",
                "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-12T00:00:00Z",
                "2026-01-19T00:00:00Z",
            ])
    }

    @Test func dayRuleIsAndWhenOneStartsWithStar() throws {
        // Mondays that are the 1st, 8th, 15th, 22nd or 29th.
        #expect(
            try fires("0 0 */7 * 1", count: 3) == [
                "2026-06-01T00:00:00Z", "2026-06-08T00:00:00Z", "2026-06-15T00:00:00Z",
            ])
    }

    @Test func macros() throws {
        let pairs = [
            ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
            ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
        ]
        for (macro, expansion) in pairs {
            #expect(try fires(macro) == fires(expansion), "\(macro)")
            #expect(try CronExpression(macro.uppercased()).description == macro)
        }
    }

    @Test func whitespaceAndLeadingZeros() throws {
        #expect(try CronExpression(" 00\t06  *  * \n *  ").description == "00 06 * * *")
        #expect(try fires("00 06 * * *") == fires("0 6 * * *"))
    }

    @Test func canonicalFormEqualityAndCodable() throws {
        let cron = try CronExpression("0 6 * * mon-fri")
        #expect(cron.description == "0 6 * * MON-FRI")
        #expect(cron == (try CronExpression("0  6 * * MON-FRI")))
        let data = try JSONEncoder().encode(cron)
        #expect(String(decoding: data, as: UTF8.self) == #""0 6 * * MON-FRI""#)
        #expect(try JSONDecoder().decode(CronExpression.self, from: data) == cron)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CronExpression.self, from: Data(#""0 24 * * *""#.utf8))
        }
    }

    @Test func leapDayAndYear2100() throws {
        #expect(
            try fires("0 0 29 2 *", count: 3, after: "2096-03-01T00:00:00Z") == [
                "2104-02-29T00:00:00Z", "2108-02-29T00:00:00Z", "2112-02-29T00:00:00Z",
            ])
        #expect(try fires("0 0 L 2 *", count: 1, after: "2100-01-01T00:00:00Z") == ["2100-02-28T00:00:00Z"])
        #expect(try fires("0 0 29 2 *", count: 1, after: "2399-06-01T00:00:00Z") == ["2400-02-29T00:00:00Z"])
    }

    @Test func yearEnd() throws {
        #expect(
            try fires("59 23 31 12 *", count: 2, after: "2026-12-31T23:59:00Z") == [
                "2027-12-31T23:59:00Z", "2028-12-31T23:59:00Z",
            ])
        #expect(try fires("0 0 1 1 *", count: 1, after: "2026-12-31T23:59:59Z") == ["2027-01-01T00:00:00Z"])
        #expect(try fires("59 59 23 31 12 *", count: 1, after: "2026-12-31T23:59:58Z") == ["2026-12-31T23:59:59Z"])
    }

    @Test func nextIsStrictlyAfterEvenInsideASecond() throws {
        let cron = try CronExpression("* * * * * *")
        let start = try Timestamp.date(from: "2026-01-01T00:00:00.5Z")
        #expect(cron.next(after: start).map(Timestamp.string(from:)) == "2026-01-01T00:00:01Z")
        #expect(cron.previous(before: start).map(Timestamp.string(from:)) == "2026-01-01T00:00:00Z")
    }

    @Test func rareExpressionsAreFoundWithoutSpinning() throws {
        // Feb 29 on a Sunday: 2032, then 2060, 2088, 2128 (2100 is not a leap year).
        let cron = try CronExpression("0 0 29 2 */7")
        #expect(
            cron.occurrences(after: Self.start).prefix(4).map(Timestamp.string(from:)) == [
                "2032-02-29T00:00:00Z", "2060-02-29T00:00:00Z", "2088-02-29T00:00:00Z", "2128-02-29T00:00:00Z",
            ])
        #expect(cron.previous(before: Self.start).map(Timestamp.string(from:)) == "2004-02-29T00:00:00Z")
    }

    @Test func gapOnlyScheduleEndsAtTheHorizon() throws {
        // With the skip policy, a time that exists only inside spring-forward gaps never fires;
        // the search ends at the horizon instead of spinning.
        // The second Sunday of March at 02:30 always falls in New York's spring-forward gap.
        let cron = try CronExpression("30 2 8-14 3 */7")
        let newYork = try TimeZone.named("America/New_York")
        #expect(cron.next(after: Self.start, in: newYork).map(Timestamp.string(from:)) == "2026-03-08T07:00:00Z")
        #expect(cron.next(after: Self.start, in: newYork, dstPolicy: CronDSTPolicy(gap: .skip, fold: .first)) == nil)
    }
}

/// Every kind of error: the code, the field and the column, and a message naming the fix.
struct CronErrorTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var text: String
        var field: CronField?
        var position: Int?
        var fragment: String
        var testDescription: String { "\"\(text)\"" }
    }

    static let cases: [Expected] = [
        Expected(text: "", fragment: "empty"),
        Expected(text: "* * * *", fragment: "found 4"),
        Expected(text: "* * * * * * *", fragment: "found 7"),
        Expected(text: "0 24 * * *", field: .hour, position: 3, fragment: "hour 24 is out of range 0-23"),
        Expected(text: "60 * * * * *", field: .second, position: 1, fragment: "second 60 is out of range"),
        Expected(text: "* * 0 * *", field: .dayOfMonth, position: 5, fragment: "out of range 1-31"),
        Expected(text: "* * * 13 *", field: .month, position: 7, fragment: "month 13"),
        Expected(text: "* * * * 8", field: .dayOfWeek, position: 9, fragment: "day-of-week 8"),
        Expected(text: "* * * * FRI-MON", field: .dayOfWeek, position: 9, fragment: "write FRI-SAT,SUN-MON"),
        Expected(text: "5-1 * * * *", field: .minute, position: 1, fragment: "write 5-59,0-1"),
        Expected(text: "* -5 * * *", field: .hour, position: 3, fragment: "negative"),
        Expected(text: "1.5 * * * *", field: .minute, position: 2, fragment: "fractions"),
        Expected(text: "+5 * * * *", field: .minute, position: 1, fragment: "unexpected character \"+\""),
        Expected(text: ",5 * * * *", field: .minute, position: 1, fragment: "empty item"),
        Expected(text: "5, * * * *", field: .minute, position: 3, fragment: "empty item"),
        Expected(text: "*/0 * * * *", field: .minute, position: 3, fragment: "at least 1"),
        Expected(text: "*/x * * * *", field: .minute, position: 3, fragment: "whole number"),
        Expected(text: "1-5/2/3 * * * *", field: .minute, position: 6, fragment: "only once"),
        Expected(text: "* * * FOO *", field: .month, position: 7, fragment: "unknown month name"),
        Expected(text: "* * * JANUARY *", field: .month, position: 7, fragment: "write JAN"),
        Expected(text: "* * * * MONDAY", field: .dayOfWeek, position: 9, fragment: "write MON"),
        Expected(text: "* * * * FRIL", field: .dayOfWeek, position: 9, fragment: "write 5L"),
        Expected(text: "* * * * 1-5L", field: .dayOfWeek, fragment: "single weekday"),
        Expected(text: "* * * * L", field: .dayOfWeek, position: 9, fragment: "weekday number before it"),
        Expected(text: "L * * * *", field: .minute, position: 1, fragment: "only allowed in the day"),
        Expected(text: "* * * L *", field: .month, position: 7, fragment: "only allowed in the day"),
        Expected(text: "? * * * *", field: .minute, position: 1, fragment: "\"?\" is only allowed"),
        Expected(text: "* * * * 1#6", field: .dayOfWeek, position: 11, fragment: "1 to 5"),
        Expected(text: "* * * * 1#", field: .dayOfWeek, position: 11, fragment: "1 to 5"),
        Expected(text: "* * * * 1#2#3", field: .dayOfWeek, position: 12, fragment: "only once"),
        Expected(text: "1- * * * *", field: .minute, position: 3, fragment: "ends too early"),
        Expected(text: "* * 5W * 1W", field: .dayOfWeek, fragment: "unexpected character \"W\""),
        Expected(text: "0;0 * * * *", field: .minute, position: 2, fragment: "unexpected character \";\""),
        Expected(text: "é * * * *", field: .minute, position: 1, fragment: "not a number"),
        Expected(text: "@", position: 1, fragment: "unknown macro"),
        Expected(text: "@fortnightly", position: 1, fragment: "unknown macro"),
        Expected(text: "@daily 5", position: 8, fragment: "stands alone"),
        Expected(text: "@every 5m", position: 1, fragment: "interval trigger"),
        Expected(text: "@reboot", position: 1, fragment: "at start-up"),
        Expected(text: "0 0 30 2 *", field: .dayOfMonth, fragment: "day 30 never occurs in February"),
        Expected(text: "0 0 31 4,6,9,11 *", field: .dayOfMonth, fragment: "April, June, September or November"),
        Expected(text: "0 0 30,31 2 *", field: .dayOfMonth, fragment: "days 30 and 31 never occur"),
        Expected(text: String(repeating: "1,", count: 600) + "1 * * * *", fragment: "characters long"),
    ]

    @Test(arguments: cases)
    func rejects(_ expected: Expected) {
        do {
            _ = try CronExpression(expected.text)
            Issue.record("accepted \"\(expected.text)\"")
        } catch {
            #expect(error.code == .invalidCronExpression)
            #expect(error.field == expected.field)
            if let position = expected.position { #expect(error.position == position) }
            #expect(error.description.contains(expected.fragment), "\(error.description)")
            #expect(error.suggestion?.isEmpty == false, "no fix in \(error.description)")
        }
    }

    @Test func orRuleMakesImpossibleDaysPossible() throws {
        // Day 31 never occurs in February, but every Monday in February matches.
        #expect(throws: Never.self) { try CronExpression("0 0 31 2 MON") }
    }

    @Test func errorsCompareByCodeAndMatchInCatch() {
        let first = SchedulingError(.invalidCronExpression, message: "a")
        let second = SchedulingError(.invalidCronExpression, message: "b", position: 3)
        #expect(first == second)
        #expect(first != SchedulingError(.unknownTimeZone, message: "a"))
        var matched = false
        do {
            _ = try TimeZone.named("Mars/Base")
        } catch SchedulingError.Code.unknownTimeZone {
            matched = true
        } catch {}
        #expect(matched)
    }
}
