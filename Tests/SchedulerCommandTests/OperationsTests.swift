//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import ArgumentParser
    import Foundation
    import Scheduling
    import SchedulingSQLite
    import Testing

    @testable import SchedulerCommand

    /// The operations commands on a state file: the exact JSON lines of history and status, and state changes.
    struct OperationsTests {
        static func date(_ text: String) -> Date {
            // Test literals are valid RFC 3339.
            // swift-format-ignore: NeverUseForceTry
            try! Timestamp.date(from: text)
        }

        static func withStore<T>(_ body: (SQLiteJobStore, String) async throws -> T) async throws -> T {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "operations-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("state.sqlite").path
            return try await body(try SQLiteJobStore(path: path), path)
        }

        @Test func historyLinesHaveTheDocumentedFieldsInOrder() throws {
            let id = UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!
            var failed = JobRun(
                id: id, schedule: "nightly", occurrence: Self.date("2026-03-08T07:00:00Z"), status: .failed,
                attempts: [
                    JobRun.Attempt(
                        number: 1, job: "process", started: Self.date("2026-03-08T07:00:01Z"),
                        finished: Self.date("2026-03-08T07:00:05Z"), status: .failed, error: "exit 2")
                ],
                created: Self.date("2026-03-08T07:00:00Z"), finished: Self.date("2026-03-08T07:00:05Z"))
            let pending = JobRun(
                id: id, schedule: "nightly", occurrence: Self.date("2026-03-09T07:00:00Z"),
                created: Self.date("2026-03-09T07:00:00Z"))
            failed.fallback = nil
            let text = String(
                decoding: try JSONLines.encode([failed, pending].map(HistoryCommand.Line.init)), as: UTF8.self)
            #expect(
                text == """
                    {"id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","schedule":"nightly","occurrence":"2026-03-08T07:00:00Z","status":"failed","attempts":1,"started":"2026-03-08T07:00:01Z","finished":"2026-03-08T07:00:05Z","error":"exit 2","fallback":null}
                    {"id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","schedule":"nightly","occurrence":"2026-03-09T07:00:00Z","status":"scheduled","attempts":0,"started":null,"finished":null,"error":null,"fallback":null}

                    """)
        }

        @Test func statusCountsRunsAndFailuresAndNamesTheNextOccurrence() async throws {
            try await Self.withStore { store, _ in
                let nightly = try Schedule("nightly", job: .process(["true"]), trigger: .cron("0 7 * * *"))
                try await store.saveSchedule(nightly)
                try await store.saveSchedule(
                    try Schedule("off", job: .process(["true"]), trigger: .every(.seconds(60)), enabled: false))
                for (day, status) in [(6, JobRun.Status.succeeded), (7, .timedOut), (8, .succeeded)] {
                    let occurrence = Self.date("2026-03-0\(day)T07:00:00Z")
                    try await store.saveRun(
                        JobRun(schedule: "nightly", occurrence: occurrence, status: status, created: occurrence))
                }
                try await store.setPaused(true, schedule: "off")
                let lines = try await StatusCommand.lines(
                    of: try await store.schedules(), in: store, now: Self.date("2026-03-08T12:00:00Z"))
                let text = String(decoding: try JSONLines.encode(lines), as: UTF8.self)
                #expect(
                    text == """
                        {"schedule":"nightly","enabled":true,"paused":false,"last_run":"2026-03-08T07:00:00Z","last_status":"succeeded","next":"2026-03-09T07:00:00Z","runs":3,"failures":1}
                        {"schedule":"off","enabled":false,"paused":true,"last_run":null,"last_status":null,"next":null,"runs":0,"failures":0}

                        """)
                #expect(
                    StatusReport.text(of: lines) == [
                        "nightly  active    last 2026-03-08T07:00:00Z  succeeded  next 2026-03-09T07:00:00Z  runs 3  failures 1",
                        "off      disabled  last -                                next -                     runs 0  failures 0",
                    ])
            }
        }

        @Test func textTablePadsEveryColumnButTheLastToItsWidestCell() {
            var table = TextTable()
            table.append(["a", "long cell", "x"])
            table.append(["wider", "b", ""])
            table.append(["c", "ragged row with one cell more", "y", "last"])
            table.append([])
            #expect(
                table.lines == [
                    "a      long cell                      x",
                    "wider  b",
                    "c      ragged row with one cell more  y  last",
                    "",
                ])
        }

        @Test func commandsRefuseAMissingStateWithoutCreatingIt() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "missing-\(UUID().uuidString).sqlite"
            ).path
            let options = try StateOptions.parse(["--state", path])
            #expect(throws: (any Error).self) { try options.open() }
            #expect(!FileManager.default.fileExists(atPath: path))
        }

        @Test func pauseResumeEnableDisableChangeTheStore() async throws {
            try await Self.withStore { store, path in
                try await store.saveSchedule(
                    try Schedule("job", job: .process(["true"]), trigger: .every(.seconds(60))))
                let options = try StateOptions.parse(["--state", path])
                try await StateChangeCommand.apply("pause", options: options, schedule: "job")
                try await StateChangeCommand.apply("disable", options: options, schedule: "job")
                var stored = try #require(try await store.schedules().first)
                #expect(stored.isPaused && !stored.schedule.isEnabled)
                try await StateChangeCommand.apply("resume", options: options, schedule: "job")
                try await StateChangeCommand.apply("enable", options: options, schedule: "job")
                stored = try #require(try await store.schedules().first)
                #expect(!stored.isPaused && stored.schedule.isEnabled)
                await #expect(throws: (any Error).self) {
                    try await StateChangeCommand.apply("pause", options: options, schedule: "missing")
                }
            }
        }
    }
#endif
