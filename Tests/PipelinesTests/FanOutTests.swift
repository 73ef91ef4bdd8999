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
import Testing

@Suite("Fan-out")
struct FanOutTests {
    static func square(_ calls: Calls) -> ClosureStage<Int, Int> {
        ClosureStage("square") { value, _ in
            calls.enter()
            defer { calls.leave() }
            for _ in 0..<20 { await Task.yield() }
            if value < 0 { throw Boom(message: "negative \(value)") }
            return value * value
        }
    }

    @Test("never exceeds its concurrency limit, and reaches it", arguments: [1, 3, 8])
    func concurrencyLimit(_ limit: Int) async throws {
        let calls = Calls()
        let pipeline = Pipeline("squares", input: [Int].self)
            .forEach(Self.square(calls), concurrency: limit)
        let result = try await pipeline.run(
            Array(1...24), store: InMemoryJobStore(), effects: Effects(), logger: Fixture.logger)
        #expect(result.output.compactMap(\.value) == (1...24).map { $0 * $0 })
        #expect(result.output.map(\.index) == Array(0..<24))
        #expect(calls.peak <= limit)
        #expect(calls.peak == limit)
    }

    @Test("item failures continue with warnings and per-item outcomes")
    func continueWithWarnings() async throws {
        let calls = Calls()
        let pipeline = Pipeline("squares", input: [Int].self)
            .forEach(Self.square(calls), concurrency: 2, itemFailures: .continueWithWarnings)
        let result = try await pipeline.run(
            [1, -2, 3, -4], store: InMemoryJobStore(), effects: Effects(), logger: Fixture.logger)
        #expect(result.output.map(\.value) == [1, nil, 9, nil])
        #expect(result.output[1].failure == "square[1] failed after 1 attempt: negative -2")
        #expect(
            result.summary.warnings == [
                "square[]: item 1 failed: square[1] failed after 1 attempt: negative -2",
                "square[]: item 3 failed: square[3] failed after 1 attempt: negative -4",
            ])
    }

    @Test("an item failure fails the stage when the fan-out says so")
    func failStage() async throws {
        let calls = Calls()
        let pipeline = Pipeline("squares", input: [Int].self)
            .forEach(Self.square(calls), concurrency: 2)
        let failure = try await #require(throws: StageFailure.self) {
            try await pipeline.run(
                [1, -2, 3, 4, 5, 6], store: InMemoryJobStore(), effects: Effects(), logger: Fixture.logger)
        }
        #expect(failure.stage == "square[]")
        #expect((failure.underlying as? PipelineError)?.code == .itemFailed)
        #expect(calls.peak <= 2)
    }
}
