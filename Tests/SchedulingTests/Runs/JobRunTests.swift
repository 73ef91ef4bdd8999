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

@Suite("Job runs")
struct JobRunTests {
    static let statuses: [JobRun.Status] = [
        .scheduled, .running, .succeeded, .failed, .skipped, .cancelled, .timedOut, .interrupted,
    ]

    @Test("statuses and origins go by their names: in JSON, in descriptions, and back")
    func names() throws {
        let names = Self.statuses.map(\.rawValue)
        #expect(
            names == ["scheduled", "running", "succeeded", "failed", "skipped", "cancelled", "timedOut", "interrupted"])
        for status in Self.statuses {
            #expect(JobRun.Status(rawValue: status.rawValue) == status)
            #expect(status.description == status.rawValue)
            #expect(status.isFinished == (status != .scheduled && status != .running))
        }
        #expect(Set(Self.statuses).count == Self.statuses.count)
        let origins: [JobRun.Origin] = [.scheduled, .catchUp, .manual]
        #expect(origins.map(\.rawValue) == ["scheduled", "catchUp", "manual"])
        for origin in origins { #expect(JobRun.Origin(rawValue: origin.rawValue) == origin) }

        let run = JobRun(
            schedule: "nightly", occurrence: Date(timeIntervalSince1970: 0), origin: .catchUp, status: .timedOut,
            attempts: [JobRun.Attempt(number: 1, job: "backup", started: Date(timeIntervalSince1970: 1))],
            created: Date(timeIntervalSince1970: 0))
        let object = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(run)) as? [String: Any])
        #expect(object["status"] as? String == "timedOut")
        #expect(object["origin"] as? String == "catchUp")
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.first?["status"] as? String == "running")
        #expect(try JSONDecoder().decode(JobRun.self, from: JSONEncoder().encode(run)) == run)
    }

    @Test("an unknown status or origin name is refused, in JSON too")
    func unknownNames() {
        #expect(JobRun.Status(rawValue: "done") == nil)
        #expect(JobRun.Status(rawValue: "") == nil)
        #expect(JobRun.Status(rawValue: "Running") == nil)
        #expect(JobRun.Origin(rawValue: "cron") == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(JobRun.Status.self, from: Data(#""done""#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(JobRun.Origin.self, from: Data(#"{"code":0}"#.utf8))
        }
    }
}
