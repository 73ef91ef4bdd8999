//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import DequeModule
import Synchronization

/// The tasks that execute attempts: a pool that grows on demand up to the concurrency limit and
/// keeps its workers between attempts, so that starting an attempt costs a queue entry instead of
/// a new task.
///
/// The loop hands each pass's attempts over in one ``submit(_:)`` and wakes at most one idle
/// worker. One wake-up is in flight at a time: a worker woken with an attempt wakes the next idle
/// one, when more attempts wait, once it runs, and a worker already awake that takes an attempt
/// wakes one only when none is in flight. A burst of short jobs is thus taken by the workers that
/// are awake, which come back for the next attempt sooner than a sleeping worker would wake,
/// instead of costing a wake-up per attempt; a burst of long ones still starts every attempt, one
/// wake-up after another. When attempts wait and no worker is idle, ``hires()`` tells the loop how
/// many workers to add (doubling), and a worker that finds itself short rings the loop's doorbell.
final class AttemptWorkers: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Scheduler.Start?, Never>
    }

    private struct State {
        var queue: Deque<Scheduler.Start> = []
        var idle: [Waiter] = []
        var workers = 0
        var nextID: UInt64 = 0
        /// Workers woken with an attempt that have not run yet: at most one.
        var waking = 0
        var isShort = false
        var isClosed = false

        /// Hands the oldest waiting attempt to an idle worker, if both exist and no other wake-up
        /// is in flight.
        mutating func handOff() -> (CheckedContinuation<Scheduler.Start?, Never>, Scheduler.Start)? {
            guard waking == 0, !queue.isEmpty, let waiter = idle.popLast() else { return nil }
            waking += 1
            return (waiter.continuation, queue.removeFirst())
        }

        /// Notes that attempts wait with no worker to take them; true when that is news.
        mutating func noteShortage(limit: Int) -> Bool {
            guard !isShort, !queue.isEmpty, idle.isEmpty, workers < limit else { return false }
            isShort = true
            return true
        }
    }

    private let state = Mutex(State())
    private let limit: Int
    private let doorbell: Doorbell

    /// Creates a pool of at most `limit` workers that rings `doorbell` when it needs more.
    init(limit: Int, doorbell: Doorbell) {
        self.limit = max(1, limit)
        self.doorbell = doorbell
    }

    /// Queues attempts for the workers, waking one idle worker.
    func submit(_ starts: [Scheduler.Start]) {
        guard !starts.isEmpty else { return }
        let handOff = state.withLock { state in
            state.queue.append(contentsOf: starts)
            return state.handOff()
        }
        if let (continuation, start) = handOff { continuation.resume(returning: start) }
    }

    /// How many workers the loop should start now: none while an idle worker can take the waiting
    /// attempts; otherwise as many as there are workers (at least one), within the limit and no
    /// more than attempts wait. The count is reserved when returned.
    func hires() -> Int {
        state.withLock { state in
            state.isShort = false
            guard !state.queue.isEmpty, state.idle.isEmpty, state.workers < limit else { return 0 }
            let count = min(state.queue.count, limit - state.workers, max(1, state.workers))
            state.workers += count
            return count
        }
    }

    /// The next attempt for a worker, waiting while none is queued; nil when the pool is closed or
    /// the worker is cancelled with nothing queued, and then the worker ends.
    func next() async -> Scheduler.Start? {
        // An attempt at once, or the identifier this worker waits under.
        let (queued, id): (Scheduler.Start?, UInt64) = state.withLock { state in
            if !state.queue.isEmpty { return (state.queue.removeFirst(), 0) }
            state.nextID &+= 1
            return (nil, state.nextID)
        }
        if let queued {
            spread()
            return queued
        }
        // Whether an attempt came in before the worker could wait: then it was not woken.
        var tookAtOnce = false
        let start = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Scheduler.Start?, Never>) in
                let immediate: Scheduler.Start?? = state.withLock { state in
                    if !state.queue.isEmpty {
                        tookAtOnce = true
                        return .some(state.queue.removeFirst())
                    }
                    if state.isClosed || Task.isCancelled {
                        state.workers -= 1
                        return .some(nil)
                    }
                    state.idle.append(Waiter(id: id, continuation: continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.idle.firstIndex(where: { $0.id == id }) else { return nil }
                state.workers -= 1
                return state.idle.remove(at: index)
            }
            waiter?.continuation.resume(returning: nil)
        }
        if start != nil { spread(woken: !tookAtOnce) }
        return start
    }

    /// After a worker took an attempt: wakes the next idle worker when more wait, or tells the
    /// loop that workers are short.
    ///
    /// - Parameter woken: Whether the worker was woken with the attempt: its wake-up is no longer
    ///   in flight.
    private func spread(woken: Bool = false) {
        let (handOff, isShort) = state.withLock { state in
            if woken { state.waking -= 1 }
            return (state.handOff(), state.noteShortage(limit: limit))
        }
        if let (continuation, start) = handOff { continuation.resume(returning: start) }
        if isShort { doorbell.ring() }
    }

    /// Ends the idle workers and makes every later ``next()`` return nil once the queue is empty.
    func close() {
        let idle = state.withLock { state in
            state.isClosed = true
            state.workers -= state.idle.count
            defer { state.idle.removeAll() }
            return state.idle
        }
        for waiter in idle { waiter.continuation.resume(returning: nil) }
    }
}
