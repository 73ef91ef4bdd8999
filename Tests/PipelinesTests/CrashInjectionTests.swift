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
import Testing

/// A newsletter in five stages: fetch (HTTP), parse, render (writes a file), send (mail), archive.
enum Newsletter {
    struct Issue: Codable, Sendable {
        var number: Int
        var feed: String
        var archive: String
    }

    struct Rendered: Codable, Sendable, Equatable {
        var number: Int
        var path: String
        var body: String
    }

    static func pipeline(calls: Calls) -> Pipeline<Issue, String> {
        Pipeline("newsletter", input: Issue.self)
            .then("fetch") { issue, context in
                calls.record("fetch")
                let response = try await context.effects.http.send(HTTPRequest(url: URL(string: issue.feed)!))
                return [String(decoding: response.body, as: UTF8.self), "\(issue.number)", issue.archive]
            }
            .then("parse") { fields, _ in
                calls.record("parse")
                let songs = fields[0].split(separator: "\n").map(String.init)
                return Rendered(number: Int(fields[1]) ?? 0, path: fields[2], body: songs.joined(separator: ", "))
            }
            .then("render") { draft, context in
                calls.record("render")
                let body = "Issue \(draft.number): \(draft.body)"
                let path = "\(draft.path)/issue-\(draft.number).txt"
                try await context.effects.files.write(Data(body.utf8), to: path)
                return Rendered(number: draft.number, path: path, body: body)
            }
            .then("send") { rendered, context in
                calls.record("send")
                try await context.effects.mail.send(
                    Mail(
                        from: "picks@example.com", to: ["fan@example.com"], subject: "Issue \(rendered.number)",
                        body: rendered.body, idempotencyKey: context.idempotencyKey))
                return rendered
            }
            .then("archive") { rendered, context in
                calls.record("archive")
                let stored = try await context.effects.files.read(rendered.path)
                return "archived \(rendered.path) (\(stored.count) bytes)"
            }
    }

    static func effects(outbox: String, calls: Calls) -> Effects {
        Effects(
            http: StubHTTPClient(pages: ["https://feeds.example.com/picks": "Song A\nSong B"], calls: calls),
            mail: OutboxMailSender(folder: outbox)
        )
    }
}

@Suite("Crash injection and dry runs")
struct CrashInjectionTests {
    static let stages = 5

    /// Every boundary: a crash just before or just after each stage's checkpoint is written.
    static let crashPoints: [(Int, InterceptingJobStore.Moment)] = (1...stages).flatMap {
        [($0, .before), ($0, .after)]
    }

    @Test(
        "for each crash point, rerunning the run gives the same output and sends the mail once", arguments: crashPoints)
    func crashAndResume(at checkpoint: Int, moment: InterceptingJobStore.Moment) async throws {
        try await Fixture.withTemporaryFolder { folder in
            let outbox = "\(folder)/outbox"
            let issue = Newsletter.Issue(
                number: 7, feed: "https://feeds.example.com/picks", archive: "\(folder)/archive")
            let calls = Calls()
            let pipeline = Newsletter.pipeline(calls: calls)
            let effects = Newsletter.effects(outbox: outbox, calls: calls)
            let base = InMemoryJobStore()
            let crashing = Fixture.crashingStore(base: base, crashAt: checkpoint, moment: moment)
            let id = UUID()
            await #expect(throws: Crash.self) {
                try await pipeline.run(issue, id: id, store: crashing, effects: effects, logger: Fixture.logger)
            }
            let result = try await pipeline.run(issue, id: id, store: base, effects: effects, logger: Fixture.logger)
            #expect(result.output == "archived \(folder)/archive/issue-7.txt (23 bytes)")
            let mails = try FileManager.default.contentsOfDirectory(atPath: outbox)
            #expect(mails.count == 1)
            let message = try String(contentsOfFile: "\(outbox)/\(mails[0])", encoding: .utf8)
            #expect(message.contains("Subject: Issue 7"))
            #expect(message.contains("Issue 7: Song A, Song B"))
            // Only the stage whose checkpoint was lost ran twice; every other ran once.
            for (index, stage) in ["fetch", "parse", "render", "send", "archive"].enumerated() {
                let twice = moment == .before && index + 1 == checkpoint
                #expect(calls.count(stage) == (twice ? 2 : 1), "\(stage)")
            }
        }
    }

    @Test("a dry run produces every intermediate output, sends no mail, writes no file and records the effects")
    func dryRun() async throws {
        try await Fixture.withTemporaryFolder { folder in
            let outbox = "\(folder)/outbox"
            let issue = Newsletter.Issue(
                number: 8, feed: "https://feeds.example.com/picks", archive: "\(folder)/archive")
            let calls = Calls()
            let store = InMemoryJobStore()
            let id = UUID()
            let dry = Effects.dryRun(over: Newsletter.effects(outbox: outbox, calls: calls))
            let result = try await Newsletter.pipeline(calls: calls).run(
                issue, id: id, store: store, effects: dry, logger: Fixture.logger)
            #expect(result.output == "archived \(folder)/archive/issue-8.txt (23 bytes)")
            #expect(result.summary.isDryRun)
            #expect(result.summary.stages.count == 5)
            #expect(!FileManager.default.fileExists(atPath: outbox))
            #expect(!FileManager.default.fileExists(atPath: "\(folder)/archive/issue-8.txt"))
            #expect(
                result.summary.effects.map(\.description) == [
                    "[http, performed] GET https://feeds.example.com/picks -> 200",
                    "[file, not performed] write 23 bytes to \(folder)/archive/issue-8.txt",
                    "[mail, not performed] to fan@example.com: Issue 8 (23 bytes)",
                ])
            #expect(dry.recorder?.effects == result.summary.effects)
            // The dry run left no checkpoint that a real run could reuse.
            #expect(try await store.checkpoint(run: id, stage: "fetch", version: 1) == nil)
        }
    }
}
