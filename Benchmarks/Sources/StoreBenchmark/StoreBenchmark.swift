//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import SchedulingSQLite

/// Release-mode measurements of the SQLite store:
///
/// - record: runs recorded as a scheduler records them (a running record at start, the finished
///   record at the end: two durable writes each), one after the other; runs per second, and bytes
///   of database per run.
/// - history: "the last 50 runs of one schedule" with 1,000,000 runs in the file (1,000 schedules).
@main
struct StoreBenchmark {
    static func main() async throws {
        let which = CommandLine.arguments.dropFirst().first ?? "all"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-benchmark-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        if which == "all" || which == "record" {
            try await record(path: folder.appendingPathComponent("record.sqlite").path)
        }
        if which == "all" || which == "history" {
            try await history(path: folder.appendingPathComponent("history.sqlite").path)
        }
        if which == "all" || which == "in-memory" {
            try await inMemory()
        }
    }

    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    static func run(_ schedule: String, _ index: Int) -> JobRun {
        let occurrence = start.addingTimeInterval(Double(index) * 60)
        return JobRun(
            schedule: schedule,
            occurrence: occurrence,
            status: .running,
            attempts: [
                JobRun.Attempt(number: 1, job: "newsletter.send", started: occurrence.addingTimeInterval(0.004))
            ],
            owner: "benchmark",
            fencingToken: Int64(index),
            created: occurrence
        )
    }

    static func finished(_ run: JobRun) -> JobRun {
        var run = run
        let end = run.occurrence.addingTimeInterval(0.25)
        run.status = .succeeded
        run.finished = end
        run.attempts[0].finished = end
        run.attempts[0].status = .succeeded
        return run
    }

    static func record(path: String) async throws {
        let store = try SQLiteJobStore(path: path, configuration: .init(retention: .keepEverything))
        let count = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "") ?? 20_000
        let recorders = Int(ProcessInfo.processInfo.environment["RECORDERS"] ?? "") ?? 1
        let clock = ContinuousClock()
        let begin = clock.now
        try await withThrowingDiscardingTaskGroup { group in
            for recorder in 0..<recorders {
                group.addTask {
                    for index in stride(from: recorder, to: count, by: recorders) {
                        let running = run("schedule-\(index % 100)", index)
                        try await store.saveRun(running)
                        try await store.saveRun(finished(running))
                    }
                }
            }
        }
        let elapsed = clock.now - begin
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        try store.close()
        let bytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        print(
            "record: \(count) runs (start and finish, 2 writes each) by \(recorders) concurrent recorders in \(String(format: "%.2f", seconds)) s = "
                + "\(Int(Double(count) / seconds)) runs/s; \(bytes) bytes = \(bytes / count) bytes per run")
    }

    /// What each of a scheduler's store calls costs per run on `InMemoryJobStore`, as the
    /// throughput benchmark makes them: 10,000 schedules, batches of 100 occurrences claimed,
    /// recorded running, recorded finished, and their cursors moved, for 36 rounds.
    /// `KEEP=n` sets the runs kept per schedule (default 4, as in the throughput benchmark).
    static func inMemory() async throws {
        let keep = Int(ProcessInfo.processInfo.environment["KEEP"] ?? "") ?? 4
        let store = InMemoryJobStore(configuration: .init(runsPerSchedule: keep, skipsPerSchedule: 4))
        let names = (0..<10_000).map { "schedule-\($0)" }
        let clock = ContinuousClock()
        var claiming = Duration.zero
        var inserting = Duration.zero
        var updating = Duration.zero
        var moving = Duration.zero
        let rounds = 36
        for round in 0..<rounds {
            let occurrence = start.addingTimeInterval(Double(round) * 3_600)
            for first in stride(from: 0, to: names.count, by: 100) {
                let batch = names[first..<first + 100]
                var begin = clock.now
                let tokens = try await store.claim(
                    batch.map { Occurrence(schedule: $0, instant: occurrence) }, owner: "benchmark")
                claiming += clock.now - begin
                let running = zip(batch, tokens).map { name, token in
                    var run = run(name, round)
                    run.occurrence = occurrence
                    run.fencingToken = token
                    return run
                }
                let done = running.map(finished)
                let cursors = Dictionary(uniqueKeysWithValues: batch.map { ($0, occurrence) })
                begin = clock.now
                try await store.saveRuns(running)
                inserting += clock.now - begin
                begin = clock.now
                try await store.saveRuns(done)
                updating += clock.now - begin
                begin = clock.now
                try await store.advanceCursors(cursors)
                moving += clock.now - begin
            }
        }
        let runs = Double(rounds * names.count)
        func perRun(_ duration: Duration) -> String {
            let nanoseconds = Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
            return "\(Int(nanoseconds / runs)) ns"
        }
        print(
            "in-memory: \(Int(runs)) runs of \(names.count) schedules keeping \(keep) each, per run: claim \(perRun(claiming)), "
                + "first write \(perRun(inserting)), final write \(perRun(updating)), cursor \(perRun(moving))")
    }

    static func history(path: String) async throws {
        let store = try SQLiteJobStore(path: path, configuration: .init(retention: .keepEverything))
        let total = Int(ProcessInfo.processInfo.environment["HISTORY"] ?? "") ?? 1_000_000
        let clock = ContinuousClock()
        let loadBegin = clock.now
        var batch: [JobRun] = []
        for index in 0..<total {
            batch.append(finished(run("schedule-\(index % 1_000)", index)))
            if batch.count == 10_000 {
                try await store.saveRuns(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await store.saveRuns(batch)
        print("history: loaded \(total) runs in \(clock.now - loadBegin)")
        var samples: [Duration] = []
        for round in 0..<200 {
            let query = RunQuery(schedule: "schedule-\(round * 7 % 1_000)", limit: 50)
            let begin = clock.now
            let runs = try await store.runs(matching: query)
            samples.append(clock.now - begin)
            precondition(runs.count == 50)
        }
        samples.sort()
        func milliseconds(_ duration: Duration) -> String {
            let value = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
            return String(format: "%.3f ms", value)
        }
        print(
            "history: last 50 runs of one schedule among \(total): p50 \(milliseconds(samples[100])), "
                + "p99 \(milliseconds(samples[198])), max \(milliseconds(samples[199]))")
    }
}
