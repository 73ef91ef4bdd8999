//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if SQLite
    import Foundation
    import GRDB
    import Scheduling
    import SchedulingSQLite
    import SchedulingTesting
    import Testing

    @Suite("SQLite store")
    struct SQLiteJobStoreTests {
        @Test("passes the store conformance suite", arguments: JobStoreConformance.checks)
        func conformance(_ check: JobStoreConformance.Check) async throws {
            try await Fixture.withTemporaryFile { path in
                try await check.run(on: SQLiteJobStore(path: path))
            }
        }

        @Test(
            "a scheduler on the store under random operations never runs an occurrence twice or loses one",
            arguments: [1, 2] as [UInt64])
        func underAScheduler(seed: UInt64) async throws {
            try await Fixture.withTemporaryFile { path in
                try await JobStoreConformance.scheduler(seed: seed).run(on: SQLiteJobStore(path: path))
            }
        }

        @Test("creates its folder and keeps everything across a reopen")
        func reopen() async throws {
            try await Fixture.withTemporaryFile("nested/deeper/state.sqlite") { path in
                let instant = Fixture.date("2026-05-01T10:00:00Z")
                let schedule = try Schedule("daily", job: JobReference("job"), trigger: .cron("0 10 * * *"))
                let run = Fixture.finishedRun("daily", at: instant)
                do {
                    let store = try SQLiteJobStore(path: path)
                    try await store.saveSchedule(schedule)
                    try await store.setPaused(true, schedule: "daily")
                    #expect(try await store.claim(instant, of: "daily", owner: "one") != nil)
                    try await store.saveRun(run)
                    try store.close()
                }
                let store = try SQLiteJobStore(path: path)
                let stored = try await store.schedules()
                #expect(stored == [StoredSchedule(schedule: schedule, isPaused: true)])
                #expect(try await store.run(id: run.id) == run)
                #expect(try await store.claim(instant, of: "daily", owner: "two") == nil)
            }
        }

        @Test("refuses a file that is not an SQLite database and leaves it untouched")
        func notADatabase() async throws {
            try await Fixture.withTemporaryFile("notes.txt") { path in
                let content = Data("these are my notes, not a database\n".utf8)
                #expect(FileManager.default.createFile(atPath: path, contents: content))
                let error = try #require(throws: SQLiteStoreError.self) { try SQLiteJobStore(path: path) }
                #expect(error.code == .notADatabase)
                #expect("\(error)".contains(path))
                #expect(FileManager.default.contents(atPath: path) == content)
                #expect(
                    try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
                        == ["notes.txt"])
            }
        }

        @Test(
            "refuses an SQLite database of another application and leaves it untouched",
            arguments: [
                [
                    "CREATE TABLE photos (id INTEGER PRIMARY KEY, title TEXT)",
                    "INSERT INTO photos (title) VALUES ('beach')",
                ],
                // Another application's that uses the same migrator.
                [
                    "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)",
                    "INSERT INTO grdb_migrations VALUES ('notes-v1')",
                ],
            ])
        func foreignDatabase(statements: [String]) async throws {
            try await Fixture.withTemporaryFile("photos.sqlite") { path in
                for statement in statements { try await Fixture.execute(statement, on: path) }
                let before = FileManager.default.contents(atPath: path)
                let error = try #require(throws: SQLiteStoreError.self) { try SQLiteJobStore(path: path) }
                #expect(error.code == .foreignDatabase)
                #expect(error.description.contains("another application"))
                #expect(FileManager.default.contents(atPath: path) == before)
            }
        }

        @Test(
            "a file left with only the migrator's empty table, by a first start that stopped there, opens as a new store"
        )
        func interruptedCreation() async throws {
            try await Fixture.withTemporaryFile { path in
                try await Fixture.execute(
                    "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)", on: path)
                let store = try SQLiteJobStore(path: path)
                try await store.saveSchedule(Schedule("a", job: JobReference("j"), trigger: .every(.seconds(60))))
                #expect(try await store.schedules().count == 1)
            }
        }

        @Test("refuses a file written by a newer schema and leaves it untouched")
        func newerSchema() async throws {
            try await Fixture.withTemporaryFile { path in
                try SQLiteJobStore(path: path).close()
                try await Fixture.execute(
                    "INSERT INTO grdb_migrations (identifier) VALUES ('v999-from-the-future')", on: path)
                let before = FileManager.default.contents(atPath: path)
                let error = try #require(throws: SQLiteStoreError.self) { try SQLiteJobStore(path: path) }
                #expect(error.code == .newerSchema)
                #expect(error.description.contains("v999-from-the-future"))
                #expect(error.suggestion?.contains("upgrade") == true)
                #expect(FileManager.default.contents(atPath: path) == before)
            }
        }

        @Test("a file from before instants inside JSON were seconds since 1970 keeps every instant when opened")
        func jsonInstantsMigration() async throws {
            try await Fixture.withTemporaryFile { path in
                let occurrence = Fixture.date("2026-01-01T00:00:00Z")
                let schedule = try Schedule(
                    "bounded", job: JobReference("job"),
                    trigger: .every(.seconds(3600), anchor: Fixture.date("2026-01-01T00:30:00Z")),
                    start: Fixture.date("2026-02-01T00:00:00Z"), end: Fixture.date("2027-01-01T00:00:00Z"))
                let once = try Schedule(
                    "once", job: JobReference("job", parameters: ["path": .string("/srv/a")]),
                    trigger: .once(at: Fixture.date("2026-06-01T12:00:00.25Z")))
                let run = Fixture.finishedRun("bounded", at: occurrence)
                let store = try SQLiteJobStore(path: path)
                try await store.saveSchedule(schedule)
                try await store.saveSchedule(once)
                try await store.saveRun(run)
                try store.close()
                // Write the JSON as the schema before v3 did, with Foundation's default dates.
                let queue = try DatabaseQueue(path: path)
                try await queue.write { db in
                    let encoder = JSONEncoder()
                    for definition in [schedule, once] {
                        try db.execute(
                            sql: "UPDATE schedules SET definition = ? WHERE name = ?",
                            arguments: [
                                String(decoding: try encoder.encode(definition), as: UTF8.self), definition.name,
                            ])
                    }
                    try db.execute(
                        sql: "UPDATE runs SET attempts = ?",
                        arguments: [String(decoding: try encoder.encode(run.attempts), as: UTF8.self)])
                    try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-json-instants-since-1970'")
                }
                try queue.close()

                let reopened = try SQLiteJobStore(path: path)
                #expect(try await reopened.schedules().map(\.schedule) == [schedule, once])
                #expect(try await reopened.run(id: run.id) == run)
                try reopened.close()
                let stored = try DatabaseQueue(path: path)
                let started = try await stored.read { db in
                    try Double.fetchOne(db, sql: "SELECT json_extract(attempts, '$[0].started') FROM runs")
                }
                #expect(started == occurrence.timeIntervalSince1970, "the attempt's start is not in seconds since 1970")
                try stored.close()
            }
        }

        @Test("refuses a damaged database and leaves it untouched")
        func corruptDatabase() async throws {
            try await Fixture.withTemporaryFile { path in
                try SQLiteJobStore(path: path).close()
                var bytes = try #require(FileManager.default.contents(atPath: path))
                // Keep the 100-byte header, overwrite the schema table on the first page.
                for index in 100..<min(bytes.count, 4_096) { bytes[index] = 0xA5 }
                #expect(FileManager.default.createFile(atPath: path, contents: bytes))
                let error = try #require(throws: SQLiteStoreError.self) { try SQLiteJobStore(path: path) }
                #expect(error.code == .corruptDatabase)
                #expect(FileManager.default.contents(atPath: path) == bytes)
            }
        }

        @Test("an empty file becomes a new store")
        func emptyFile() async throws {
            try await Fixture.withTemporaryFile { path in
                #expect(FileManager.default.createFile(atPath: path, contents: Data()))
                let store = try SQLiteJobStore(path: path)
                #expect(try await store.schedules().isEmpty)
            }
        }

        @Test(
            "several processes opening one new file at once each get the store, none mistakes it for another application's",
            arguments: 1...20)
        func simultaneousCreation(round: Int) async throws {
            try await Fixture.withTemporaryFile { path in
                // Separate connections, as separate processes have: SQLite's file locks decide between them.
                let opened = await withTaskGroup(of: String?.self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            do {
                                _ = try SQLiteJobStore(path: path)
                                return nil
                            } catch {
                                return "\(error)"
                            }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(opened.compactMap { $0 } == [])
                let store = try SQLiteJobStore(path: path)
                try await store.saveSchedule(Schedule("a", job: JobReference("j"), trigger: .every(.seconds(60))))
                #expect(try await store.schedules().map(\.schedule.name) == ["a"])
            }
        }

        @Test("an instance name is held by one process at a time, and free again once released")
        func instanceLock() async throws {
            try await Fixture.withTemporaryFile { path in
                let store = try SQLiteJobStore(path: path)
                var first: InstanceLock? = try store.lockInstance("worker")
                #expect(first?.instance == "worker")
                // Another open of the file, as another process's, finds the name taken.
                let error = try #require(throws: SQLiteStoreError.self) {
                    try SQLiteJobStore(path: path).lockInstance("worker")
                }
                #expect(error.code == .instanceInUse)
                #expect(error.description.contains("process \(getpid()) runs instance 'worker'"), "\(error)")
                // Other names are free.
                let other = try store.lockInstance("worker-2")
                #expect(other.path != first?.path)
                first = nil
                #expect(try store.lockInstance("worker").instance == "worker")
                withExtendedLifetime(other) {}
            }
        }

        @Test(
            "any instance name makes a lock file beside the store",
            arguments: ["host.example.com", "a/b/../c", "naïve 名前", String(repeating: "long-name/", count: 40)])
        func instanceLockFileNames(instance: String) async throws {
            try await Fixture.withTemporaryFile { path in
                let lock = try SQLiteJobStore(path: path).lockInstance(instance)
                let folder = (path as NSString).deletingLastPathComponent
                #expect((lock.path as NSString).deletingLastPathComponent == folder)
                #expect(FileManager.default.fileExists(atPath: lock.path))
                #expect((lock.path as NSString).lastPathComponent.utf8.count < 200)
            }
        }

        @Test("a record this version cannot read is an error naming it, not a crash")
        func invalidRecord() async throws {
            try await Fixture.withTemporaryFile { path in
                let store = try SQLiteJobStore(path: path)
                let run = Fixture.finishedRun("s", at: Fixture.date("2026-01-01T00:00:00Z"))
                try await store.saveRun(run)
                try await Fixture.execute(
                    "UPDATE runs SET status = 'exploded' WHERE id = '\(run.id.uuidString)'", on: path)
                await #expect(throws: SQLiteStoreError(.invalidRecord, path: path, message: "")) {
                    _ = try await store.runs(matching: RunQuery())
                }
            }
        }

        @Test(
            "retention deletes old and excess finished runs, never active ones, and skip entries by their last occurrence"
        )
        func retention() async throws {
            try await Fixture.withTemporaryFile { path in
                let retention = HistoryRetention(
                    maximumAge: .seconds(2 * 86_400), runsPerSchedule: 5, interval: .seconds(3_600))
                let store = try SQLiteJobStore(path: path, configuration: .init(retention: retention))
                let start = Fixture.date("2026-01-01T00:00:00Z")
                var runs: [JobRun] = []
                for hour in 0..<72 {
                    runs.append(Fixture.finishedRun("hourly", at: start.addingTimeInterval(Double(hour) * 3_600)))
                }
                for day in 0..<3 {
                    runs.append(Fixture.finishedRun("daily", at: start.addingTimeInterval(Double(day) * 86_400)))
                }
                let stuck = Fixture.finishedRun("hourly", at: start, status: .running)
                runs.append(stuck)
                try await store.saveRuns(runs)
                let now = start.addingTimeInterval(72 * 3_600)
                // A folded entry stays while the last occurrence it counts is young enough.
                let folded = SkipRecord(
                    schedule: "daily", occurrence: start, reason: .outsideCatchUpWindow, recorded: now,
                    count: 500, lastOccurrence: now.addingTimeInterval(-3_600))
                try await store.recordSkips([
                    SkipRecord(schedule: "hourly", occurrence: start, reason: .paused, recorded: start), folded,
                ])
                // Saving finished runs prunes as well; pruning again at `now` removes the rest.
                _ = try await store.pruneHistory(now: now)
                let hourly = try await store.runs(matching: RunQuery(schedule: "hourly", limit: 1_000))
                #expect(hourly.count == 6)
                #expect(hourly.contains { $0.id == stuck.id })
                let daily = try await store.runs(matching: RunQuery(schedule: "daily", limit: 1_000))
                #expect(
                    daily.map(\.occurrence) == [start.addingTimeInterval(2 * 86_400), start.addingTimeInterval(86_400)])
                #expect(try await store.countRuns(matching: RunQuery()) == runs.count - (67 + 1))
                #expect(try await store.skips(matching: SkipQuery()).map(\.count) == [folded.count])
            }
        }

        @Test("a finished run prunes at most once per retention interval of recorded time")
        func automaticRetention() async throws {
            try await Fixture.withTemporaryFile { path in
                let retention = HistoryRetention(maximumAge: nil, runsPerSchedule: 3, interval: .seconds(3_600))
                let store = try SQLiteJobStore(path: path, configuration: .init(retention: retention))
                let start = Fixture.date("2026-01-01T00:00:00Z")
                for minute in 0..<10 {
                    try await store.saveRun(Fixture.finishedRun("s", at: start.addingTimeInterval(Double(minute) * 60)))
                }
                // The first run pruned (nothing to do); the next hour has not passed.
                #expect(try await store.runs(matching: RunQuery(limit: 100)).count == 10)
                try await store.saveRun(Fixture.finishedRun("s", at: start.addingTimeInterval(3_600)))
                #expect(try await store.runs(matching: RunQuery(limit: 100)).count == 3)
            }
        }

        @Test("two connections writing to one file at once: no lock errors, no lost writes")
        func concurrentWriters() async throws {
            try await Fixture.withTemporaryFile { path in
                let first = try SQLiteJobStore(path: path)
                let second = try SQLiteJobStore(path: path)
                let start = Fixture.date("2026-01-01T00:00:00Z")
                let occurrences = (0..<300).map { start.addingTimeInterval(Double($0) * 60) }
                let won = try await withThrowingTaskGroup(of: [Date].self) { group in
                    for (owner, store) in [("first", first), ("second", second)] {
                        group.addTask {
                            var won: [Date] = []
                            for occurrence in occurrences {
                                guard try await store.claim(occurrence, of: "shared", owner: owner) != nil else {
                                    continue
                                }
                                won.append(occurrence)
                                try await store.saveRun(
                                    JobRun(
                                        schedule: "shared", occurrence: occurrence, owner: owner, created: occurrence))
                                try await store.recordSkips([
                                    SkipRecord(
                                        schedule: owner, occurrence: occurrence, reason: .overlap, recorded: occurrence)
                                ])
                            }
                            return won
                        }
                    }
                    return try await group.reduce(into: []) { $0.append(contentsOf: $1) }
                }
                #expect(won.count == occurrences.count)
                #expect(Set(won).count == occurrences.count)
                let runs = try await first.runs(matching: RunQuery(schedule: "shared", limit: 1_000))
                #expect(runs.count == occurrences.count)
                #expect(Set(runs.map(\.occurrence)) == Set(occurrences))
                #expect(try await second.skips(matching: SkipQuery(limit: 1_000)).count == occurrences.count)
            }
        }
    }
#endif
