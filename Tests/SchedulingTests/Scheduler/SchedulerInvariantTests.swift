//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import SchedulingTesting
import Testing

@Suite("Scheduler under random operations")
struct SchedulerInvariantTests {
    static let triggers: [Trigger] = [
        try! .cron("*/7 * * * *"),
        try! .cron("0 * * * *", in: Fixture.zone("Europe/Berlin")),
        try! .cron("30 2 * * *", in: Fixture.zone("America/New_York")),
        try! .cron(
            "15 1 * * *", in: Fixture.zone("America/New_York"), dstPolicy: CronDSTPolicy(gap: .skip, fold: .both)),
        try! .every(.seconds(45 * 60)),
        try! .timesOfDay([TimeOfDay("01:00"), TimeOfDay("13:30")], in: Fixture.zone("America/Chicago"), everyDays: 2),
    ]

    static let overlaps: [OverlapPolicy] = [
        .skip, .bufferOne, .bufferAll(maximum: 3), .cancelOther, .allowAll(maximum: 2),
    ]
    static let catchUps: [CatchUpPolicy] = [
        CatchUpPolicy(),
        CatchUpPolicy(mode: .none),
        CatchUpPolicy(mode: .all(maximum: 5), window: .seconds(6 * 3600)),
        CatchUpPolicy(mode: .earliest, grace: .seconds(300)),
    ]

    /// A definition of a schedule, and the cursor from which it took over.
    struct Definition {
        var schedule: Schedule
        var from: Date
    }

    static func randomSchedule(_ name: String, using random: inout SeededGenerator) throws -> Schedule {
        try Schedule(
            name,
            job: JobReference("work", parameters: ["slow": .number(Double(Int.random(in: 0...1, using: &random)))]),
            trigger: Self.triggers.randomElement(using: &random)!,
            catchUp: Self.catchUps.randomElement(using: &random)!,
            overlap: Self.overlaps.randomElement(using: &random)!,
            retry: .retries(Int.random(in: 0...2, using: &random), backoff: .seconds(300)),
            timeout: Bool.random(using: &random) ? .seconds(3600) : nil
        )
    }

