//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import ArgumentParser
    package import Foundation
    package import Scheduling

    /// `scheduler status [NAME] [--json]`: each stored schedule's state, last run and next occurrence.
    struct StatusCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show each schedule's state, last run and next occurrence.")

        @OptionGroup var options: StateOptions

        @Argument(help: "Only this schedule.")
        var schedule: String?

        @Flag(name: .long, help: "Print one JSON object per line.")
        var json = false

        /// One line of `status --json`.
        struct Line: JSONLine {
            var schedule: String
            var enabled: Bool
            var paused: Bool
            var lastRun: String?
            var lastStatus: String?
            var next: String?
            var runs: Int
            var failures: Int

            var fields: [(String, JSONValue)] {
                [
                    ("schedule", .string(schedule)), ("enabled", .bool(enabled)), ("paused", .bool(paused)),
                    ("last_run", lastRun.json), ("last_status", lastStatus.json), ("next", next.json),
                    ("runs", .number(Double(runs))), ("failures", .number(Double(failures))),
                ]
            }
        }

        static let failureStatuses: Set<JobRun.Status> = [.failed, .timedOut, .interrupted]

        func run() async throws {
            let store = try options.open()
            let stored = try await store.schedules().filter { schedule == nil || $0.schedule.name == schedule }
            if let schedule, stored.isEmpty {
                FileHandle.standardError.write(Data("error: \(SchedulingError.scheduleNotFound(schedule))\n".utf8))
                throw ExitCode.failure
            }
            try await StatusReport.write(stored, in: store, now: Date(), json: json)
        }
        /// The status of stored schedules at an instant.
        static func lines(of stored: [StoredSchedule], in store: any JobStore, now: Date) async throws -> [Line] {
            var lines: [Line] = []
            for entry in stored {
                let name = entry.schedule.name
                let last = try await store.runs(matching: RunQuery(schedule: name, limit: 1)).first
                let active = entry.schedule.isEnabled && !entry.isPaused
                let after = max(now, entry.cursor ?? now)
                lines.append(
                    Line(
                        schedule: name,
                        enabled: entry.schedule.isEnabled,
                        paused: entry.isPaused,
                        lastRun: last.map { Timestamp.string(from: $0.occurrence) },
                        lastStatus: last?.status.rawValue,
                        next: active ? entry.schedule.nextOccurrences(after: after, count: 1).first.timestamp : nil,
                        runs: try await store.countRuns(matching: RunQuery(schedule: name)),
                        failures: try await store.countRuns(
                            matching: RunQuery(schedule: name, statuses: Self.failureStatuses))
                    ))
            }
            return lines
        }
    }

    /// The status report of `scheduler status`, shared with the examples' `status` commands.
    package enum StatusReport {
        /// Prints the status of stored schedules at an instant, as text or JSON lines.
        package static func write(
            _ stored: [StoredSchedule], in store: any JobStore, now: Date, json: Bool
        )
            async throws
        {
            let lines = try await StatusCommand.lines(of: stored, in: store, now: now)
            if json {
                try JSONLines.write(lines)
                return
            }
            for line in text(of: lines) { print(line) }
        }

        /// The status as text, one line a schedule in aligned columns.
        static func text(of lines: [StatusCommand.Line]) -> [String] {
            var table = TextTable()
            for line in lines {
                table.append([
                    line.schedule, !line.enabled ? "disabled" : line.paused ? "paused" : "active",
                    "last \(line.lastRun ?? "-")", line.lastStatus ?? "", "next \(line.next ?? "-")",
                    "runs \(line.runs)",
                    "failures \(line.failures)",
                ])
            }
            return table.lines
        }
    }

    /// What `scheduler pause|resume|enable|disable NAME` do: change a schedule's state in the store.
    enum StateChangeCommand {
        static func apply(_ change: String, options: StateOptions, schedule name: String) async throws {
            let store = try options.open()
            do {
                switch change {
                case "pause", "resume":
                    try await store.setPaused(change == "pause", schedule: name)
                default:
                    guard let stored = try await store.schedules().first(where: { $0.schedule.name == name }) else {
                        throw SchedulingError.scheduleNotFound(name)
                    }
                    try await store.saveSchedule(stored.schedule.enabled(change == "enable"))
                }
            } catch let error as SchedulingError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
            print("\(name): \(change == "pause" ? "paused" : change == "resume" ? "resumed" : "\(change)d")")
        }
    }

    /// `scheduler pause NAME`.
    struct PauseCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a schedule.")
        @OptionGroup var options: StateOptions
        @Argument(help: "The schedule.") var schedule: String
        func run() async throws { try await StateChangeCommand.apply("pause", options: options, schedule: schedule) }
    }

    /// `scheduler resume NAME`.
    struct ResumeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused schedule.")
        @OptionGroup var options: StateOptions
        @Argument(help: "The schedule.") var schedule: String
        func run() async throws { try await StateChangeCommand.apply("resume", options: options, schedule: schedule) }
    }

    /// `scheduler enable NAME`.
    struct EnableCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a schedule.")
        @OptionGroup var options: StateOptions
        @Argument(help: "The schedule.") var schedule: String
        func run() async throws { try await StateChangeCommand.apply("enable", options: options, schedule: schedule) }
    }

    /// `scheduler disable NAME`.
    struct DisableCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a schedule.")
        @OptionGroup var options: StateOptions
        @Argument(help: "The schedule.") var schedule: String
        func run() async throws { try await StateChangeCommand.apply("disable", options: options, schedule: schedule) }
    }
#endif
