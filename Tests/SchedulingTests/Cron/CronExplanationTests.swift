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

struct CronExplanationTests {
    @Test(arguments: [
        ("0 10 * * 0", "At 10:00 on Sunday"),
        ("0 10 * * SUN", "At 10:00 on Sunday"),
        ("30 6 * * 1-5", "At 06:30 on Monday through Friday"),
        ("0 9,17 * * *", "At 09:00 and 17:00"),
        ("*/15 * * * *", "Every 15th minute"),
        ("0 0 1 * *", "At 00:00 on day 1 of the month"),
        ("0 0 L * *", "At 00:00 on the last day of the month"),
        ("0 0 LW * *", "At 00:00 on the last weekday of the month"),
        ("0 0 15W * *", "At 00:00 on the weekday nearest day 15 of the month"),
        ("0 12 * * 5L", "At 12:00 on the last Friday of the month"),
        ("0 12 * * 1#2", "At 12:00 on the second Monday of the month"),
        ("0 0 1 1 *", "At 00:00 on day 1 of the month in January"),
        ("0 0 1-7 * 1", "At 00:00 on day 1 through 7 of the month or on Monday"),
        ("0 0 */7 * 1", "At 00:00 on every 7th day of the month if it is Monday"),
        ("0 30 2 * * *", "At 02:30:00"),
        ("@hourly", "At minute 0"),
        ("0 */2 * * *", "At minute 0 past every 2nd hour"),
        ("*/10 9-17 * * *", "Every 10th minute past hour 9 through 17"),
    ])
    func explains(_ expression: String, _ expected: String) throws {
        #expect(try CronExpression(expression).explanation == expected)
    }

    @Test func warnsAboutUnevenSteps() throws {
        let warnings = try CronExpression("0 */5 * * *").warnings
        #expect(warnings.map(\.code) == [.unevenStep])
        #expect(warnings[0].message.contains("0, 5, 10, 15 and 20, then 4 hours later at 0"))
        #expect(try CronExpression("*/15 * * * *").warnings.isEmpty)
    }

    @Test func warnsAboutDayOfMonthSteps() throws {
        #expect(try CronExpression("0 0 */2 * *").warnings.map(\.code) == [.dayOfMonthStepRestarts])
    }

    @Test func warnsAboutTheEitherDayRule() throws {
        #expect(try CronExpression("0 0 1 * MON").warnings.map(\.code) == [.eitherDayFieldMatches])
        #expect(try CronExpression("0 0 * * MON").warnings.isEmpty)
    }

    @Test func warnsAboutFixedTimesInGapsAndFolds() throws {
        let newYork = try TimeZone.named("America/New_York")
        let start = try Timestamp.date(from: "2026-01-01T00:00:00Z")
        let gap = try CronExpression("30 2 * * *").warnings(in: newYork, from: start)
        #expect(gap.map(\.code) == [.timeInDSTGap])
        #expect(gap[0].message.contains("2026-03-08 02:30"))
        let fold = try CronExpression("30 1 * * *").warnings(in: newYork, from: start)
        #expect(fold.map(\.code) == [.timeInDSTFold])
        #expect(try CronExpression("30 12 * * *").warnings(in: newYork, from: start).isEmpty)
        #expect(try CronExpression("30 2 * * *").warnings(in: TimeZone.named("UTC"), from: start).isEmpty)
        // Periodic expressions do what they say at every instant: no DST warning.
        #expect(try CronExpression("*/30 * * * *").warnings(in: newYork, from: start).isEmpty)
    }
}