    @Test(
        "random adds, replacements, removals, pauses, disables, triggers, clock jumps and store outages never run an occurrence twice or lose one",
        arguments: [1, 2, 3, 4] as [UInt64]
    )
    func randomOperations(seed: UInt64) async throws {
        var jobs = JobRegistry()
        jobs.register("work", parameters: [String: Int].self) { parameters, context in
            // Deterministic per occurrence: some fail, some take a while on the clock.
            let mix = Int(context.occurrence.timeIntervalSince1970 / 60) &* 2_654_435_761 &+ context.attempt
            if parameters["slow"] == 1 {
                try await context.clock.sleep(until: context.clock.now.addingTimeInterval(Double(abs(mix) % 7200)))
            }
            if abs(mix) % 5 == 0 { throw JobFailure() }
        }
        let store = InMemoryJobStore(configuration: .init(runsPerSchedule: 100_000, skipsPerSchedule: 100_000))
        // While the store is out, it fails every claim and every write of the scheduler's loop.
        let failing: Set<InterceptingJobStore.Operation> = [.claimBatch, .saveRuns, .recordSkips, .advanceCursors]
        let outage = SchedulerStoreFailureTests.Outage(isOn: false)
        let (driver, _) = Fixture.scheduler(at: "2026-03-01T00:00:00Z", jobs: jobs, store: store, concurrency: 3) {
            operation, _ in
            if failing.contains(operation), outage.isOn { throw SchedulerStoreFailureTests.Unavailable() }
        }
        let (added, removed, manualRuns, finalNow) = try await driver.run { driver in
            let scheduler = driver.scheduler
            var random = SeededGenerator(seed: seed)
            // Each schedule's definitions, with the cursor from which each one took over.
            var added: [String: [Definition]] = [:]
            var removed = Set<String>()
            var manualRuns = 0
            var counter = 0
            for _ in 0..<150 {
                let live = added.keys.filter { !removed.contains($0) }.sorted()
                switch Int.random(in: 0..<100, using: &random) {
                case 0..<25 where live.count < 12:
                    counter += 1
                    let schedule = try Self.randomSchedule("s\(counter)", using: &random)
                    try await scheduler.add(schedule)
                    added[schedule.name] = [Definition(schedule: schedule, from: driver.clock.now)]
                case 25..<30 where !live.isEmpty:
                    let name = live.randomElement(using: &random)!
                    try await scheduler.remove(name)
                    removed.insert(name)
                case 30..<40 where !live.isEmpty:
                    try await scheduler.pause(live.randomElement(using: &random)!)
                case 40..<50 where !live.isEmpty:
                    try await scheduler.resume(live.randomElement(using: &random)!)
                case 50..<55 where !live.isEmpty:
                    try await scheduler.trigger(live.randomElement(using: &random)!)
                    manualRuns += 1
                case 60..<65:
                    // The store fails for up to half an hour.
                    outage.begin()
                    try await driver.advance(by: .seconds(Int64.random(in: 1...1800, using: &random)))
                    outage.end()
                case 55..<60:
                    // The wall clock steps forward (a suspended laptop) or back (time synchronisation).
                    let step = Double(Int.random(in: -7200...(3 * 86_400), using: &random))
                    try await driver.jump(to: driver.clock.now.addingTimeInterval(step))
                case 65..<72 where !live.isEmpty:
                    let schedule = try Self.randomSchedule(live.randomElement(using: &random)!, using: &random)
                    let cursor = try await scheduler.schedules().first { $0.schedule.name == schedule.name }?.cursor
                    try await scheduler.replace(schedule)
                    added[schedule.name, default: []].append(Definition(schedule: schedule, from: try #require(cursor)))
                case 72..<76 where !live.isEmpty:
                    try await scheduler.disable(live.randomElement(using: &random)!)
                case 76..<82 where !live.isEmpty:
                    try await scheduler.enable(live.randomElement(using: &random)!)
                default:
                    var target = driver.clock.now.addingTimeInterval(
                        Double(Int.random(in: 60...(6 * 3600), using: &random)))
                    if Bool.random(using: &random) {
                        // Just before a whole minute: inside the lead time of what falls due then,
                        // so that the next operation meets occurrences prepared ahead.
                        target = Date(
                            timeIntervalSince1970: (target.timeIntervalSince1970 / 60).rounded(.up) * 60 - 0.05)
                    }
                    try await driver.advance(to: target)
                }
            }
            // What failed last is tried again within a minute.
            try await driver.advance(by: .seconds(61))
            return (added, removed, manualRuns, driver.clock.now)
        }

        let runs = try await Fixture.allRuns(store)
        let skips = try await Fixture.allSkips(store)
        // Nothing is left running or waiting after shutdown.
        #expect(runs.allSatisfy { $0.status.isFinished })
        #expect(runs.filter { $0.origin == .manual }.count == manualRuns)
        // No occurrence runs twice.
        let scheduled = runs.filter { $0.origin != .manual }.map {
            "\($0.schedule) \($0.occurrence.timeIntervalSince1970)"
        }
        #expect(scheduled.count == Set(scheduled).count)
        // No job starts before its occurrence (the triggers have no jitter), prepared ahead or not.
        let early = runs.filter { run in run.origin != .manual && run.attempts.contains { $0.started < run.occurrence }
        }
        #expect(early.isEmpty, "\(early.count) runs started early")
        // Every due occurrence of a schedule that stayed ran or has a skip record with a reason.
        let stored = try await store.schedules()
        for (name, definitions) in added where !removed.contains(name) {
            let entry = try #require(stored.first { $0.schedule.name == name })
            let cursor = try #require(entry.cursor)
            let ranAt = Set(runs.filter { $0.schedule == name && $0.origin != .manual }.map(\.occurrence))
            let ledger = skips.filter { $0.schedule == name }
            // Each definition's occurrences after the cursor it took over from, up to the next one's.
            var due: [Date] = []
            for (index, definition) in definitions.enumerated() {
                let until = index + 1 < definitions.count ? min(definitions[index + 1].from, cursor) : cursor
                due += definition.schedule.nextOccurrences(after: definition.from, count: 10_000).filter { $0 <= until }
            }
            for occurrence in due {
                let skipped = ledger.contains { skip in
                    skip.occurrence == occurrence
                        || (skip.count > 1 && skip.occurrence <= occurrence && occurrence <= skip.lastOccurrence!)
                }
                #expect(
                    ranAt.contains(occurrence) || skipped,
                    "\(name) at \(Timestamp.string(from: occurrence)) neither ran nor was skipped")
            }
            // Nothing due before the end was left unhandled.
            let pending = entry.schedule.nextOccurrences(after: cursor, count: 1).first
            #expect(
                pending.map { entry.schedule.dueTime(of: $0) > finalNow } ?? true, "\(name) has an unhandled occurrence"
            )
        }
    }
}
