//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation
public import Logging

/// Runs jobs for the scheduler.
///
/// ``execute(_:context:)`` runs one attempt and returns the job's result, or throws to fail the
/// attempt. It must react to task cancellation (timeouts, `cancelOther`, shutdown) by stopping and
/// throwing `CancellationError` soon.
///
/// Built in: ``JobRegistry`` (Swift closures by job name, including processes through
/// ``ProcessExecutor``). `Pipelines` adds a pipeline executor.
public protocol Executor: Sendable {
    /// Runs one attempt of a job.
    ///
    /// - Parameters:
    ///   - job: The job and its JSON parameters.
    ///   - context: The run, attempt, fencing token, clock and logger.
    /// - Returns: The job's result, or nil when it has none.
    /// - Throws: Any error fails the attempt; the retry policy decides what follows.
    func execute(_ job: JobReference, context: JobContext) async throws -> JSONValue?

    /// Whether this executor knows a job name; the scheduler refuses schedules naming unknown jobs.
    func canExecute(_ jobName: String) -> Bool

    /// Checks a job before the scheduler accepts a schedule that runs it: that the job is known
    /// and that its parameters are what it takes, so that a mistake shows when the schedule is
    /// added instead of failing every run.
    ///
    /// The default implementation checks ``canExecute(_:)`` only.
    ///
    /// - Throws: ``SchedulingError/Code/jobNotFound`` for an unknown job,
    ///   ``SchedulingError/Code/invalidParameters`` for parameters the job cannot take.
    func validate(_ job: JobReference) throws
}

extension Executor {
    /// Checks that the job is known.
    ///
    /// - Throws: ``SchedulingError/Code/jobNotFound`` when ``canExecute(_:)`` is false.
    public func validate(_ job: JobReference) throws {
        guard canExecute(job.name) else { throw SchedulingError.jobNotFound(job.name) }
    }
}

/// What a job knows about the attempt it runs.
public struct JobContext: Sendable {
    /// The run's identifier.
    public var runID: UUID
    /// The schedule's name.
    public var schedule: String
    /// The occurrence's nominal instant.
    public var occurrence: Date
    /// The attempt's number, from 1.
    public var attempt: Int
    /// Whether this attempt runs the schedule's fallback.
    public var isFallback: Bool
    /// The claim's fencing token: pass it to external systems to reject writes from stale runs.
    public var fencingToken: Int64?
    /// The run's deadline, when the schedule has one.
    public var deadline: Date?
    /// The scheduler's clock; sleep on it rather than on the system clock, so tests run in virtual time.
    public var clock: any SchedulerClock
    /// A logger with the schedule, the run and the attempt in its metadata (`scheduler.schedule`,
    /// `scheduler.run`, `scheduler.attempt`), added when the logger is read, so that attempts of
    /// jobs that do not log pay nothing for it.
    public var logger: Logger {
        get {
            var logger = baseLogger
            logger[metadataKey: "scheduler.schedule"] = .string(schedule)
            logger[metadataKey: "scheduler.run"] = .stringConvertible(runID)
            logger[metadataKey: "scheduler.attempt"] = .stringConvertible(attempt)
            return logger
        }
        set { baseLogger = newValue }
    }

    private var baseLogger: Logger

    /// Creates a context.
    public init(
        runID: UUID,
        schedule: String,
        occurrence: Date,
        attempt: Int,
        isFallback: Bool = false,
        fencingToken: Int64? = nil,
        deadline: Date? = nil,
        clock: any SchedulerClock,
        logger: Logger
    ) {
        self.runID = runID
        self.schedule = schedule
        self.occurrence = occurrence
        self.attempt = attempt
        self.isFallback = isFallback
        self.fencingToken = fencingToken
        self.deadline = deadline
        self.clock = clock
        self.baseLogger = logger
    }
}
