//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Scheduling
import Synchronization

extension JobStoreConformance {
    /// A scheduler running on the store through a seeded series of random operations: it never
    /// runs an occurrence twice, and every due occurrence runs or has a skip entry with a reason.
    ///
    /// The operations are adds, replacements, removals, pauses, resumes, disables, enables, manual
    /// triggers, clock jumps forward and back, and store outages. An outage fails the scheduler's
    /// claims and writes for up to half an hour, without touching the store. The schedules mix
    /// cron in several zones, intervals and times of day with every overlap policy and several
    /// catch-up and retry policies. Their jobs sometimes fail and sometimes take up to two hours.
    /// The scheduler runs on a ``ManualClock`` from 2026-03-01. After a graceful shutdown the
    /// check reads the store's runs, skip entries and cursors and verifies that:
    ///
    /// - nothing is left scheduled or running, and every manual trigger has its run;
    /// - no occurrence has two runs, and no job started before its occurrence;
    /// - each occurrence up to a schedule's cursor ran or has a skip entry, under the definition
    ///   in force at the time;
    /// - nothing due before the end is left after the cursor.
    ///
    /// A store must keep the history it is given for this check: a few hundred runs and skip
    /// entries per schedule over about a month. The library's stores do so by default.
    ///
    /// ```swift
    /// @Test(arguments: [1, 2] as [UInt64])
    /// func underAScheduler(seed: UInt64) async throws {
    ///     try await JobStoreConformance.scheduler(seed: seed).run(on: MyStore(path: temporaryFile()))
    /// }
    /// ```
    ///
    /// - Parameter seed: Chooses the operations; a failure reproduces with the same seed.
    /// - Returns: The check, named with its seed.
    public static func scheduler(seed: UInt64) -> Check {
        Check("a scheduler under random operations never runs an occurrence twice or loses one (seed \(seed))") {
            try await RandomOperations(seed: seed).run(on: $0)
        }
    }
}

/// The scheduler check of ``JobStoreConformance/scheduler(seed:)``.
private struct RandomOperations {
    static func triggers() throws -> [Trigger] {
        [
            try .cron("*/7 * * * *"),
            try .cron("0 * * * *", in: .named("Europe/Berlin")),
            try .cron("30 2 * * *", in: .named("America/New_York")),
            try .cron("15 1 * * *", in: .named("America/New_York"), dstPolicy: CronDSTPolicy(gap: .skip, fold: .both)),
            try .every(.seconds(45 * 60)),
            try .timesOfDay([TimeOfDay("01:00"), TimeOfDay("13:30")], in: .named("America/Chicago"), everyDays: 2),
        ]
    }
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
    struct Definition: Sendable {
        var schedule: Schedule
        var from: Date
    }

    /// What the operations did, for the checks afterwards.
    struct Outcome: Sendable {
        var added: [String: [Definition]] = [:]
        var removed = Set<String>()
        var manualRuns = 0
        var end = Date.distantPast
    }

    struct JobFailed: Error {}

    struct StoreOut: Error {}

    /// Whether the store is out: while it is, the scheduler's claims and writes fail.
    final class Outage: Sendable {
        private let state = Mutex(false)
        var isOn: Bool { state.withLock { $0 } }
        func set(_ isOn: Bool) { state.withLock { $0 = isOn } }
    }

    let seed: UInt64

