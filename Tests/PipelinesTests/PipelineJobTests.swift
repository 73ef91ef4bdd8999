//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Pipelines
import Scheduling
import SchedulingTesting
import Synchronization
import Testing

@Suite("Pipelines as scheduled jobs")
struct PipelineJobTests {
    struct Parameters: Codable, Sendable {
        var region: String
        var hours: Int
    }

    @Test("the scheduler runs a pipeline with decoded params, stores its summary, and a retry resumes")
    func scheduled() async throws {
        let calls = Calls()
        let failures = Mutex(1)
        let pipeline = Pipeline("forecast", input: Parameters.self)
            .then("fetch") { parameters, _ in
                calls.record("fetch")
                return Array(repeating: 30.0, count: parameters.hours)
            }
            .then("infer") { prices, _ in
                calls.record("infer")
                let fail = failures.withLock { remaining in
                    defer { remaining = max(0, remaining - 1) }
                    return remaining > 0
                }
                if fail { throw Boom(message: "model not loaded") }
                return prices.reduce(0, +) / Double(prices.count)
            }
        let store = InMemoryJobStore()
        var jobs = JobRegistry(processes: nil)
        jobs.register(pipeline, store: store, effects: Effects())
        let clock = ManualClock(now: Fixture.start)
        let scheduler = Scheduler(
            store: store, executor: jobs, clock: clock,
            configuration: .init(instance: "test", leaseDuration: .seconds(3_600)), logger: Fixture.logger)
        try await SchedulerDriver(scheduler: scheduler, clock: clock).run { driver in
            try await scheduler.add(
                Schedule(
                    "hourly-forecast",
                    job: JobReference("forecast", parameters: ["region": "HB_NORTH", "hours": 24]),
                    trigger: .cron("0 * * * *"),
                    retry: .retries(1, backoff: .seconds(60))
                ))
            try await driver.advance(to: Fixture.start.addingTimeInterval(3_600 + 120))
        }
        let run = try #require(try await store.runs(matching: RunQuery(schedule: "hourly-forecast")).first)
        #expect(run.status == .succeeded)
        #expect(run.attempts.count == 2)
        let summary = try #require(try run.result?.decode(PipelineSummary.self))
        #expect(summary.run == run.id)
        #expect(summary.stages.map(\.name) == ["fetch", "infer"])
        #expect(summary.stages.map(\.reused) == [true, false])
        #expect(calls.all == ["fetch": 1, "infer": 2])
    }

    @Test("params that do not decode fail the run with a message naming the job")
    func badParameters() async throws {
        let pipeline = Pipeline("forecast", input: Parameters.self).then("noop") { parameters, _ in parameters.hours }
        var jobs = JobRegistry(processes: nil)
        jobs.register(pipeline, store: InMemoryJobStore(), effects: Effects())
        let context = JobContext(
            runID: UUID(), schedule: "s", occurrence: Fixture.start, attempt: 1, clock: ManualClock(now: Fixture.start),
            logger: Fixture.logger)
        let error = try await #require(throws: SchedulingError.self) {
            try await jobs.execute(JobReference("forecast", parameters: ["region": 5]), context: context)
        }
        #expect(error.code == .invalidParameters)
        #expect(error.message.contains("'forecast'"))
    }
}
