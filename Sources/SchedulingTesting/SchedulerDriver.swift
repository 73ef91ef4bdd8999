//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation
@_spi(Testing) public import Scheduling
import ServiceLifecycle
import ServiceLifecycleTestKit

/// Drives a `Scheduler` through virtual time on a ``ManualClock``.
///
/// The driver moves the clock from one sleeper's deadline to the next and, at each instant, waits
/// until the scheduler has done everything it can: its loop waits again and every attempt either
/// finished or sleeps on the clock. A year of schedules runs in well under a second.
///
/// Jobs must wait only on the clock (`JobContext/clock`) while driven; a job that waits on
/// anything else keeps ``settle()`` waiting until its real-time limit.
///
/// A driver can also drive several schedulers on one clock, such as instances sharing a store:
/// `SchedulerDriver(first, second, clock: clock)`. It then waits for all of them at each instant.
///
/// ```swift
/// let clock = ManualClock()
/// let scheduler = Scheduler(executor: jobs, clock: clock, logger: logger)
/// try await SchedulerDriver(scheduler: scheduler, clock: clock).run { driver in
///     try await driver.advance(by: .seconds(86_400 * 365))
/// }
/// ```
public struct SchedulerDriver: Sendable {
    /// The scheduler driven; the first one when it drives several.
    public let scheduler: Scheduler
    /// Every scheduler driven, in the order given.
    public let schedulers: [Scheduler]
    /// Their clock.
    public let clock: ManualClock
    /// How long ``settle()`` waits in real time before it gives up. Default ten seconds.
    public var settleLimit: Duration
    /// Shared by the driver's copies; it stops when the last one goes.
    private let ticker: Ticker

    /// Creates a driver of one scheduler.
    public init(scheduler: Scheduler, clock: ManualClock, settleLimit: Duration = .seconds(10)) {
        self.init(scheduler, clock: clock, settleLimit: settleLimit)
    }

    /// Creates a driver of several schedulers on one clock.
    ///
    /// - Parameters:
    ///   - first: A scheduler; ``scheduler`` refers to it.
    ///   - others: The other schedulers.
    ///   - clock: The clock they all use.
    ///   - settleLimit: How long ``settle()`` waits in real time before it gives up.
    public init(_ first: Scheduler, _ others: Scheduler..., clock: ManualClock, settleLimit: Duration = .seconds(10)) {
        scheduler = first
        schedulers = [first] + others
        self.clock = clock
        self.settleLimit = settleLimit
        ticker = Ticker(ringing: first.activityBell)
        for scheduler in schedulers { clock.addObserver(scheduler.activityBell) }
    }