    func run(on store: any JobStore) async throws {
        var jobs = JobRegistry(processes: nil)
        jobs.register("work", parameters: [String: Int].self) { parameters, context in
            // Deterministic per occurrence: some fail, some take a while on the clock.
            let mix = Int(context.occurrence.timeIntervalSince1970 / 60) &* 2_654_435_761 &+ context.attempt
            if parameters["slow"] == 1 {
                try await context.clock.sleep(until: context.clock.now.addingTimeInterval(Double(abs(mix) % 7200)))
            }
            if abs(mix) % 5 == 0 { throw JobFailed() }
        }
        let outage = Outage()
        let failing: Set<InterceptingJobStore.Operation> = [.claimBatch, .saveRuns, .recordSkips, .advanceCursors]
        // Before the store acts, never after: an outage leaves the store untouched. (Failing after
        // it acted, when the outage begins during a call, would leave a claim that the scheduler
        // believes it did not make.)
        let intercepted = InterceptingJobStore(base: store) { operation, moment in
            if moment == .before, failing.contains(operation), outage.isOn { throw StoreOut() }
        }
        let clock = ManualClock(now: Date(timeIntervalSince1970: 1_772_323_200))  // 2026-03-01T00:00:00Z
        let scheduler = Scheduler(
            store: intercepted,
            executor: jobs,
            clock: clock,
            configuration: .init(
                instance: "conformance", concurrency: 3, shutdownGracePeriod: .seconds(60),
                leaseDuration: .seconds(3600)),
            logger: Logger(label: "conformance") { _ in SwiftLogNoOpLogHandler() }
        )
        let outcome = try await SchedulerDriver(scheduler: scheduler, clock: clock).run { driver in
            try await operate(driver, outage: outage)
        }
        try await verify(outcome, in: store)
    }

    func randomSchedule(_ name: String, using random: inout SeededRandomNumberGenerator) throws -> Schedule {
        try Schedule(
            name,
            job: JobReference("work", parameters: ["slow": .number(Double(Int.random(in: 0...1, using: &random)))]),
            trigger: try Self.triggers().randomElement(using: &random)!,
            catchUp: Self.catchUps.randomElement(using: &random)!,
            overlap: Self.overlaps.randomElement(using: &random)!,
            retry: .retries(Int.random(in: 0...2, using: &random), backoff: .seconds(300)),
            timeout: Bool.random(using: &random) ? .seconds(3600) : nil
        )
    }

