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

@Suite("Schedules and triggers")
struct ScheduleTests {
    static let chicago = Fixture.zone("America/Chicago")

    @Test("an interval grid extends both ways from its anchor, whatever midnight does")
    func intervalGrid() throws {
        let trigger = try Trigger.every(.seconds(5 * 3600), anchor: Fixture.date("2026-01-01T03:00:00Z"))
        #expect(
            trigger.nextOccurrences(after: Fixture.date("2025-12-31T21:00:00Z"), count: 3)
                == ["2025-12-31T22:00:00Z", "2026-01-01T03:00:00Z", "2026-01-01T08:00:00Z"].map(Fixture.date)
        )
        let epoch = try Trigger.every(.seconds(5 * 3600))
        // 1,767,225,600 s (2026-01-01T00:00Z) is not a multiple of 18,000 s; the grid point after it is 04:00Z.
        #expect(
            epoch.nextOccurrence(after: Fixture.date("2026-01-01T00:00:00Z")) == Fixture.date("2026-01-01T04:00:00Z"))
    }

    @Test("times of day every other day count local dates from the anchor and fire once in a fold")
    func timesOfDay() throws {
        let trigger = try Trigger.timesOfDay(
            [TimeOfDay("13:30"), TimeOfDay("01:00")],
            in: Self.chicago,
            everyDays: 2,
            anchor: LocalDate("2026-10-30")
        )
        // 2026-11-01 01:00 happens twice in Chicago; the first (CDT, 06:00Z) counts.
        #expect(
            trigger.nextOccurrences(after: Fixture.date("2026-10-31T00:00:00Z"), count: 4)
                == ["2026-11-01T06:00:00Z", "2026-11-01T19:30:00Z", "2026-11-03T07:00:00Z", "2026-11-03T19:30:00Z"]
                .map(Fixture.date)
        )
    }

    @Test("once, run-then-wait and bounds")
    func onceAndBounds() throws {
        let instant = Fixture.date("2026-05-01T12:00:00Z")
        #expect(Trigger.once(at: instant).nextOccurrences(after: instant.addingTimeInterval(-1), count: 5) == [instant])
        #expect(Trigger.once(at: instant).nextOccurrence(after: instant) == nil)
        let wait = try Trigger.runThenWait(.seconds(600))
        #expect(
            wait.nextOccurrences(after: Fixture.date("2026-05-01T12:00:00.250Z"), count: 5) == [
                Fixture.date("2026-05-01T12:00:01Z")
            ])
        let bounded = try Schedule(
            "bounded",
            job: JobReference("job"),
            trigger: .cron("0 * * * *"),
            start: Fixture.date("2026-05-01T10:00:00Z"),
            end: Fixture.date("2026-05-01T13:00:00Z")
        )
        #expect(
            bounded.nextOccurrences(after: Fixture.date("2026-05-01T00:00:00Z"), count: 10)
                == ["2026-05-01T10:00:00Z", "2026-05-01T11:00:00Z", "2026-05-01T12:00:00Z"].map(Fixture.date)
        )
    }

    @Test("jitter is deterministic, within its bound, and differs between schedules")
    func jitter() throws {
        let trigger = try Trigger.cron("0 * * * *")
        let a = try Schedule("alpha", job: JobReference("job"), trigger: trigger, jitter: .seconds(300))
        let again = try Schedule("alpha", job: JobReference("job"), trigger: trigger, jitter: .seconds(300))
        let b = try Schedule("beta", job: JobReference("job"), trigger: trigger, jitter: .seconds(300))
        let hours = a.nextOccurrences(after: Fixture.date("2026-01-01T00:00:00Z"), count: 48)
        let offsets = hours.map { a.dueTime(of: $0).timeIntervalSince($0) }
        #expect(offsets.allSatisfy { (0...300).contains($0) && $0 == $0.rounded() })
        #expect(hours.map(again.dueTime(of:)) == hours.map(a.dueTime(of:)))
        #expect(hours.map(b.dueTime(of:)) != hours.map(a.dueTime(of:)))
        #expect(Set(offsets).count > 10)
    }

    @Test("exponential backoff doubles up to its cap; its jitter is deterministic and shortens the wait")
    func backoff() {
        let backoff = RetryPolicy.Backoff.exponential(initial: .seconds(10), maximum: .seconds(60))
        #expect((1...5).map { backoff.delay(afterAttempt: $0, seed: 1) } == [10, 20, 40, 60, 60].map { .seconds($0) })
        let jittered = RetryPolicy.Backoff.exponential(initial: .seconds(100), maximum: .seconds(100), jitter: 0.5)
        let delays = (1...20).map { jittered.delay(afterAttempt: 1, seed: UInt64($0)) }
        #expect(delays.allSatisfy { $0 >= .seconds(50) && $0 <= .seconds(100) })
        #expect(Set(delays).count > 10)
        #expect(jittered.delay(afterAttempt: 1, seed: 7) == jittered.delay(afterAttempt: 1, seed: 7))
    }

    @Test("a schedule round-trips through JSON with every policy")
    func codable() throws {
        let schedule = try Schedule(
            "inference",
            job: .process(["swift", "run", "forecast"], environment: ["TIER": "T1"]),
            trigger: .cron("0 6 * * *", in: Self.chicago, dstPolicy: .periodic),
            enabled: false,
            start: Fixture.date("2026-01-01T00:00:00Z"),
            end: Fixture.date("2027-01-01T00:00:00Z"),
            jitter: .seconds(30),
            catchUp: CatchUpPolicy(mode: .all(maximum: 3), grace: .seconds(5), window: .seconds(3600)),
            overlap: .bufferAll(maximum: 2),
            retry: RetryPolicy(
                maxAttempts: 3, backoff: .exponential(initial: .seconds(60), maximum: .seconds(600), jitter: 0.1)),
            timeout: .seconds(7200),
            priority: .critical,
            deadline: DeadlinePolicy(at: TimeOfDay("10:00"), in: Self.chicago, buffer: .seconds(3600)),
            fallback: JobReference("forecast.use_previous", parameters: ["days": 1])
        )
        let data = try JSONEncoder().encode(schedule)
        #expect(try JSONDecoder().decode(Schedule.self, from: data) == schedule)
        for trigger in [
            try Trigger.every(.seconds(60)), .once(at: Fixture.date("2026-01-01T00:00:00Z")),
            try .timesOfDay([TimeOfDay("01:00")], everyDays: 3, anchor: LocalDate("2026-01-01")),
            try .runThenWait(.seconds(5)),
        ] {
            #expect(try JSONDecoder().decode(Trigger.self, from: JSONEncoder().encode(trigger)) == trigger)
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Trigger.self, from: Data(#"{"type":"hourly"}"#.utf8))
        }
        #expect(throws: SchedulingError.self) {
            try JSONDecoder().decode(
                Schedule.self, from: data.replacing(Data(#""inference""#.utf8), with: Data(#""""#.utf8)))
        }
    }

    @Test("the encoded form keeps its keys, leaves out absent values and round-trips")
    func encodedForm() throws {
        let schedule = try Schedule(
            "nightly",
            job: JobReference("report", parameters: ["to": "ops"]),
            trigger: .cron("0 2 * * *", in: Self.chicago),
            end: Fixture.date("2027-01-01T00:00:00Z"),
            retry: .retries(1, backoff: .seconds(60)),
            deadline: DeadlinePolicy(at: TimeOfDay("06:00"), in: Self.chicago)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(schedule), as: UTF8.self)
        #expect(json == Self.encodedNightly)
        let decoded = try JSONDecoder().decode(Schedule.self, from: Data(json.utf8))
        #expect(decoded == schedule)
        #expect(decoded.hashValue == schedule.hashValue)
        #expect(
            decoded.deadline?.deadline(for: Fixture.date("2026-03-08T12:00:00Z"))
                == Fixture.date("2026-03-09T11:00:00Z"))
        #expect(schedule.enabled(false) != schedule)
        #expect(schedule.enabled(false).enabled(true) == schedule)
        #expect(schedule.enabled(false).trigger == schedule.trigger)
    }

    /// As encoded before schedules shared their definition; stores keep this form.
    static let encodedNightly =
        #"{"catchUp":{"grace":[3,4659767778871345152],"mode":"latest","window":[4683,13897502818169782272]},"deadline":{"buffer":[0,0],"time":"06:00","timeZone":"America\/Chicago"},"enabled":true,"end":820454400,"jitter":[0,0],"job":{"name":"report","parameters":{"to":"ops"}},"name":"nightly","overlap":"skip","priority":"medium","retry":{"backoff":{"initial":[3,4659767778871345152],"jitter":0,"maximum":[3,4659767778871345152],"multiplier":1},"maxAttempts":2},"trigger":{"expression":"0 2 * * *","timeZone":"America\/Chicago","type":"cron"}}"#

    struct BadInput: Sendable, CustomTestStringConvertible {
        let make: @Sendable () throws -> Void
        let message: String
        init(_ make: @escaping @Sendable () throws -> Void, _ message: String) {
            self.make = make
            self.message = message
        }
        var testDescription: String { message }
    }

    static let badInputs: [BadInput] = [
        BadInput({ _ = try Schedule("", job: JobReference("j"), trigger: .once(at: .now)) }, "schedule name is empty"),
        BadInput(
            { _ = try Schedule("night\u{7}ly", job: JobReference("j"), trigger: .once(at: .now)) },
            "schedule name \"night\\u{07}ly\" contains a control character (column 6)"
        ),
        BadInput(
            { _ = try Schedule(String(repeating: "x", count: 129), job: JobReference("j"), trigger: .once(at: .now)) },
            "schedule name is 129 characters long (column 129)"
        ),
        BadInput(
            {
                _ = try Schedule(
                    "b",
                    job: JobReference("j"),
                    trigger: .once(at: .now),
                    start: Fixture.date("2026-02-01T00:00:00Z"),
                    end: Fixture.date("2026-01-01T00:00:00Z")
                )
            },
            "schedule 'b' ends at 2026-01-01T00:00:00Z, not after its start 2026-02-01T00:00:00Z"
        ),
        BadInput(
            { _ = try Schedule("t", job: JobReference("j"), trigger: .once(at: .now), timeout: .zero) },
            "schedule 't' has a timeout of 0.0 seconds, not above zero"),
        BadInput(
            { _ = try Schedule("t", job: JobReference("j"), trigger: .once(at: .now), jitter: .seconds(-5)) },
            "schedule 't' has a negative jitter, -5.0 seconds"),
        BadInput({ _ = try Trigger.every(.zero) }, "interval 0.0 seconds is not a positive whole number of seconds"),
        BadInput(
            { _ = try Trigger.every(.milliseconds(1500)) },
            "interval 1.5 seconds is not a positive whole number of seconds"),
        BadInput({ _ = try Trigger.timesOfDay([]) }, "times of day are empty"),
        BadInput(
            { _ = try Trigger.timesOfDay([TimeOfDay("06:00")], everyDays: 0) },
            "every 0 days is not a positive number of days"),
        BadInput({ _ = try TimeOfDay("25:00") }, "time of day 25:00 is out of range"),
        BadInput({ _ = try TimeOfDay("6:5") }, "'6:5' is not a time of day"),
        BadInput({ _ = try LocalDate("2026-02-30") }, "2026-02-30 is not a date"),
        BadInput({ _ = try LocalDate("26-01-01") }, "'26-01-01' is not a date"),
    ]

    @Test("bad schedule input names the problem", arguments: badInputs)
    func badInput(_ input: BadInput) {
        let message = input.message
        do {
            try input.make()
            Issue.record("accepted bad input; expected: \(message)")
        } catch let error as SchedulingError {
            #expect(error.code == .invalidSchedule)
            #expect(error.message + (error.position.map { " (column \($0))" } ?? "") == message)
            #expect(error.suggestion != nil)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
