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
import SchedulingTesting
import Synchronization
import Testing

/// Shared helpers for scheduler tests.
enum Fixture {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func date(_ text: String) -> Date {
        // Test literals are valid RFC 3339.
        // swift-format-ignore: NeverUseForceTry
        try! Timestamp.date(from: text)
    }

    static func zone(_ name: String) -> TimeZone {
        // Test literals are valid zone names.
        // swift-format-ignore: NeverUseForceTry
        try! TimeZone.named(name)
    }

    /// A scheduler on a manual clock with an in-memory store, and its driver.
    ///
    /// - Parameter intercept: When given, the scheduler reaches the store through an
    ///   ``InterceptingJobStore`` that calls it.
    static func scheduler(
        at start: String = "2026-01-01T00:00:00Z",
        jobs: JobRegistry,
        store: InMemoryJobStore = InMemoryJobStore(),
        concurrency: Int = 4,
        storePollInterval: Duration? = nil,
        leadTime: Duration = .milliseconds(100),
        intercept: (@Sendable (InterceptingJobStore.Operation, InterceptingJobStore.Moment) async throws -> Void)? = nil
    ) -> (SchedulerDriver, InMemoryJobStore) {
        let clock = ManualClock(now: date(start))
        let scheduler = Scheduler(
            store: intercept.map { InterceptingJobStore(base: store, intercept: $0) } ?? store,
            executor: jobs,
            clock: clock,
            configuration: .init(
                instance: "test",
                concurrency: concurrency,
                shutdownGracePeriod: .seconds(60),
                leaseDuration: .seconds(3600),
                storePollInterval: storePollInterval,
                leadTime: leadTime
            ),
            logger: logger
        )
        return (SchedulerDriver(scheduler: scheduler, clock: clock), store)
    }

    static func allRuns(_ store: InMemoryJobStore, _ schedule: String? = nil) async throws -> [JobRun] {
        try await store.runs(matching: RunQuery(schedule: schedule, limit: .max)).sorted {
            ($0.occurrence, $0.created) < ($1.occurrence, $1.created)
        }
    }

    static func allSkips(_ store: InMemoryJobStore, _ schedule: String? = nil) async throws -> [SkipRecord] {
        try await store.skips(matching: SkipQuery(schedule: schedule, limit: .max)).sorted {
            $0.occurrence < $1.occurrence
        }
    }
}

extension JobRegistry {
    /// Registers a job that sleeps on the clock for `seconds`, then succeeds.
    mutating func registerSleeping(_ name: String, seconds: TimeInterval) {
        register(name) { context in
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(seconds))
        }
    }
}

/// Counts calls, for jobs in tests.
final class Counter: Sendable {
    private let value = Mutex(0)
    private let peak = Mutex(0)
    private let current = Mutex(0)

    var count: Int { value.withLock { $0 } }
    var maximumConcurrent: Int { peak.withLock { $0 } }

    func increment() { value.withLock { $0 += 1 } }

    func enter() {
        let now = current.withLock {
            $0 += 1
            return $0
        }
        peak.withLock { $0 = max($0, now) }
    }

    func leave() { current.withLock { $0 -= 1 } }
}
