//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Synchronization

/// A one-waiter wake-up signal: ``ring()`` wakes the waiter, or the next ``wait()`` when nobody
/// waits. Rings while one is pending merge into one.
///
/// The scheduler's loop waits on one (commands and finished attempts ring it); each cancellable
/// attempt races its job against one that is never acknowledged; a test driver waits on one that
/// the scheduler and its clock ring when they may have come to rest.
@_spi(Testing) public final class Doorbell: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Creates a doorbell that has not rung.
    public init() {}

    /// Whether a ring has not been consumed by ``acknowledge()`` yet.
    public var isPending: Bool { state.withLock { $0.pending } }

    /// Wakes the waiter; the ring stays pending until acknowledged.
    public func ring() {
        let waiter = state.withLock { state in
            state.pending = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Consumes a pending ring.
    public func acknowledge() {
        state.withLock { $0.pending = false }
    }

    /// Returns when the bell rings (at once when a ring is pending) or the task is cancelled.
    ///
    /// - Parameter ignoringCancellation: Whether to wait for a ring even in a cancelled task.
    public func wait(ignoringCancellation: Bool = false) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.pending || (Task.isCancelled && !ignoringCancellation) { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            guard !ignoringCancellation else { return }
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