    /// Runs the schedulers, calls `body`, then shuts them down gracefully, moving the clock through
    /// the grace period if attempts are still running.
    ///
    /// - Returns: What `body` returns.
    /// - Throws: What `body` or the scheduler throws, or ``DriverError`` when it does not settle.
    public func run<T: Sendable>(_ body: @Sendable (SchedulerDriver) async throws -> T) async throws -> T {
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for scheduler in schedulers { group.addTask { try await scheduler.run() } }
                do {
                    try await settle()
                    let result = try await body(self)
                    trigger.triggerGracefulShutdown()
                    try await drainAfterShutdown()
                    try await group.waitForAll()
                    return result
                } catch {
                    trigger.triggerGracefulShutdown()
                    group.cancelAll()
                    throw error
                }
            }
        }
    }

    /// Moves the clock to `instant`, letting the scheduler act at every deadline on the way.
    public func advance(to instant: Date) async throws {
        try await settle()
        while let next = clock.nextDeadline, next <= instant {
            clock.advance(to: next)
            try await settle()
        }
        clock.advance(to: instant)
        try await settle()
    }

    /// Moves the clock forward by a duration, letting the scheduler act at every deadline on the way.
    public func advance(by duration: Duration) async throws {
        let (seconds, attoseconds) = duration.components
        try await advance(to: clock.now.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18))
    }

    /// Steps the clock to an instant in one move, earlier or later, as a wall clock stepped by an
    /// operator or by time synchronisation: the scheduler sees one wake-up, not every deadline between.
    public func jump(to instant: Date) async throws {
        try await settle()
        clock.set(instant)
        try await settle()
    }

    /// Waits until the schedulers have nothing left to do at the clock's current instant: each
    /// loop is parked or stopped, every attempt they started sleeps on the clock, and none of those
    /// attempts was told to stop (its task may still be winding down).
    ///
    /// The clock rings the schedulers' bells whenever a task starts to sleep, a parked loop's alarm
    /// among them, and a scheduler rings its own when it stops or parks again on the alarm it has,
    /// so the driver looks only at those moments instead of polling. Only at first it yields and
    /// looks again, a few dozen times, before it waits for a ring. The driver's ticker rings every
    /// ten milliseconds of real time, to look again in case a change came without a ring and to
    /// notice the time limit.
    ///
    /// - Throws: ``DriverError`` when that does not happen within ``settleLimit`` of real time.
    public func settle() async throws {
        let bells = schedulers.map(\.activityBell)
        let end = ContinuousClock.now.advanced(by: settleLimit)
        // Twice at rest with nothing changed in between: a ring may trail the change it reports.
        var lastRest: UInt64?
        var yields = 0
        while true {
            for bell in bells { bell.acknowledge() }
            let look = Look(at: schedulers, clock: clock)
            if look.isAtRest {
                if let lastRest, lastRest == look.versions { return }
                lastRest = look.versions
                await Task.yield()
                continue
            }
            lastRest = nil
            try Task.checkCancellation()
            guard ContinuousClock.now < end else {
                throw DriverError(
                    message: "the scheduler did not settle at \(Timestamp.string(from: clock.now)): "
                        + "\(look.attempts) attempts active, \(clock.sleeperCount) sleepers; "
                        + "do the jobs wait on something other than the clock?"
                )
            }
            // A scheduler mostly comes to rest within a few yields of the driver; looking again after
            // each costs less than being woken by a ring from another thread.
            if yields < Self.yieldsBeforeWaiting {
                yields += 1
                await Task.yield()
                continue
            }
            // The ticker rings at least every ten milliseconds.
            await Self.waitForAny(of: bells)
        }
    }

    /// How many times ``settle()`` yields and looks again before it waits for a ring.
    private static let yieldsBeforeWaiting = 64

    private static func waitForAny(of bells: [Doorbell]) async {
        if bells.count == 1 {
            await bells[0].wait()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for bell in bells { group.addTask { await bell.wait() } }
            await group.next()
            group.cancelAll()
        }
    }

    private func drainAfterShutdown() async throws {
        while !schedulers.allSatisfy(\.currentActivity.isStopped) {
            try await settle()
            if schedulers.allSatisfy(\.currentActivity.isStopped) { return }
            if let next = clock.nextDeadline { clock.advance(to: next) }
        }
    }
}

/// What the driver sees of its schedulers and clock at one look. The driver looks many times per
/// instant, so a look is one pass over the schedulers that builds nothing.
private struct Look {
    /// The sum of the schedulers' activity versions and the clock's. Each only grows, so the sum
    /// changes whenever one of them does.
    var versions: UInt64
    /// Whether every loop is stopped, or parked with no attempt told to stop while every attempt
    /// started sleeps on the clock: a parked loop sleeps on it too, and so does each of its
    /// attempts at rest.
    var isAtRest: Bool
    /// The attempts started whose completion the loops have not handled yet.
    var attempts = 0

    init(at schedulers: [Scheduler], clock: ManualClock) {
        var versions: UInt64 = 0
        var isStopped = true
        var isParked = true
        var sleepers = 0
        for scheduler in schedulers {
            let activity = scheduler.currentActivity
            versions &+= activity.version
            attempts += activity.attempts
            guard !activity.isStopped else { continue }
            isStopped = false
            isParked = isParked && activity.isParked && activity.stoppingAttempts == 0
            sleepers += 1 + activity.attempts
        }
        self.versions = versions &+ clock.version
        isAtRest = isStopped || (isParked && clock.sleeperCount == sleepers)
    }
}

/// Rings a bell every ten milliseconds of real time until it is released: one task for all of a
/// driver's waits, instead of a timer task for each.
private final class Ticker: Sendable {
    private let task: Task<Void, Never>

    init(ringing bell: Doorbell) {
        task = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
                bell.ring()
            }
        }
    }

    deinit { task.cancel() }
}

/// The driver gave up waiting for the scheduler.
public struct DriverError: Error, CustomStringConvertible {
    /// What happened.
    public let message: String
    /// The message.
    public var description: String { message }
}
