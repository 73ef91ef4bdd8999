//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// Something that happened in a scheduler, delivered by ``Scheduler/events(bufferingNewest:)``.
public struct SchedulerEvent: Sendable, Hashable {
    /// What happened.
    ///
    /// New kinds may be added in any release.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The kind's name.
        public let rawValue: String

        /// An occurrence was claimed and a run created.
        public static let fired = Kind(rawValue: "fired")
        /// An attempt started.
        public static let started = Kind(rawValue: "started")
        /// A run finished successfully.
        public static let succeeded = Kind(rawValue: "succeeded")
        /// A run failed for good.
        public static let failed = Kind(rawValue: "failed")
        /// An attempt failed and another is planned; ``SchedulerEvent/message`` says when.
        public static let retrying = Kind(rawValue: "retrying")
        /// An occurrence was skipped; ``SchedulerEvent/message`` is the reason code.
        public static let skipped = Kind(rawValue: "skipped")
        /// A run's deadline minus its buffer passed before it finished.
        public static let deadlineAtRisk = Kind(rawValue: "deadlineAtRisk")
        /// A run's deadline passed before it finished.
        public static let deadlineMissed = Kind(rawValue: "deadlineMissed")
        /// A run's fallback produced its result.
        public static let fallbackUsed = Kind(rawValue: "fallbackUsed")
        /// A run was cancelled.
        public static let cancelled = Kind(rawValue: "cancelled")
        /// A run's last attempt exceeded its timeout.
        public static let timedOut = Kind(rawValue: "timedOut")
        /// A run left unfinished by a stopped instance was marked interrupted.
        public static let interrupted = Kind(rawValue: "interrupted")

        /// Creates a kind from its name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The kind's name.
        public var description: String { rawValue }
    }

    /// What happened.
    public var kind: Kind
    /// The schedule.
    public var schedule: String
    /// The occurrence's nominal instant.
    public var occurrence: Date
    /// The run, when there is one.
    public var runID: UUID?
    /// The attempt's number, for attempt events.
    public var attempt: Int?
    /// When it happened, on the scheduler's clock.
    public var at: Date
    /// Details for people: an error, a skip reason, a fallback reason.
    public var message: String?

    /// Creates an event.
    public init(
        kind: Kind,
        schedule: String,
        occurrence: Date,
        runID: UUID? = nil,
        attempt: Int? = nil,
        at: Date,
        message: String? = nil
    ) {
        self.kind = kind
        self.schedule = schedule
        self.occurrence = occurrence
        self.runID = runID
        self.attempt = attempt
        self.at = at
        self.message = message
    }
}
