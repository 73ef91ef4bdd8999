//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// The scheduler's source of wall-clock time and of sleep.
///
/// Nothing in the scheduler reads the system time or sleeps except through its clock, so a test
/// can drive a year of schedules in virtual time through the production code path
/// (`ManualClock` in `SchedulingTesting`).
///
/// Conformers: ``now`` must be cheap; ``sleep(until:)`` must return promptly with
/// `CancellationError` when the task is cancelled, and may return before `deadline` (callers
/// read ``now`` again after every wake).
public protocol SchedulerClock: Sendable {
    /// The current wall-clock instant.
    var now: Date { get }

    /// Suspends until about `deadline`, or earlier; returns at once for a past deadline.
    ///
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The system's wall clock, slept on in bounded steps.
///
/// It re-reads wall time after every step, so a step of the system clock (forwards or back) or a
/// system sleep is noticed within ``maximumStep``; the scheduler's cursor and catch-up policy then
/// decide what runs, so neither duplicates nor a storm of runs follow.
public struct SystemClock: SchedulerClock {
    /// The longest single sleep. Default one second.
    public var maximumStep: Duration

    /// Creates a system clock.
    ///
    /// - Parameter maximumStep: The longest single sleep before wall time is read again.
    public init(maximumStep: Duration = .seconds(1)) {
        self.maximumStep = maximumStep
    }

    /// The system's wall-clock time.
    public var now: Date { Date() }  // the system clock: the one place wall time is read

    /// Sleeps until the wall clock reaches `deadline`, waking at most ``maximumStep`` apart to
    /// read the wall clock again.
    public func sleep(until deadline: Date) async throws {
        while true {
            let remaining = deadline.timeIntervalSince(now)
            guard remaining > 0 else { return }
            let step = min(Duration.fromSeconds(remaining), maximumStep)
            try await Task.sleep(for: step, tolerance: .zero, clock: .continuous)  // monotonic clock for the step
        }
    }
}

extension SchedulerClock where Self == SystemClock {
    /// The system's wall clock.
    public static var system: SystemClock { SystemClock() }
}
