//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Scheduling
import SchedulingTesting
import Synchronization
import Testing

/// The code that README.md, the getting-started guide and the "Embedding a scheduler" article
/// show, run as written (on a manual clock instead of a service group), so that the
/// documentation cannot drift from the API.
@Suite struct DocumentedExampleTests {
    @Test func cronExpressionAsTheReadmeShowsIt() throws {
        let cron = try CronExpression("0 10 * * SUN")
        let newYork = try TimeZone.named("America/New_York")
        // Saturday 5 December 2026; New York is five hours behind UTC in winter.
        let saturday = Fixture.date("2026-12-05T12:00:00Z")
        #expect(cron.next(after: saturday, in: newYork) == Fixture.date("2026-12-06T15:00:00Z"))
        let five = Array(cron.occurrences(after: saturday, in: newYork).prefix(5))
        #expect(five.count == 5)
        #expect(five.last == Fixture.date("2027-01-03T15:00:00Z"))
        #expect(cron.explanation == "At 10:00 on Sunday")
    }

    @Test func cronErrorAsTheReadmeQuotesIt() {
        let error = #expect(throws: SchedulingError.self) { try CronExpression("0 24 * * *") }
        #expect(
            error?.description == "hour field \"24\": hour 24 is out of range 0-23 (column 3); use a value from 0 to 23"
        )
    }

    @Test func fireTimesAsTheGettingStartedGuideShowsThem() throws {
        let cron = try CronExpression("0 6 * * MON-FRI")
        let chicago = try TimeZone.named("America/Chicago")
        let start = try Timestamp.date(from: "2026-03-06T00:00:00Z")
        let printed = cron.occurrences(after: start, in: chicago).prefix(3).map { Timestamp.string(from: $0) }
        // Daylight saving began on the 8th.
        #expect(printed == ["2026-03-06T12:00:00Z", "2026-03-09T11:00:00Z", "2026-03-10T11:00:00Z"])
    }

    @Test func badInputAsTheGettingStartedGuideShowsIt() {
        let error = #expect(throws: SchedulingError.self) { try CronExpression("0 6 * * FRI-MON") }
        #expect(
            error?.description
                == "day-of-week field \"FRI-MON\": FRI-MON wraps around (column 9); write FRI-SAT,SUN-MON")
    }

    @Test func weeklyNewsletterRunsOnSundayAndRetries() async throws {
        let attempts = Mutex<[Date]>([])
        var jobs = JobRegistry()
        jobs.register("newsletter.send") { context in
            context.logger.info("sending the newsletter")
            // The first attempt fails, so that the schedule's retry shows.
            let count = attempts.withLock {
                $0.append(context.clock.now)
                return $0.count
            }
            if count == 1 { throw CancellationError() }
        }
        let (driver, store) = Fixture.scheduler(at: "2026-12-05T00:00:00Z", jobs: jobs)
        try await driver.scheduler.add(
            Schedule(
                "weekly-newsletter",
                job: JobReference("newsletter.send"),
                trigger: .cron("0 10 * * SUN", in: .named("America/New_York")),
                retry: .retries(2, backoff: .seconds(300))
            )
        )
        try await driver.run { driver in try await driver.advance(to: Fixture.date("2026-12-07T00:00:00Z")) }
        #expect(
            attempts.withLock { $0 } == [Fixture.date("2026-12-06T15:00:00Z"), Fixture.date("2026-12-06T15:05:00Z")])
        let runs = try await Fixture.allRuns(store)
        #expect(runs.map(\.status) == [.succeeded])
        #expect(runs.first?.attempts.map(\.status) == [.failed, .succeeded])
    }

    @Test func jobParametersAsTheArticleShowsThem() async throws {
        struct Send: Codable, Sendable { var audience: String }
        let audiences = Mutex<[String]>([])
        var jobs = JobRegistry()
        jobs.register("newsletter.send", parameters: Send.self) { parameters, context in
            context.logger.info("sending", metadata: ["newsletter.audience": "\(parameters.audience)"])
            audiences.withLock { $0.append(parameters.audience) }
        }
        let job = JobReference("newsletter.send", parameters: ["audience": "subscribers"])
        let (driver, _) = Fixture.scheduler(at: "2026-12-05T00:00:00Z", jobs: jobs)
        try await driver.scheduler.add(
            Schedule("weekly-newsletter", job: job, trigger: .cron("0 10 * * SUN", in: .named("America/New_York"))))
        try await driver.run { driver in try await driver.advance(to: Fixture.date("2026-12-07T00:00:00Z")) }
        #expect(audiences.withLock { $0 } == ["subscribers"])
    }
}