    /// Applies 150 random operations while time advances.
    func operate(_ driver: SchedulerDriver, outage: Outage) async throws -> Outcome {
        let scheduler = driver.scheduler
        var random = SeededRandomNumberGenerator(seed: seed)
        var outcome = Outcome()
        var counter = 0
        for _ in 0..<150 {
            let live = outcome.added.keys.filter { !outcome.removed.contains($0) }.sorted()
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<25 where live.count < 12:
                counter += 1
                let schedule = try randomSchedule("s\(counter)", using: &random)
                try await scheduler.add(schedule)
                outcome.added[schedule.name] = [Definition(schedule: schedule, from: driver.clock.now)]
            case 25..<30 where !live.isEmpty:
                let name = live.randomElement(using: &random)!
                try await scheduler.remove(name)
                outcome.removed.insert(name)
            case 30..<40 where !live.isEmpty:
                try await scheduler.pause(live.randomElement(using: &random)!)
            case 40..<50 where !live.isEmpty:
                try await scheduler.resume(live.randomElement(using: &random)!)
            case 50..<55 where !live.isEmpty:
                try await scheduler.trigger(live.randomElement(using: &random)!)
                outcome.manualRuns += 1
            case 55..<60:
                // The wall clock steps forward (a suspended laptop) or back (time synchronisation).
                let step = Double(Int.random(in: -7200...(3 * 86_400), using: &random))
                try await driver.jump(to: driver.clock.now.addingTimeInterval(step))
            case 60..<65:
                // The store fails for up to half an hour.
                outage.set(true)
                try await driver.advance(by: .seconds(Int64.random(in: 1...1800, using: &random)))
                outage.set(false)
            case 65..<72 where !live.isEmpty:
                let schedule = try randomSchedule(live.randomElement(using: &random)!, using: &random)
                let stored = try await scheduler.schedules().first { $0.schedule.name == schedule.name }
                guard let cursor = stored?.cursor else {
                    throw JobStoreConformance.ConformanceFailure(message: "\(schedule.name) has no cursor")
                }
                try await scheduler.replace(schedule)
                outcome.added[schedule.name, default: []].append(Definition(schedule: schedule, from: cursor))
            case 72..<76 where !live.isEmpty:
                try await scheduler.disable(live.randomElement(using: &random)!)
            case 76..<82 where !live.isEmpty:
                try await scheduler.enable(live.randomElement(using: &random)!)
            default:
                var target = driver.clock.now.addingTimeInterval(
                    Double(Int.random(in: 60...(6 * 3600), using: &random)))
                if Bool.random(using: &random) {
                    // Just before a whole minute: inside the lead time of what falls due then, so
                    // that the next operation meets occurrences prepared ahead.
                    target = Date(timeIntervalSince1970: (target.timeIntervalSince1970 / 60).rounded(.up) * 60 - 0.05)
                }
                try await driver.advance(to: target)
            }
        }
        // What failed last is tried again within a minute.
        try await driver.advance(by: .seconds(61))
        outcome.end = driver.clock.now
        return outcome
    }

    /// Checks the store's history against what the operations did.
    func verify(_ outcome: Outcome, in store: any JobStore) async throws {
        let runs = try await store.runs(matching: RunQuery(limit: .max))
        let skips = try await store.skips(matching: SkipQuery(limit: .max))
        let unfinished = runs.filter { !$0.status.isFinished }
        try JobStoreConformance.require(unfinished.isEmpty, "\(unfinished.count) runs left unfinished after shutdown")
        let manual = runs.filter { $0.origin == .manual }.count
        try JobStoreConformance.require(
            manual == outcome.manualRuns, "\(outcome.manualRuns) manual triggers, \(manual) manual runs")
        let scheduled = runs.filter { $0.origin != .manual }.map { "\($0.schedule) \($0.occurrence)" }
        try JobStoreConformance.require(
            scheduled.count == Set(scheduled).count, "an occurrence ran twice (seed \(seed))")
        // The triggers have no jitter: no job starts before its occurrence, prepared ahead or not.
        let early = runs.filter { run in run.origin != .manual && run.attempts.contains { $0.started < run.occurrence }
        }
        try JobStoreConformance.require(early.isEmpty, "\(early.count) runs started before their occurrence")
        let stored = try await store.schedules()
        for (name, definitions) in outcome.added.sorted(by: { $0.key < $1.key }) where !outcome.removed.contains(name) {
            guard let entry = stored.first(where: { $0.schedule.name == name }), let cursor = entry.cursor else {
                throw JobStoreConformance.ConformanceFailure(message: "\(name) is missing or has no cursor")
            }
            let ranAt = Set(runs.filter { $0.schedule == name && $0.origin != .manual }.map(\.occurrence))
            let ledger = skips.filter { $0.schedule == name }
            // Each definition's occurrences after the cursor it took over from, up to the next one's.
            for (index, definition) in definitions.enumerated() {
                let until = index + 1 < definitions.count ? min(definitions[index + 1].from, cursor) : cursor
                for occurrence in definition.schedule.nextOccurrences(after: definition.from, count: 10_000)
                where occurrence <= until {
                    let skipped = ledger.contains { skip in
                        skip.occurrence == occurrence
                            || (skip.count > 1 && skip.occurrence <= occurrence
                                && occurrence <= (skip.lastOccurrence ?? skip.occurrence))
                    }
                    try JobStoreConformance.require(
                        ranAt.contains(occurrence) || skipped,
                        "\(name) at \(Timestamp.string(from: occurrence)) neither ran nor was skipped (seed \(seed))")
                }
            }
            // Nothing due before the end was left unhandled.
            let pending = entry.schedule.nextOccurrences(after: cursor, count: 1).first
            try JobStoreConformance.require(
                pending.map { entry.schedule.dueTime(of: $0) > outcome.end } ?? true,
                "\(name) has an occurrence due before the end that was not handled (seed \(seed))")
        }
    }
}
