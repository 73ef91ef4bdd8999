//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
public import Scheduling

/// The contract every `JobStore` must keep, as checks any store can run.
///
/// Run each check against a fresh store, one test case per check:
///
/// ```swift
/// @Test(arguments: JobStoreConformance.checks)
/// func conformance(_ check: JobStoreConformance.Check) async throws {
///     try await check.run(on: MyStore(path: temporaryFile()))
/// }
/// ```
public enum JobStoreConformance {
    /// One named property of the contract.
    public struct Check: Sendable, CustomStringConvertible {
        /// What the check verifies.
        public let name: String
        private let body: @Sendable (any JobStore) async throws -> Void

        init(_ name: String, _ body: @escaping @Sendable (any JobStore) async throws -> Void) {
            self.name = name
            self.body = body
        }

        /// Runs the check on an empty store.
        ///
        /// - Throws: ``ConformanceFailure`` naming what does not hold, or the store's error.
        public func run(on store: some JobStore) async throws {
            try await body(store)
        }

        /// The check's name.
        public var description: String { name }
    }

    /// A property of the contract that does not hold.
    public struct ConformanceFailure: Error, CustomStringConvertible {
        /// What was expected and what happened.
        public let message: String
        /// The message.
        public var description: String { message }
    }

    /// Every check.
    public static let checks: [Check] = [
        Check("a claim succeeds once, whoever asks", claimOnce),
        Check("concurrent claims of one occurrence: exactly one wins", concurrentClaims),
        Check("cursors only move forward and refuse claims at or before them", cursors),
        Check("schedules round-trip, keep their state when replaced, and sort by name", schedules),
        Check("runs round-trip, update in place and answer queries newest first with paging", runs),
        Check("batches of claims, runs and cursors behave as the same calls one by one", batches),
        Check("the skip ledger keeps entries and answers queries", skips),
        Check("checkpoints are kept per run, stage and version", checkpoints),
        Check("runs of expired or missing leases become interrupted; live leases are left alone", leases),
        Check(
            "claims of a stopped instance with no run and no skip become interrupted runs, even behind the cursor",
            unrecordedClaims),
        Check("deleting a schedule keeps its runs, skips and claims", deletionKeepsHistory),
        Check("requested runs are taken once, oldest first, and never interrupted", requestedRuns),
    ]

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(message: message()) }
    }

    static let base = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func at(_ minutes: Int) -> Date { base.addingTimeInterval(Double(minutes) * 60) }

    static func schedule(_ name: String) throws -> Schedule {
        try Schedule(name, job: JobReference("job"), trigger: .cron("* * * * *"))
    }

    private static func claimOnce(_ store: any JobStore) async throws {
        let first = try await store.claim(at(1), of: "a", owner: "one")
        try require(first != nil, "the first claim of an occurrence was refused")
        try require(
            try await store.claim(at(1), of: "a", owner: "one") == nil, "the same owner claimed an occurrence twice")
        try require(
            try await store.claim(at(1), of: "a", owner: "two") == nil, "a second owner claimed a claimed occurrence")
        let other = try await store.claim(at(1), of: "b", owner: "two")
        let later = try await store.claim(at(2), of: "a", owner: "two")
        try require(other != nil && later != nil, "claims of other occurrences were refused")
        try require(
            first! < other! && other! < later!,
            "fencing tokens do not increase: \(first!), \(other!), \(later!)"
        )
    }

    private static func concurrentClaims(_ store: any JobStore) async throws {
        let winners = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for owner in 0..<32 {
                group.addTask { try await store.claim(at(5), of: "race", owner: "owner-\(owner)") }
            }
            var tokens: [Int64] = []
            for try await token in group { if let token { tokens.append(token) } }
            return tokens
        }
        try require(winners.count == 1, "\(winners.count) of 32 concurrent claims succeeded")
    }

    private static func cursors(_ store: any JobStore) async throws {
        try await store.saveSchedule(schedule("cursor"))
        try await store.advanceCursor(of: "cursor", to: at(10))
        try await store.advanceCursor(of: "cursor", to: at(5))
        let stored = try await store.schedules().first { $0.schedule.name == "cursor" }
        try require(stored?.cursor == at(10), "the cursor moved back to \(String(describing: stored?.cursor))")
        try require(try await store.claim(at(10), of: "cursor", owner: "one") == nil, "a claim at the cursor succeeded")
        try require(
            try await store.claim(at(9), of: "cursor", owner: "one") == nil, "a claim before the cursor succeeded")
        try require(try await store.claim(at(11), of: "cursor", owner: "one") != nil, "a claim after the cursor failed")
    }

    private static func schedules(_ store: any JobStore) async throws {
        for name in ["b", "a", "C"] { try await store.saveSchedule(try schedule(name)) }
        try await store.setPaused(true, schedule: "b")
        try await store.advanceCursor(of: "b", to: at(3))
        let replacement = try Schedule("b", job: JobReference("other"), trigger: .every(.seconds(60)), priority: .high)
        try await store.saveSchedule(replacement)
        let stored = try await store.schedules()
        try require(
            stored.map(\.schedule.name) == ["C", "a", "b"],
            "schedules are not sorted by name: \(stored.map(\.schedule.name))")
        let b = stored.last!
        try require(b.schedule == replacement, "the replaced definition was not stored")
        try require(b.isPaused && b.cursor == at(3), "replacing a definition lost its paused flag or cursor")
        try require(try await store.deleteSchedule(named: "a"), "deleting an existing schedule returned false")
        try require(try await !store.deleteSchedule(named: "a"), "deleting a missing schedule returned true")
        do {
            try await store.setPaused(true, schedule: "missing")
            throw ConformanceFailure(message: "pausing a missing schedule did not throw")
        } catch let error as SchedulingError {
            try require(error.code == .scheduleNotFound, "pausing a missing schedule threw \(error.code)")
        }
    }

    private static func runs(_ store: any JobStore) async throws {
        var records: [JobRun] = []
        for minute in 1...6 {
            let run = JobRun(
                schedule: minute.isMultiple(of: 2) ? "even" : "odd",
                occurrence: at(minute),
                status: minute == 6 ? .failed : .succeeded,
                attempts: [
                    JobRun.Attempt(number: 1, job: "job", started: at(minute), finished: at(minute), status: .succeeded)
                ],
                result: ["minute": .number(Double(minute))],
                owner: "one",
                fencingToken: Int64(minute),
                created: at(minute)
            )
            records.append(run)
            try await store.saveRun(run)
        }
        var updated = records[0]
        updated.status = .timedOut
        updated.fallback = "used the previous result"
        try await store.saveRun(updated)
        try require(try await store.run(id: updated.id) == updated, "an updated run did not round-trip")
        let all = try await store.runs(matching: RunQuery(limit: 100))
        try require(all.count == 6, "a run update inserted a second record: \(all.count) runs")
        try require(all.map(\.occurrence) == (1...6).reversed().map(at), "runs are not newest first")
        let even = try await store.runs(matching: RunQuery(schedule: "even"))
        try require(even.map(\.occurrence) == [at(6), at(4), at(2)], "the schedule filter is wrong")
        let failed = try await store.runs(matching: RunQuery(statuses: [.failed, .timedOut]))
        try require(failed.map(\.occurrence) == [at(6), at(1)], "the status filter is wrong")
        let range = try await store.runs(matching: RunQuery(from: at(2), to: at(4)))
        try require(range.map(\.occurrence) == [at(3), at(2)], "the time range is not [from, to)")
        let page = try await store.runs(matching: RunQuery(limit: 2, offset: 2))
        try require(page.map(\.occurrence) == [at(4), at(3)], "paging is wrong")
        try require(try await store.run(id: UUID()) == nil, "an unknown run id was found")
        // Runs of one occurrence created at one instant still come in one order (identifiers as
        // text, descending), so that pages neither repeat nor skip a run.
        let twins = (0..<5).map { _ in JobRun(schedule: "twins", occurrence: at(30), owner: "one", created: at(30)) }
        try await store.saveRuns(twins)
        var paged: [UUID] = []
        for offset in 0..<5 {
            paged += try await store.runs(matching: RunQuery(schedule: "twins", limit: 1, offset: offset)).map(\.id)
        }
        try require(
            paged == twins.map(\.id).sorted { $0.uuidString > $1.uuidString },
            "runs of one occurrence and creation time are not ordered by identifier")
    }

    private static func skips(_ store: any JobStore) async throws {
        try await store.recordSkips([
            SkipRecord(schedule: "s", occurrence: at(1), reason: .paused, detail: "paused", recorded: at(1)),
            SkipRecord(schedule: "s", occurrence: at(2), reason: .overlap, recorded: at(2)),
            SkipRecord(
                schedule: "t", occurrence: at(3), reason: .outsideCatchUpWindow, recorded: at(9), count: 120,
                lastOccurrence: at(8)),
        ])
        let all = try await store.skips(matching: SkipQuery())
        try require(all.map(\.occurrence) == [at(3), at(2), at(1)], "skips are not newest first")
        try require(
            all[0].count == 120 && all[0].lastOccurrence == at(8), "a folded skip lost its count or last occurrence")
        try require(all[2].detail == "paused", "a skip lost its detail")
        let overlap = try await store.skips(matching: SkipQuery(schedule: "s", reason: .overlap))
        try require(overlap.map(\.occurrence) == [at(2)], "skip filters are wrong")
    }

    private static func batches(_ store: any JobStore) async throws {
        let first = JobRun(schedule: "batch", occurrence: at(1), owner: "one", created: at(1))
        var started = first
        started.status = .running
        let second = JobRun(schedule: "batch", occurrence: at(2), owner: "one", created: at(2))
        try await store.saveRuns([first, second, started])
        try await store.saveRuns([])
        try require(try await store.run(id: first.id) == started, "the later of two entries for one run did not win")
        try require(try await store.run(id: second.id) == second, "a run saved in a batch did not round-trip")
        let count = try await store.countRuns(matching: RunQuery(schedule: "batch"))
        try require(count == 2, "a batch with one run twice stored \(count) runs")
        for name in ["x", "y"] { try await store.saveSchedule(schedule(name)) }
        try await store.advanceCursors(["x": at(10), "y": at(20)])
        try await store.advanceCursors(["x": at(5)])
        try await store.advanceCursors([:])
        let cursors = Dictionary(
            uniqueKeysWithValues: try await store.schedules().map { ($0.schedule.name, $0.cursor) })
        try require(
            cursors["x"] == at(10) && cursors["y"] == at(20),
            "batched cursors are \(String(describing: cursors["x"])) and \(String(describing: cursors["y"]))")
        try require(
            try await store.claim(at(20), of: "y", owner: "one") == nil, "a claim at a batched cursor succeeded")
        let tokens = try await store.claim(
            [
                Occurrence(schedule: "p", instant: at(1)), Occurrence(schedule: "p", instant: at(1)),
                Occurrence(schedule: "q", instant: at(1)), Occurrence(schedule: "y", instant: at(20)),
                Occurrence(schedule: "p", instant: at(2)),
            ],
            owner: "one")
        try require(tokens.count == 5, "a batch of 5 claims answered \(tokens.count) tokens")
        try require(
            tokens[1] == nil && tokens[3] == nil, "a batch claimed an occurrence twice, or one at its cursor: \(tokens)"
        )
        let granted = [tokens[0], tokens[2], tokens[4]].compactMap { $0 }
        try require(granted.count == 3 && granted == granted.sorted(), "batched claims were refused or out of order")
        try require(
            try await store.claim(at(1), of: "q", owner: "two") == nil,
            "an occurrence claimed in a batch was claimed again")
        try require(try await store.claim([], owner: "one").isEmpty, "an empty batch of claims answered tokens")
    }

    private static func checkpoints(_ store: any JobStore) async throws {
        let run = UUID()
        try await store.saveCheckpoint(
            Checkpoint(run: run, stage: "fetch", version: 1, output: Data("one".utf8), created: at(1)))
        try await store.saveCheckpoint(
            Checkpoint(run: run, stage: "fetch", version: 2, output: Data("two".utf8), created: at(2)))
        try await store.saveCheckpoint(
            Checkpoint(run: run, stage: "fetch", version: 1, output: Data("uno".utf8), created: at(3)))
        try require(
            try await store.checkpoint(run: run, stage: "fetch", version: 1)?.output == Data("uno".utf8),
            "a checkpoint was not replaced"
        )
        try require(
            try await store.checkpoint(run: run, stage: "fetch", version: 2)?.output == Data("two".utf8),
            "checkpoint versions are not kept apart"
        )
        try require(
            try await store.checkpoint(run: UUID(), stage: "fetch", version: 1) == nil,
            "another run's checkpoint was found")
    }

    private static func leases(_ store: any JobStore) async throws {
        try await store.renewLease(instance: "alive", until: at(10))
        try await store.renewLease(instance: "dead", until: at(2))
        func active(_ owner: String?, _ minute: Int) -> JobRun {
            JobRun(
                schedule: "s",
                occurrence: at(minute),
                status: .running,
                attempts: [JobRun.Attempt(number: 1, job: "job", started: at(minute))],
                owner: owner,
                created: at(minute)
            )
        }
        let alive = active("alive", 1)
        let dead = active("dead", 2)
        let orphan = active("nobody", 3)
        var done = active("dead", 4)
        done.status = .succeeded
        for run in [alive, dead, orphan, done] { try await store.saveRun(run) }
        let interrupted = try await store.interruptRuns(ownedByLeasesExpiredAt: at(5))
        try require(
            interrupted.map(\.id) == [dead.id, orphan.id],
            "interrupted the wrong runs: \(interrupted.map(\.occurrence))")
        let stored = try await store.run(id: dead.id)
        try require(stored?.status == .interrupted, "an interrupted run was not stored as interrupted")
        try require(
            stored?.attempts.last?.status == .interrupted && stored?.attempts.last?.finished != nil,
            "the open attempt was not closed")
        try require(try await store.run(id: alive.id)?.status == .running, "a run with a live lease was interrupted")
        try await store.releaseLease(instance: "alive")
        let afterRelease = try await store.interruptRuns(ownedByLeasesExpiredAt: at(5))
        try require(afterRelease.map(\.id) == [alive.id], "a released lease's runs were not interrupted")
    }

    private static func unrecordedClaims(_ store: any JobStore) async throws {
        try await store.renewLease(instance: "alive", until: at(10))
        try await store.renewLease(instance: "dead", until: at(2))
        func claim(_ schedule: String, _ minute: Int, by owner: String) async throws -> Int64 {
            guard let token = try await store.claim(at(minute), of: schedule, owner: owner) else {
                throw ConformanceFailure(message: "a first claim of \(schedule) at minute \(minute) was refused")
            }
            return token
        }
        let lost = try await claim("s", 1, by: "dead")
        _ = try await claim("s", 2, by: "dead")
        try await store.saveRun(
            JobRun(schedule: "s", occurrence: at(2), status: .running, owner: "dead", created: at(2)))
        _ = try await claim("s", 3, by: "dead")
        try await store.recordSkips([
            SkipRecord(schedule: "s", occurrence: at(3), reason: .overlap, detail: "busy", recorded: at(3))
        ])
        _ = try await claim("s", 4, by: "alive")
        let vanished = try await claim("t", 5, by: "gone")
        // Another instance moves the cursor past them: the claim without a record must stay.
        try await store.advanceCursor(of: "s", to: at(4))
        let interrupted = try await store.interruptRuns(ownedByLeasesExpiredAt: at(6))
        try require(
            interrupted.map { "\($0.schedule) \($0.occurrence.timeIntervalSince(base) / 60)" }
                == ["s 1.0", "s 2.0", "t 5.0"],
            "interrupted the wrong runs: \(interrupted.map { ($0.schedule, $0.occurrence) })")
        let made = interrupted.filter { $0.occurrence != at(2) }
        try require(
            made.map(\.fencingToken) == [lost, vanished] && made.map(\.owner) == ["dead", "gone"],
            "a claim's run does not carry its owner and fencing token")
        try require(
            made.allSatisfy { $0.status == .interrupted && $0.attempts.isEmpty && $0.finished == at(6) },
            "a claim's run is not interrupted, without attempts, at the instant given")
        for run in made {
            try require(try await store.run(id: run.id) == run, "a claim's interrupted run was not stored")
        }
        try require(
            try await store.interruptRuns(ownedByLeasesExpiredAt: at(6)).isEmpty,
            "a second call interrupted again")
        try require(
            try await store.claim(at(1), of: "s", owner: "alive") == nil, "a recovered claim could be claimed again")
    }

    private static func requestedRuns(_ store: any JobStore) async throws {
        let first = JobRun.request(schedule: "s", at: at(1))
        let second = JobRun.request(schedule: "t", at: at(2))
        var owned = JobRun.request(schedule: "s", at: at(3))
        owned.owner = "one"
        for run in [second, owned, first] { try await store.saveRun(run) }
        try require(
            try await store.interruptRuns(ownedByLeasesExpiredAt: at(10)).map(\.id) == [owned.id],
            "a requested run was interrupted, or an owned scheduled run was not")
        let racers = try await withThrowingTaskGroup(of: [JobRun].self) { group in
            for owner in 0..<8 {
                group.addTask { try await store.takeRequestedRuns(owner: "owner-\(owner)") }
            }
            return try await group.reduce(into: [JobRun]()) { $0 += $1 }
        }
        try require(
            racers.map(\.id).sorted { $0.uuidString < $1.uuidString }
                == [first.id, second.id].sorted { $0.uuidString < $1.uuidString },
            "requests were taken \(racers.count) times instead of once each")
        let taken = try await store.run(id: first.id)
        try require(
            taken?.owner != nil && taken?.owner == racers.first { $0.id == first.id }?.owner,
            "the store did not keep the owner of a taken request")
        try require(try await store.takeRequestedRuns(owner: "late").isEmpty, "a taken request was taken again")
        let third = JobRun.request(schedule: "s", at: at(4))
        let fourth = JobRun.request(schedule: "s", at: at(5))
        for run in [fourth, third] { try await store.saveRun(run) }
        try require(
            try await store.takeRequestedRuns(owner: "one").map(\.id) == [third.id, fourth.id],
            "requests were not taken oldest first")
    }

    private static func deletionKeepsHistory(_ store: any JobStore) async throws {
        try await store.saveSchedule(schedule("gone"))
        _ = try await store.claim(at(1), of: "gone", owner: "one")
        try await store.saveRun(JobRun(schedule: "gone", occurrence: at(1), status: .succeeded, created: at(1)))
        try await store.recordSkips([SkipRecord(schedule: "gone", occurrence: at(2), reason: .paused, recorded: at(2))])
        _ = try await store.deleteSchedule(named: "gone")
        try require(
            try await store.runs(matching: RunQuery(schedule: "gone")).count == 1,
            "deleting a schedule deleted its runs")
        try require(
            try await store.skips(matching: SkipQuery(schedule: "gone")).count == 1,
            "deleting a schedule deleted its skips")
        try require(
            try await store.claim(at(1), of: "gone", owner: "two") == nil, "deleting a schedule forgot its claims")
    }
}
