//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// The record of one occurrence of a schedule that was claimed to run (or a manual trigger):
/// its status, its attempts, and its result.
///
/// A run is a record that evolves as the run progresses; the ``JobStore`` keeps the latest state.
public struct JobRun: Sendable, Hashable, Codable, Identifiable {
    /// Where a run's status stands.
    ///
    /// New statuses may be added in any release.
    public struct Status: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The status's name, as stored and printed.
        public var rawValue: String { Self.names[Int(code)] }

        /// The position of the name in ``names``: statuses compare and hash as one byte.
        private let code: UInt8

        /// Claimed and waiting: for its due time (claimed ahead, see
        /// ``Scheduler/Configuration/leadTime``), behind an active run, or for a free slot.
        public static let scheduled = Status(code: 0)
        /// An attempt is executing, or the run waits between attempts.
        public static let running = Status(code: 1)
        /// Finished without error (possibly from its fallback; see ``JobRun/fallback``).
        public static let succeeded = Status(code: 2)
        /// The last attempt failed and no fallback succeeded.
        public static let failed = Status(code: 3)
        /// Not run; see the skip ledger for why.
        public static let skipped = Status(code: 4)
        /// Cancelled: by the overlap policy, by an operator, or at shutdown.
        public static let cancelled = Status(code: 5)
        /// The last attempt exceeded the timeout.
        public static let timedOut = Status(code: 6)
        /// The process running it stopped without finishing it (its lease expired).
        public static let interrupted = Status(code: 7)

        /// The names, in the order of the codes above.
        private static let names = [
            "scheduled", "running", "succeeded", "failed", "skipped", "cancelled", "timedOut", "interrupted",
        ]

        private init(code: UInt8) { self.code = code }

        /// Creates a status from its name; nil for an unknown name.
        public init?(rawValue: String) {
            guard let index = Self.names.firstIndex(of: rawValue) else { return nil }
            code = UInt8(index)
        }

        /// Whether the run is over: anything but scheduled and running.
        public var isFinished: Bool { self != .scheduled && self != .running }

