//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation
@_spi(Testing) public import Scheduling
import Synchronization

/// A `SchedulerClock` that stands still until a test moves it.
///
/// Sleepers wake when the clock reaches their deadline. Moving the clock does not wait for
/// anything; to let a scheduler react at each instant, drive it with a ``SchedulerDriver``
/// (``SchedulerDriver/advance(to:)``, ``SchedulerDriver/settle()``).
///
/// ```swift
/// let clock = ManualClock(now: try Timestamp.date(from: "2026-01-01T00:00:00Z"))
/// clock.advance(by: .seconds(3600))
/// ```
public final class ManualClock: SchedulerClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
        var version: UInt64 = 0
        /// Rung whenever a task starts to sleep.
        var observers: [Doorbell] = []
    }

    private let state: Mutex<State>

    /// Creates a clock.
    ///
    /// - Parameter now: The starting instant. Defaults to 2026-01-01T00:00:00Z.
    public init(now: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        state = Mutex(State(now: now))
    }

    /// The clock's current instant.
    public var now: Date { state.withLock { $0.now } }

    /// How many tasks sleep on the clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline a task sleeps until.
    public var nextDeadline: Date? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    var version: UInt64 { state.withLock { $0.version } }

    /// Rings `bell` whenever a task starts to sleep on the clock.
    func addObserver(_ bell: Doorbell) {
        state.withLock { state in
            if !state.observers.contains(where: { $0 === bell }) { state.observers.append(bell) }
        }
    }

    /// Suspends until the clock reaches `deadline`.
    public func sleep(until deadline: Date) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (outcome, observers): (Result<Void, any Error>?, [Doorbell]) = state.withLock { state in
                    if Task.isCancelled { return (.failure(CancellationError()), []) }
                    if deadline <= state.now { return (.success(()), []) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    state.version &+= 1
                    return (nil, state.observers)
                }
                if let outcome { continuation.resume(with: outcome) }
                for bell in observers { bell.ring() }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                state.version &+= 1
                return state.sleepers.removeValue(forKey: id)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by a duration, waking sleepers whose deadline it reaches.
    public func advance(by duration: Duration) {
        set(
            now.addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        )
    }

    /// Moves the clock forward to an instant (never back), waking sleepers whose deadline it reaches.
    public func advance(to instant: Date) {
        if instant > now { set(instant) }
    }

    /// Sets the clock to any instant, earlier ones included (a wall clock stepped back), waking
    /// sleepers whose deadline it reaches.
    public func set(_ instant: Date) {
        let woken = state.withLock { state in
            state.now = instant
            state.version &+= 1
            let due = state.sleepers.filter { $0.value.deadline <= instant }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }
}
