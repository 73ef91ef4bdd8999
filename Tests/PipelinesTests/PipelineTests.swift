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

@Suite("Pipelines")
struct PipelineTests {
    /// parse -> double -> sum -> describe, counting each stage's executions.
    static func arithmetic(_ calls: Calls) -> Pipeline<String, String> {
        Pipeline("arithmetic", input: String.self)
            .then("parse") { text, _ in
                calls.record("parse")
                return text.split(separator: ",").compactMap { Int($0) }
            }
            .then("double") { numbers, _ in
                calls.record("double")
                return numbers.map { $0 * 2 }
            }
            .then("sum") { numbers, _ in
                calls.record("sum")
                return numbers.reduce(0, +)
            }
            .then("describe") { total, _ in
                calls.record("describe")
                return "total \(total)"
            }
    }

    @Test("stages run in order, each output typed as the next input")
    func runsInOrder() async throws {
        let calls = Calls()
        let pipeline = Self.arithmetic(calls)
        #expect(pipeline.stageNames == ["parse", "double", "sum", "describe"])
        let result = try await pipeline.run(
            "1,2,3", store: InMemoryJobStore(), effects: Effects(), logger: Fixture.logger)
        #expect(result.output == "total 12")
        #expect(result.summary.stages.map(\.name) == ["parse", "double", "sum", "describe"])
        #expect(result.summary.stages.allSatisfy { !$0.reused && $0.attempts == 1 && $0.provenance.isFresh })
    }

    @Test("running the same run again reuses every checkpoint and decodes the outputs")
    func resume() async throws {
        let calls = Calls()
        let store = InMemoryJobStore()
        let id = UUID()
        let pipeline = Self.arithmetic(calls)
        _ = try await pipeline.run("1,2,3", id: id, store: store, effects: Effects(), logger: Fixture.logger)
        let again = try await pipeline.run("1,2,3", id: id, store: store, effects: Effects(), logger: Fixture.logger)
        #expect(again.output == "total 12")
        #expect(again.summary.stages.allSatisfy { $0.reused })
        #expect(calls.all == ["parse": 1, "double": 1, "sum": 1, "describe": 1])
        let other = try await pipeline.run("1,2,3", store: store, effects: Effects(), logger: Fixture.logger)
        #expect(other.summary.stages.allSatisfy { !$0.reused })
    }

    @Test("checkpoint policies: always rerun, reuse while young, disabled, and a new version")
    func checkpointPolicies() async throws {
        let calls = Calls()
        let clock = ManualClock(now: Fixture.start)
        func pipeline(version: Int) -> Pipeline<Int, Int> {
            Pipeline("policies", input: Int.self)
                .then("rerun", options: StageOptions(checkpoint: .alwaysRerun)) { value, _ in
                    calls.record("rerun")
                    return value + 1
                }
                .then("young", options: StageOptions(checkpoint: .reuse(youngerThan: .seconds(3_600)))) { value, _ in
                    calls.record("young")
                    return value + 1
                }
                .then("off", options: StageOptions(checkpoint: .disabled)) { value, _ in
                    calls.record("off")
                    return value + 1
                }
                .then("versioned", version: version) { value, _ in
                    calls.record("versioned v\(version)")
                    return value * 10
                }
        }
        let store = InMemoryJobStore()
        let id = UUID()
        func run(version: Int) async throws -> Int {
            try await pipeline(version: version).run(
                1, id: id, store: store, effects: Effects(), clock: clock, logger: Fixture.logger
            ).output
        }
        #expect(try await run(version: 1) == 40)
        clock.advance(by: .seconds(1_800))
        #expect(try await run(version: 1) == 40)
        #expect(calls.all == ["rerun": 2, "young": 1, "off": 2, "versioned v1": 1])
        clock.advance(by: .seconds(1_800))
        #expect(try await run(version: 2) == 40)
        #expect(calls.all == ["rerun": 3, "young": 2, "off": 3, "versioned v1": 1, "versioned v2": 1])
        #expect(try await store.checkpoint(run: id, stage: "off", version: 1) == nil)
    }

