//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation

/// How often a failed run is attempted again, and how long to wait between attempts.
///
/// Retries belong to the same run and are recorded as its attempts. The default makes one attempt.
///
/// ```swift
/// let retry = RetryPolicy(maxAttempts: 4, backoff: .exponential(initial: .seconds(10), maximum: .seconds(600)))
/// ```
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// The wait before the next attempt.
    public struct Backoff: Sendable, Hashable, Codable {
        /// The wait after the first failed attempt.
        public var initial: Duration
        /// Each further wait is the previous one times this; 1 for a fixed backoff.
        public var multiplier: Double
        /// The longest wait.
        public var maximum: Duration
        /// The fraction of each wait that is random, from 0 (none) to 1; derived from the run and
        /// attempt so that a replay computes the same wait.
        public var jitter: Double

        /// The same wait every time.
        public static func fixed(_ delay: Duration) -> Backoff {
            Backoff(initial: delay, multiplier: 1, maximum: delay, jitter: 0)
        }

        /// A wait that starts at `initial` and multiplies by `multiplier` after each failure, up to
        /// `maximum`, with a `jitter` fraction drawn deterministically.
        public static func exponential(
            initial: Duration,
            multiplier: Double = 2,
            maximum: Duration,
            jitter: Double = 0
        ) -> Backoff {
            Backoff(initial: initial, multiplier: multiplier, maximum: maximum, jitter: jitter)
        }

        /// The wait after failed attempt `attempt` (1-based).
        ///
        /// - Parameters:
        ///   - attempt: The attempt that failed, from 1.
        ///   - seed: A value identifying the run; the jitter is a function of it and `attempt`.
        /// - Returns: A wait between zero and ``maximum``.
        public func delay(afterAttempt attempt: Int, seed: UInt64) -> Duration {
            let initialSeconds = max(0, initial.seconds)
            var seconds = initialSeconds * pow(max(1, multiplier), Double(max(0, attempt - 1)))
            seconds = min(seconds, max(0, maximum.seconds))
            let fraction = min(1, max(0, jitter))
            if fraction > 0 {
                let unit = Double(StableHash.mix(seed &+ UInt64(attempt)) >> 11) / Double(1 << 53)
                seconds -= seconds * fraction * unit
            }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
    }

    /// The most attempts a run makes, counting the first; at least 1.
    public var maxAttempts: Int
    /// The wait between attempts.
    public var backoff: Backoff

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - maxAttempts: The most attempts, counting the first. Values below 1 count as 1.
    ///   - backoff: The wait between attempts.
    public init(maxAttempts: Int = 1, backoff: Backoff = .fixed(.zero)) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
    }

    /// One attempt, no retries (the default).
    public static let none = RetryPolicy()

    /// `retries` retries after the first attempt, with a fixed wait.
    public static func retries(_ retries: Int, backoff: Duration) -> RetryPolicy {
        RetryPolicy(maxAttempts: retries + 1, backoff: .fixed(backoff))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A duration of a floating-point number of seconds, to the nanosecond.
    static func fromSeconds(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
