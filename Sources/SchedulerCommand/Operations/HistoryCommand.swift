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

    /// `scheduler history [NAME] [--limit N] [--json]`: the latest runs, newest first.
    struct HistoryCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history", abstract: "Show the latest runs, newest first.")

        @OptionGroup var options: StateOptions

        @Argument(help: "Only this schedule's runs.")
        var schedule: String?

        @Option(name: .long, help: "How many runs to show.")
        var limit: Int = 50

        @Flag(name: .long, help: "Print one JSON object per line.")
        var json = false

        func validate() throws {
            guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
        }

        /// One line of `history --json`.
        struct Line: JSONLine {
            var id: String
            var schedule: String
            var occurrence: String
            var status: String
            var attempts: Int
            var started: String?
            var finished: String?
            var error: String?
            var fallback: String?

            init(_ run: JobRun) {
                id = run.id.uuidString.lowercased()
                schedule = run.schedule
                occurrence = Timestamp.string(from: run.occurrence)
                status = run.status.rawValue
                attempts = run.attempts.count
                started = run.started.timestamp
                finished = run.finished.timestamp
                error = run.status == .succeeded ? nil : run.error
                fallback = run.fallback
            }

            var fields: [(String, JSONValue)] {
                [
                    ("id", .string(id)), ("schedule", .string(schedule)), ("occurrence", .string(occurrence)),
                    ("status", .string(status)), ("attempts", .number(Double(attempts))), ("started", started.json),
                    ("finished", finished.json), ("error", error.json), ("fallback", fallback.json),
                ]
            }
        }

        func run() async throws {
            let store = try options.open()
            let runs = try await store.runs(matching: RunQuery(schedule: schedule, limit: limit))
            if json {
                try JSONLines.write(runs.map(Line.init))
                return
            }
            var table = TextTable()
            for run in runs {
                let line = Line(run)
                var row = [line.occurrence, line.schedule, line.status, "attempts \(line.attempts)"]
                if let error = line.error { row.append("error: \(error)") }
                if let fallback = line.fallback { row.append("fallback: \(fallback)") }
                table.append(row)
            }
            table.print()
        }
    }

    /// `scheduler skips [NAME] [--json]`: why occurrences did not run.
    struct SkipsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "skips", abstract: "Show skipped occurrences and why, newest first.")

        @OptionGroup var options: StateOptions

        @Argument(help: "Only this schedule's skips.")
        var schedule: String?

        @Option(name: .long, help: "How many entries to show.")
        var limit: Int = 50

        @Flag(name: .long, help: "Print one JSON object per line.")
        var json = false

        struct Line: JSONLine {
            var schedule: String
            var occurrence: String
            var reason: String
            var detail: String
            var count: Int
            var lastOccurrence: String?

            var fields: [(String, JSONValue)] {
                [
                    ("schedule", .string(schedule)), ("occurrence", .string(occurrence)), ("reason", .string(reason)),
                    ("detail", .string(detail)), ("count", .number(Double(count))),
                    ("last_occurrence", lastOccurrence.json),
                ]
            }
        }

        func run() async throws {
            let store = try options.open()
            let skips = try await store.skips(matching: SkipQuery(schedule: schedule, limit: max(0, limit)))
            let lines = skips.map {
                Line(
                    schedule: $0.schedule, occurrence: Timestamp.string(from: $0.occurrence),
                    reason: $0.reason.rawValue,
                    detail: $0.detail, count: $0.count, lastOccurrence: $0.lastOccurrence.timestamp)
            }
            if json {
                try JSONLines.write(lines)
                return
            }
            var table = TextTable()
            for line in lines {
                let range = line.count > 1 ? " (\(line.count) occurrences to \(line.lastOccurrence ?? "?"))" : ""
                table.append([line.occurrence, line.schedule, line.reason + range, line.detail])
            }
            table.print()
        }
    }
#endif
