//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import SchedulingTesting
import Testing

/// A schedule whose job is unknown or whose parameters the job cannot take is refused when it is
/// added, not discovered at every run.
@Suite("Job validation")
struct JobValidationTests {
    struct Send: Codable, Sendable {
        var audience: String
    }

    static func registry() -> JobRegistry {
        var jobs = JobRegistry()
        jobs.register("newsletter.send", parameters: Send.self) { _, _ in }
        jobs.register("tick") { _ in }
        return jobs
    }

    @Test("the registry checks parameters against the type a job was registered with")
    func registry() throws {
        let jobs = Self.registry()
        try jobs.validate(JobReference("newsletter.send", parameters: ["audience": "subscribers"]))
        let typo = #expect(throws: SchedulingError.self) {
            try jobs.validate(JobReference("newsletter.send", parameters: ["audiance": "subscribers"]))
        }
        #expect(typo?.code == .invalidParameters)
        #expect(typo?.message.contains("'newsletter.send'") == true)
        // A job without parameters takes any; an unknown one is not found.
        try jobs.validate(JobReference("tick", parameters: ["anything": 1]))
        #expect(throws: SchedulingError(.jobNotFound, message: "")) { try jobs.validate(JobReference("nope")) }
        // Process jobs are checked by the process executor: a program comes first.
        try jobs.validate(.process(["/bin/echo", "hello"]))
        #expect(throws: SchedulingError(.invalidParameters, message: "")) { try jobs.validate(.process([])) }
        #expect(throws: SchedulingError(.invalidParameters, message: "")) {
            try jobs.validate(JobReference("process", parameters: ["arguments": 5]))
        }
        // A name routed to an executor is checked by that executor, under that name.
        var routed = JobRegistry(processes: nil)
        routed.register("backup", executor: ProcessExecutor())
        try routed.validate(JobReference("backup", parameters: ["arguments": ["/bin/true"]]))
        #expect(throws: SchedulingError(.invalidParameters, message: "")) {
            try routed.validate(JobReference("backup", parameters: ["arguments": []]))
        }
    }

    @Test("adding a schedule whose job or fallback cannot take its parameters fails, naming the schedule")
    func scheduler() async throws {
        let (driver, store) = Fixture.scheduler(jobs: Self.registry())
        let bad = try Schedule(
            "weekly", job: JobReference("newsletter.send", parameters: ["audiance": "subscribers"]),
            trigger: .cron("0 10 * * SUN"))
        let error = await #expect(throws: SchedulingError.self) { try await driver.scheduler.add(bad) }
        #expect(error?.code == .invalidParameters)
        #expect(error?.message.hasPrefix("schedule 'weekly': parameters of job 'newsletter.send'") == true)
        #expect(error?.suggestion != nil)
        let badFallback = try Schedule(
            "weekly", job: JobReference("tick"), trigger: .cron("0 10 * * SUN"), fallback: .process([]))
        await #expect(throws: SchedulingError(.invalidParameters, message: "")) {
            try await driver.scheduler.add(badFallback)
        }
        #expect(try await store.schedules().isEmpty, "nothing was stored")
        let good = try Schedule(
            "weekly", job: JobReference("newsletter.send", parameters: ["audience": "subscribers"]),
            trigger: .cron("0 10 * * SUN"))
        try await driver.scheduler.add(good)
        // Replacing it with a broken definition is refused too, and the good one stays.
        await #expect(throws: SchedulingError(.invalidParameters, message: "")) {
            try await driver.scheduler.replace(bad)
        }
        #expect(try await store.schedules().map(\.schedule) == [good])
    }

    @Test("a schedule written to the store by another process with parameters its job cannot take is left out")
    func synchronized() async throws {
        let (driver, store) = Fixture.scheduler(jobs: Self.registry(), storePollInterval: .seconds(1))
        try await driver.run { driver in
            try await store.saveSchedule(
                Schedule(
                    "weekly", job: JobReference("newsletter.send", parameters: ["audiance": "x"]),
                    trigger: .cron("* * * * *")))
            try await store.saveSchedule(Schedule("minutely", job: JobReference("tick"), trigger: .cron("* * * * *")))
            try await driver.advance(by: .seconds(61))
            #expect(try await driver.scheduler.schedules().map(\.schedule.name) == ["minutely"])
        }
        #expect(try await Fixture.allRuns(store).map(\.schedule) == ["minutely"])
    }
}
