//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import Testing

/// The cron conformance vectors, generated from the reference implementation.
struct CronConformanceTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        var id: String
        var expr: String
        var tz: String
        var after: String
        var count: Int
        var next: [String]?
        var error: Bool?
        var why: String?

        var testDescription: String { "\(id) \"\(expr)\" in \(tz) after \(after)" }
    }

    static func load(_ name: String) -> [Case] {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name)")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(Case.self, from: Data($0.utf8)) }
    }

    static let valid = load("cron-cases.jsonl") + load("cron-macros.jsonl")
    static let invalid = load("cron-invalid.jsonl")

    @Test func fixturesAreLoaded() {
        #expect(Self.valid.count == 312)
        #expect(Self.invalid.count == 40)
    }

    @Test(arguments: valid)
    func validCase(_ testCase: Case) throws {
        let cron = try CronExpression(testCase.expr)
        let zone = try TimeZone.named(testCase.tz)
        let after = try Timestamp.date(from: testCase.after)
        let fired = cron.occurrences(after: after, in: zone).prefix(testCase.count).map(Timestamp.string(from:))
        #expect(fired == testCase.next)
    }

    @Test(arguments: invalid)
    func invalidCase(_ testCase: Case) {
        #expect(throws: SchedulingError.self) {
            let cron = try CronExpression(testCase.expr)
            _ = try TimeZone.named(testCase.tz)
            _ = cron.next(after: try Timestamp.date(from: testCase.after))
        }
    }

    /// `previous(before:)` walks the same fire times backward.
    @Test(arguments: valid.filter { ($0.next?.count ?? 0) >= 2 })
    func previousMirrorsNext(_ testCase: Case) throws {
        let cron = try CronExpression(testCase.expr)
        let zone = try TimeZone.named(testCase.tz)
        let fired = try (testCase.next ?? []).map { try Timestamp.date(from: $0) }
        for index in 1..<fired.count {
            #expect(cron.previous(before: fired[index], in: zone) == fired[index - 1])
        }
    }
}
