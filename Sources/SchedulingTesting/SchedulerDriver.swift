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

/// Drives a ``Scheduler`` through virtual time on a ``ManualClock``.
///
/// The driver moves the clock from one sleeper's deadline to the next and, at each instant, waits
/// until the scheduler has done everything it can: its loop waits again and every attempt either
/// finished or sleeps on the clock. A year of schedules runs in well under a second.
///
/// Jobs must wait only on the clock (``JobContext/clock``) while driven; a job that waits on
/// anything else keeps ``settle()`` waiting until its real-time limit.
///
/// ```swift
/// let clock = ManualClock()
/// let scheduler = Scheduler(executor: jobs, clock: clock, logger: logger)
/// try await SchedulerDriver(scheduler: scheduler, clock: clock).run { driver in
///     try await driver.advance(by: .seconds(86_400 * 365))
/// }
/// ```
public struct SchedulerDriver: Sendable {
    /// The scheduler driven.
    public let scheduler: Scheduler
    /// Its clock.
    public let clock: ManualClock
    /// How long ``settle()`` waits in real time before it gives up. Default ten seconds.
    public var settleLimit: Duration

    /// Creates a driver.
    public init(scheduler: Scheduler, clock: ManualClock, settleLimit: Duration = .seconds(10)) {
        self.scheduler = scheduler
        self.clock = clock
        self.settleLimit = settleLimit
        clock.addObserver(scheduler.activityBell)
    }

    /// Runs the scheduler, calls `body`, then shuts the scheduler down gracefully, moving the clock
    /// through the grace period if attempts are still running.
    ///
    /// - Returns: What `body` returns.
    /// - Throws: What `body` or the scheduler throws, or ``DriverError`` when it does not settle.
    public func run<T: Sendable>(_ body: @Sendable (SchedulerDriver) async throws -> T) async throws -> T {
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
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

    /// Waits until the scheduler has nothing left to do at the clock's current instant: its loop
    /// is parked or stopped, and every attempt it started sleeps on the clock.
    ///
    /// The scheduler rings a bell whenever its loop parks, and the clock whenever a task starts
    /// to sleep, so the driver looks only at those moments instead of polling; a real-time tick
    /// every ten milliseconds looks again in case a change came without a ring.
    ///
    /// - Throws: ``DriverError`` when that does not happen within ``settleLimit`` of real time.
    public func settle() async throws {
        let bell = scheduler.activityBell
        let limit = settleLimit
        let settled = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                let end = ContinuousClock.now.advanced(by: limit)
                while ContinuousClock.now < end {
                    try? await Task.sleep(for: .milliseconds(10))
                    if Task.isCancelled { return true }
                    bell.ring()
                }
                return false
            }
            group.addTask {
                // Twice at rest with nothing changed in between: a ring may trail the change it reports.
                var lastRest: (UInt64, UInt64)?
                while !Task.isCancelled {
                    bell.acknowledge()
                    let activity = scheduler.currentActivity
                    let rest = (activity.version, clock.version)
                    if activity.isStopped || (activity.isParked && clock.sleeperCount == 1 + activity.attempts) {
                        if let lastRest, lastRest == rest { return true }
                        lastRest = rest
                        await Task.yield()
                        continue
                    }
                    lastRest = nil
                    await bell.wait()
                }
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard settled else {
            let activity = scheduler.currentActivity
            throw DriverError(
                message: "the scheduler did not settle at \(Timestamp.string(from: clock.now)): "
                    + "\(activity.attempts) attempts active, \(clock.sleeperCount) sleepers; "
                    + "do the jobs wait on something other than the clock?"
            )
        }
    }

    private func drainAfterShutdown() async throws {
        while !scheduler.currentActivity.isStopped {
            try await settle()
            if scheduler.currentActivity.isStopped { return }
            if let next = clock.nextDeadline { clock.advance(to: next) }
        }
    }
}

/// The driver gave up waiting for the scheduler.
public struct DriverError: Error, CustomStringConvertible {
    /// What happened.
    public let message: String
    /// The message.
    public var description: String { message }
}
