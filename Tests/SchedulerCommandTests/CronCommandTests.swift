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
    import Testing

    @testable import SchedulerCommand

    /// The `scheduler cron` commands, called the way the executable calls them.
    struct CronCommandTests {
        func batch(_ lines: [String]) -> [String] {
            var buffer: [UInt8] = []
            let decoder = JSONDecoder()
            for line in lines { CronBatch.answer(line: Data(line.utf8), decoder: decoder, into: &buffer) }
            return String(decoding: buffer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map(String.init)
        }

        @Test func batchAnswersOneLinePerQueryInOrder() {
            let output = batch([
                #"{"id": "a", "expr": "30 2 * * *", "tz": "America/New_York", "after": "2026-03-08T05:00:00Z", "count": 2}"#,
                #"{"id": "b", "expr": "0 24 * * *", "tz": "UTC", "after": "2026-01-01T00:00:00Z", "count": 1}"#,
                #"{"id": "c", "expr": "0 0 * * *", "tz": "Mars/Base", "after": "2026-01-01T00:00:00Z", "count": 1}"#,
                "not json",
                "",
                #"{"id": 7, "expr": "@daily", "after": "2026-01-01T00:00:00Z", "count": 1, "extra": true}"#,
                #"{"id": "d", "expr": "0 0 * * *", "tz": "UTC", "after": "2026-01-01", "count": 1}"#,
                #"{"id": "e", "expr": "0 0 * * *", "tz": "UTC", "after": "2026-01-01T00:00:00Z", "count": -1}"#,
                #"{"id": "q\"uote", "expr": "0 0 * * *", "tz": "UTC", "after": "2026-01-01T00:00:00Z", "count": 0}"#,
            ])
            #expect(output.count == 9)
            #expect(output[0] == #"{"id": "a", "next": ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]}"#)
            #expect(
                output[1].hasPrefix(
                    #"{"id": "b", "error": "hour field \"24\": hour 24 is out of range 0-23 (column 3)"#))
            #expect(output[2].hasPrefix(#"{"id": "c", "error": "unknown time zone"#))
            #expect(output[3].hasPrefix(#"{"id": null, "error": "#))
            #expect(output[4].hasPrefix(#"{"id": null, "error": "#))
            #expect(output[5] == #"{"id": 7, "next": ["2026-01-02T00:00:00Z"]}"#)
            #expect(output[6].hasPrefix(#"{"id": "d", "error": "\"2026-01-01\" is not an RFC 3339 instant"#))
            #expect(output[7].hasPrefix(#"{"id": "e", "error": "\"count\" must be from 0"#))
            #expect(output[8] == #"{"id": "q\"uote", "next": []}"#)
            for line in output {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)")
            }
        }

        @Test func batchMatchesTheConformanceVectors() throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "Fixtures/cron-cases.jsonl")
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            let output = batch(lines)
            #expect(output.count == lines.count)
            for (query, answer) in zip(lines, output) {
                let expected = try JSONSerialization.jsonObject(with: Data(query.utf8)) as? [String: Any]
                let actual = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]
                #expect(actual?["id"] as? String == expected?["id"] as? String)
                #expect(actual?["next"] as? [String] == expected?["next"] as? [String], "\(query)")
            }
        }

        @Test func commandLineParsing() throws {
            let command = try SchedulerCommand.parseAsRoot([
                "cron", "next", "0 6 * * *", "--tz", "Europe/Berlin", "--after", "2026-01-01T00:00:00Z", "--count", "3",
            ])
            let next = try #require(command as? CronNextCommand)
            #expect(next.expression == "0 6 * * *")
            #expect(next.count == 3)
            #expect(try next.zone.zone().identifier == "Europe/Berlin")
            // Usage errors exit 64.
            #expect(throws: (any Error).self) { try SchedulerCommand.parseAsRoot(["cron", "next"]) }
            #expect(SchedulerCommand.exitCode(for: ValidationError("x")) == ExitCode(64))
        }

        @Test func explainReport() throws {
            let report = CronExplainCommand.report(
                for: try CronExpression("30 2 * * *"),
                in: try TimeZone.named("America/New_York"),
                after: try Timestamp.date(from: "2026-03-06T00:00:00Z")
            )
            #expect(report.hasPrefix("30 2 * * *: At 02:30 (America/New_York)"))
            #expect(report.contains("DST: fixed-time (gap: runAtTransition, fold: first)"))
            #expect(report.contains("warning: 2026-03-08 02:30 does not exist in America/New_York"))
            #expect(
                report.contains(
                    "2026-03-08T07:00:00Z  2026-03-08 03:00:00 -04:00  (at the end of a spring-forward gap)"))
        }
    }
#endif