        /// The status's name.
        public var description: String { rawValue }
    }

    /// Why a run exists.
    public struct Origin: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The origin's name.
        public var rawValue: String { Self.names[Int(code)] }

        /// The position of the name in ``names``: origins compare and hash as one byte.
        private let code: UInt8

        /// An occurrence that ran on time (within the catch-up grace).
        public static let scheduled = Origin(code: 0)
        /// A missed occurrence run under the catch-up policy.
        public static let catchUp = Origin(code: 1)
        /// A manual trigger.
        public static let manual = Origin(code: 2)

        /// The names, in the order of the codes above.
        private static let names = ["scheduled", "catchUp", "manual"]

        private init(code: UInt8) { self.code = code }

        /// Creates an origin from its name; nil for an unknown name.
        public init?(rawValue: String) {
            guard let index = Self.names.firstIndex(of: rawValue) else { return nil }
            code = UInt8(index)
        }

        /// The origin's name.
        public var description: String { rawValue }
    }

    /// One execution of the job (or of the fallback) within a run.
    public struct Attempt: Sendable, Hashable, Codable {
        /// The attempt's number within the run, from 1.
        public var number: Int
        /// The job executed: the schedule's job, or its fallback.
        public var job: String
        /// Whether this attempt ran the fallback.
        public var isFallback: Bool
        /// When it started.
        public var started: Date
        /// When it ended; nil while it executes.
        public var finished: Date?
        /// How it ended: succeeded, failed, timedOut, cancelled or interrupted; running while it executes.
        public var status: Status
        /// The error, for people, when it did not succeed.
        public var error: String?

        /// Creates an attempt record.
        public init(
            number: Int,
            job: String,
            isFallback: Bool = false,
            started: Date,
            finished: Date? = nil,
            status: Status = .running,
            error: String? = nil
        ) {
            self.number = number
            self.job = job
            self.isFallback = isFallback
            self.started = started
            self.finished = finished
            self.status = status
            self.error = error
        }
    }

    /// The run's identifier.
    public var id: UUID
    /// The schedule's name.
    public var schedule: String
    /// The nominal instant of the occurrence (for manual runs, the instant of the trigger).
    public var occurrence: Date
    /// Why the run exists.
    public var origin: Origin
    /// Where it stands.
    public var status: Status
    /// Its attempts, in order, including a fallback attempt.
    public var attempts: [Attempt]
    /// What the job returned, when it returned something.
    public var result: JSONValue?
    /// Why the result came from the fallback; nil when it did not.
    public var fallback: String?
    /// The instance that claimed the run.
    public var owner: String?
    /// The claim's fencing token: larger tokens are newer claims.
    public var fencingToken: Int64?
    /// When the run was claimed.
    public var created: Date
    /// When it finished.
    public var finished: Date?
    /// Whether its deadline passed before it finished.
    public var missedDeadline: Bool

    /// Creates a run record.
    public init(
        id: UUID = UUID(),
        schedule: String,
        occurrence: Date,
        origin: Origin = .scheduled,
        status: Status = .scheduled,
        attempts: [Attempt] = [],
        result: JSONValue? = nil,
        fallback: String? = nil,
        owner: String? = nil,
        fencingToken: Int64? = nil,
        created: Date,
        finished: Date? = nil,
        missedDeadline: Bool = false
    ) {
        self.id = id
        self.schedule = schedule
        self.occurrence = occurrence
        self.origin = origin
        self.status = status
        self.attempts = attempts
        self.result = result
        self.fallback = fallback
        self.owner = owner
        self.fencingToken = fencingToken
        self.created = created
        self.finished = finished
        self.missedDeadline = missedDeadline
    }

    /// When the first attempt started.
    public var started: Date? { attempts.first?.started }
    /// The last attempt's error.
    public var error: String? { attempts.last?.error }

    /// Whether this is a request for a run that no instance has taken yet: scheduled, with no owner.
    ///
    /// `scheduler trigger` records one; the next scheduler that reads the store takes it with
    /// ``JobStore/takeRequestedRuns(owner:)`` and runs it.
    public var isRequest: Bool { status == .scheduled && owner == nil }

    /// A request to run a schedule's job now, for a scheduler to take from the store.
    ///
    /// - Parameters:
    ///   - schedule: The schedule whose job should run.
    ///   - instant: When it was requested; also the run's occurrence.
    /// - Returns: A manual, scheduled run with no owner.
    public static func request(schedule: String, at instant: Date) -> JobRun {
        JobRun(schedule: schedule, occurrence: instant, origin: .manual, created: instant)
    }

    /// The record of a claimed occurrence whose run was never recorded, because the instance
    /// that claimed it stopped in between: interrupted, with no attempts.
    ///
    /// Stores return one from ``JobStore/interruptRuns(ownedByLeasesExpiredAt:)`` for each such
    /// claim, so that the scheduler's retry policy runs the occurrence instead of losing it.
    ///
    /// - Parameters:
    ///   - occurrence: The claimed occurrence.
    ///   - owner: The instance that claimed it.
    ///   - fencingToken: The claim's fencing token.
    ///   - instant: When the interruption was noticed; also the record's creation.
    /// - Returns: An interrupted run of the occurrence.
    public static func interruptedClaim(
        _ occurrence: Occurrence, owner: String, fencingToken: Int64, at instant: Date
    ) -> JobRun {
        JobRun(
            schedule: occurrence.schedule,
            occurrence: occurrence.instant,
            status: .interrupted,
            owner: owner,
            fencingToken: fencingToken,
            created: instant,
            finished: instant
        )
    }

    /// Marks the run interrupted because the instance running it stopped, closing its open attempt.
    ///
    /// Stores call it from ``JobStore/interruptRuns(ownedByLeasesExpiredAt:)``:
    ///
    /// ```swift
    /// var run = stored
    /// run.markInterrupted(at: now)
    /// ```
    ///
    /// - Parameter instant: When the interruption was noticed.
    public mutating func markInterrupted(at instant: Date) {
        status = .interrupted
        finished = instant
        if var last = attempts.last, last.finished == nil {
            last.finished = instant
            last.status = .interrupted
            last.error = "the instance running it stopped"
            attempts[attempts.count - 1] = last
        }
    }
}
