//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// The scheduler loop's wake-up for its next timer: a task asleep on the clock until the timer's
/// instant, which then rings the loop's doorbell.
///
/// The loop keeps an alarm while it parks again for the same instant, so that a wake-up by a
/// command or a finished attempt costs no new task, and cancels it when it needs another instant
/// or stops. A cancelled alarm does not ring. Its task is the loop's to cancel: the loop never
/// leaves one behind when it returns.
struct Alarm: Sendable {
    /// The instant the alarm rings at.
    let target: Date
    private let task: Task<Void, Never>
    private let flag: Flag

    /// Whether the alarm's sleep ended; an atomic the task sets before it rings.
    private final class Flag: Sendable {
        let hasRung = Atomic<Bool>(false)
    }

    private init(target: Date, task: Task<Void, Never>, flag: Flag) {
        self.target = target
        self.task = task
        self.flag = flag
    }

    /// Starts an alarm that sleeps on `clock` until `target`, then rings `doorbell`.
    ///
    /// A clock that fails for another reason than cancellation rings too, so that the loop looks
    /// at its timers again instead of waiting for ever.
    static func start(at target: Date, clock: any SchedulerClock, ringing doorbell: Doorbell) -> Alarm {
        let flag = Flag()
        let sleep: @Sendable @concurrent () async -> Void = {
            do {
                try await clock.sleep(until: target)
            } catch {
                if Task.isCancelled { return }
            }
            flag.hasRung.store(true, ordering: .releasing)
            doorbell.ring()
        }
        // Started on the loop's thread, the task begins its sleep before this returns, without a
        // hop to another thread first.
        if #available(macOS 26, *) {
            return Alarm(target: target, task: Task.immediate(operation: sleep), flag: flag)
        }
        return Alarm(target: target, task: Task(operation: sleep), flag: flag)
    }

    /// Whether the alarm's sleep ended (it rang, or is about to): the loop needs a new one to wait
    /// for the same instant again, as a clock may wake a sleeper before its deadline.
    var hasRung: Bool { flag.hasRung.load(ordering: .acquiring) }

    /// Stops the alarm's sleep; it does not ring.
    func cancel() {
        task.cancel()
    }
}