    @Test("two stages with one name are refused before anything runs")
    func duplicateNames() async throws {
        let calls = Calls()
        let pipeline = Pipeline("twins", input: Int.self)
            .then("step") { value, _ in
                calls.record("first")
                return value
            }
            .then("step") { value, _ in value }
        await #expect(throws: PipelineError(.duplicateStage, message: "")) {
            try await pipeline.run(1, store: InMemoryJobStore(), effects: Effects(), logger: Fixture.logger)
        }
        #expect(calls.count("first") == 0)
    }

    @Test("retries back off on the pipeline's clock")
    func retries() async throws {
        let clock = ManualClock(now: Fixture.start)
        let attempts = Mutex<[Date]>([])
        let pipeline = Pipeline("flaky", input: Int.self)
            .then("fetch", options: StageOptions(retry: .retries(2, backoff: .seconds(30)))) { value, context in
                let count = attempts.withLock {
                    $0.append(context.clock.now)
                    return $0.count
                }
                if count < 3 { throw Boom(message: "HTTP 503") }
                return value
            }
        let result = try await Fixture.driving(clock) {
            try await pipeline.run(
                7, store: InMemoryJobStore(), effects: Effects(), clock: clock, logger: Fixture.logger)
        }
        #expect(result.output == 7)
        #expect(result.summary.stages.first?.attempts == 3)
        #expect(result.summary.stages.first?.duration == 60)
        #expect(attempts.withLock { $0 } == [0, 30, 60].map { Fixture.start.addingTimeInterval($0) })
    }

    @Test("a timed-out stage falls back, and the outcome says so and why")
    func fallbackProvenance() async throws {
        let clock = ManualClock(now: Fixture.start)
        let store = InMemoryJobStore()
        let id = UUID()
        let pipeline = Pipeline("forecast", input: String.self)
            .then(
                "prices",
                options: StageOptions(retry: .retries(2, backoff: .seconds(60)), timeout: .seconds(600)),
                fallback: { _, _, _ in Fallback([41.5, 40.0], note: "used cached prices") }
            ) { _, context in
                try await context.clock.sleep(until: context.clock.now.addingTimeInterval(3_600))
                return [99.0]
            }
            .then("peak") { prices, _ in prices.max() ?? 0 }
        let result = try await Fixture.driving(clock) {
            try await pipeline.run(
                "ERCOT", id: id, store: store, effects: Effects(), clock: clock, logger: Fixture.logger)
        }
        #expect(result.output == 41.5)
        let prices = try #require(result.summary.stages.first)
        #expect(!prices.provenance.isFresh)
        #expect(prices.attempts == 3)
        #expect(prices.duration == 3 * 600 + 2 * 60)
        #expect(
            result.summary.fallbacks == [
                "prices: used cached prices: prices failed after 3 attempts: stage 'prices' took longer than its "
                    + "timeout of 600.0 seconds; raise the stage's timeout, or make it faster"
            ])
        #expect(result.summary.stages.last?.provenance.isFresh == true)
        let resumed = try await pipeline.run(
            "ERCOT", id: id, store: store, effects: Effects(), clock: clock, logger: Fixture.logger)
        #expect(resumed.summary.fallbacks == result.summary.fallbacks)
        #expect(resumed.summary.stages.first?.reused == true)
    }

    @Test("without a fallback, the failure names the stage and its attempts")
    func failureWithoutFallback() async throws {
        let pipeline = Pipeline("broken", input: Int.self)
            .then("explode", options: StageOptions(retry: .retries(1, backoff: .zero))) { (_: Int, _) -> Int in
                throw Boom(message: "disk full")
            }
        let failure = try await #require(throws: StageFailure.self) {
            try await pipeline.run(1, store: InMemoryJobStore(), effects: Effects(), logger: Fixture.logger)
        }
        #expect(failure.description == "explode failed after 2 attempts: disk full")
    }

    @Test("a process runner that cannot stream hands over its output's lines when the process ends")
    func replayedLines() async throws {
        struct Canned: ProcessRunner {
            func run(_ command: ProcessExecutor.Parameters) async throws -> ProcessExecutor.Output {
                ProcessExecutor.Output(standardOutput: "a\r\n\nb", standardError: "e\n")
            }
        }
        let lines = Mutex<[ProcessExecutor.OutputLine]>([])
        let output = try await Canned().run(.init(arguments: ["tool"])) { line in lines.withLock { $0.append(line) } }
        #expect(output.standardOutput == "a\r\n\nb")
        #expect(
            lines.withLock { $0 } == [
                .init(stream: .standardOutput, text: "a"), .init(stream: .standardOutput, text: ""),
                .init(stream: .standardOutput, text: "b"), .init(stream: .standardError, text: "e"),
            ])
    }

    @Test("warnings and progress reach the summary and the observer")
    func warningsAndProgress() async throws {
        let reports = Mutex<[StageProgress]>([])
        let pipeline = Pipeline("partial", input: [Int].self)
            .then("clean") { values, context in
                let kept = values.filter { $0 >= 0 }
                if kept.count < values.count { context.warn("dropped \(values.count - kept.count) negative values") }
                context.progress(0.5, "half way")
                context.progress(1)
                return kept
            }
        let result = try await pipeline.run(
            [1, -2, 3, -4], store: InMemoryJobStore(), effects: Effects(), logger: Fixture.logger
        ) { progress in reports.withLock { $0.append(progress) } }
        #expect(result.output == [1, 3])
        #expect(result.summary.warnings == ["clean: dropped 2 negative values"])
        #expect(reports.withLock { $0.map(\.fraction) } == [0.5, 1])
        #expect(result.summary.description.contains("warning: clean: dropped 2 negative values"))
    }
}
