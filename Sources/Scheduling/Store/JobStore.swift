//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// The only place a scheduler's state lives: schedule definitions and their state, cursors,
/// claims, runs and attempts, the skip ledger, pipeline checkpoints and instance leases.
///
/// Conformers must be safe to call from many tasks at once and must pass the conformance suite
/// in `SchedulingTesting` (`JobStoreConformance`). The contract in short:
///
/// - ``claim(_:of:owner:)`` succeeds at most once per (schedule, occurrence), whoever asks, and
///   never for an occurrence at or before the schedule's cursor. That is what makes each occurrence
///   run exactly once across restarts and across instances.
/// - A cursor never moves backwards.
/// - Deleting a schedule keeps its history (runs, skips) and its claims.
/// - Writes are durable when the method returns, for stores that claim durability.
public protocol JobStore: Sendable {
    /// Inserts a schedule, or replaces the definition of one with the same name, keeping its
    /// paused flag and cursor.
    func saveSchedule(_ schedule: Schedule) async throws

    /// Removes a schedule's definition and state; its runs, skips and claims stay.
    ///
    /// - Returns: Whether a schedule of that name existed.
    func deleteSchedule(named name: String) async throws -> Bool

    /// Every stored schedule with its state, ordered by name.
    func schedules() async throws -> [StoredSchedule]

    /// Sets a schedule's paused flag.
    ///
    /// - Throws: ``SchedulingError/Code/scheduleNotFound`` when there is no such schedule.
    func setPaused(_ paused: Bool, schedule name: String) async throws

    /// Records that every occurrence of a schedule up to and including `occurrence` was handled.
    /// A cursor only moves forward: an earlier instant is ignored.
    func advanceCursor(of name: String, to occurrence: Date) async throws

    /// Advances several schedules' cursors, as ``advanceCursor(of:to:)`` does for one.
    ///
    /// The scheduler records what one pass of its loop handled with one call. The default
    /// implementation calls ``advanceCursor(of:to:)`` for each; a store with transactions should
    /// write them in one.
    func advanceCursors(_ cursors: [String: Date]) async throws

    /// Claims an occurrence for an owner.
    ///
    /// - Returns: A fencing token, larger than every token returned before, or nil when the
    ///   occurrence was already claimed or is at or before the schedule's cursor.
    func claim(_ occurrence: Date, of schedule: String, owner: String) async throws -> Int64?

    /// Claims several occurrences for an owner, each as ``claim(_:of:owner:)`` would, in order.
    ///
    /// The scheduler claims every occurrence due at one instant with one call. The default
    /// implementation calls ``claim(_:of:owner:)`` for each; a store with transactions should claim
    /// them in one.
    ///
    /// - Returns: For each occurrence, in order, its fencing token, or nil when it was refused.
    func claim(_ occurrences: [Occurrence], owner: String) async throws -> [Int64?]

    /// Inserts a run, or replaces the run with the same identifier.
    func saveRun(_ run: JobRun) async throws

    /// Inserts or replaces several runs; a later entry with the same identifier wins.
    ///
    /// The scheduler records what one pass of its loop changed with one call. The default
    /// implementation calls ``saveRun(_:)`` for each; a store with transactions should write them
    /// in one.
    func saveRuns(_ runs: [JobRun]) async throws

    /// The run with an identifier.
    func run(id: UUID) async throws -> JobRun?

    /// Runs matching a query, newest occurrence first.
    func runs(matching query: RunQuery) async throws -> [JobRun]

    /// The number of runs matching a query's filters; its limit and offset are ignored.
    ///
    /// A default implementation fetches and counts; stores with an index should count in place.
    func countRuns(matching query: RunQuery) async throws -> Int

    /// Appends entries to the skip ledger.
    func recordSkips(_ skips: [SkipRecord]) async throws

    /// Skip entries matching a query, newest occurrence first.
    func skips(matching query: SkipQuery) async throws -> [SkipRecord]

    /// Stores a pipeline stage's output for a run, replacing an older one for the same stage and version.
    func saveCheckpoint(_ checkpoint: Checkpoint) async throws

    /// The checkpoint of a run's stage at a version.
    func checkpoint(run: UUID, stage: String, version: Int) async throws -> Checkpoint?

    /// Creates or extends an instance's lease.
    func renewLease(instance: String, until expiry: Date) async throws

    /// Ends an instance's lease (on graceful shutdown).
    func releaseLease(instance: String) async throws

    /// Marks as interrupted every run left scheduled or running by an instance whose lease
    /// expired at or before `now`, or that holds no lease. Requested runs (scheduled, with no
    /// owner yet) are left alone: they wait for an instance to take them.
    ///
    /// A claim of such an instance that has neither a run nor a skip entry for its occurrence
    /// (the instance stopped between claiming and recording) gets a run too, made with
    /// ``JobRun/interruptedClaim(_:owner:fencingToken:at:)`` and stored, so that no claimed
    /// occurrence is lost. A store therefore keeps a claim until its occurrence has a run or a
    /// skip entry, even once the schedule's cursor covers it.
    ///
    /// - Returns: The runs it changed, as they are now, oldest occurrence first.
    func interruptRuns(ownedByLeasesExpiredAt now: Date) async throws -> [JobRun]

    /// Takes the requested runs for an owner: the runs saved with status
    /// ``JobRun/Status/scheduled`` and no owner, such as those `scheduler trigger` records for a
    /// daemon to run.
    ///
    /// Each requested run is taken once, whoever asks: the store sets its owner atomically.
    ///
    /// - Returns: The runs taken, with their owner set, oldest creation first.
    func takeRequestedRuns(owner: String) async throws -> [JobRun]
}

extension JobStore {
    /// Advances each cursor with ``advanceCursor(of:to:)``.
    public func advanceCursors(_ cursors: [String: Date]) async throws {
        for (name, occurrence) in cursors { try await advanceCursor(of: name, to: occurrence) }
    }

    /// Claims each occurrence with ``claim(_:of:owner:)``.
    public func claim(_ occurrences: [Occurrence], owner: String) async throws -> [Int64?] {
        var tokens: [Int64?] = []
        tokens.reserveCapacity(occurrences.count)
        for occurrence in occurrences {
            tokens.append(try await claim(occurrence.instant, of: occurrence.schedule, owner: owner))
        }
        return tokens
    }

    /// Saves each run with ``saveRun(_:)``.
    public func saveRuns(_ runs: [JobRun]) async throws {
        for run in runs { try await saveRun(run) }
    }

    /// Fetches every matching run and counts them.
    public func countRuns(matching query: RunQuery) async throws -> Int {
        var everything = query
        everything.limit = .max
        everything.offset = 0
        return try await runs(matching: everything).count
    }
}

/// A stored schedule with the state the store keeps beside its definition.
public struct StoredSchedule: Sendable, Hashable {
    /// The definition.
    public var schedule: Schedule
    /// Whether an operator paused it.
    public var isPaused: Bool
    /// The last occurrence handled (run or skipped); nil before the first.
    public var cursor: Date?

    /// Creates a stored schedule.
    public init(schedule: Schedule, isPaused: Bool = false, cursor: Date? = nil) {
        self.schedule = schedule
        self.isPaused = isPaused
        self.cursor = cursor
    }
}

/// Which runs to fetch. Results are ordered newest occurrence first.
public struct RunQuery: Sendable, Hashable {
    /// Only runs of this schedule.
    public var schedule: String?
    /// Only runs with one of these statuses.
    public var statuses: Set<JobRun.Status>?
    /// Only occurrences at or after this instant.
    public var from: Date?
    /// Only occurrences before this instant.
    public var to: Date?
    /// At most this many.
    public var limit: Int
    /// Skip this many first (paging).
    public var offset: Int

    /// Creates a query; the defaults fetch the latest 100 runs of every schedule.
    public init(
        schedule: String? = nil,
        statuses: Set<JobRun.Status>? = nil,
        from: Date? = nil,
        to: Date? = nil,
        limit: Int = 100,
        offset: Int = 0
    ) {
        self.schedule = schedule
        self.statuses = statuses
        self.from = from
        self.to = to
        self.limit = limit
        self.offset = offset
    }

    /// Whether a run matches the filters (not the paging).
    public func matches(_ run: JobRun) -> Bool {
        (schedule.map { $0 == run.schedule } ?? true)
            && (statuses.map { $0.contains(run.status) } ?? true)
            && (from.map { run.occurrence >= $0 } ?? true)
            && (to.map { run.occurrence < $0 } ?? true)
    }
}

/// Which skip entries to fetch. Results are ordered newest occurrence first.
public struct SkipQuery: Sendable, Hashable {
    /// Only entries of this schedule.
    public var schedule: String?
    /// Only entries with this reason.
    public var reason: SkipRecord.Reason?
    /// Only occurrences at or after this instant.
    public var from: Date?
    /// Only occurrences before this instant.
    public var to: Date?
    /// At most this many.
    public var limit: Int
    /// Skip this many first (paging).
    public var offset: Int

    /// Creates a query; the defaults fetch the latest 100 entries.
    public init(
        schedule: String? = nil,
        reason: SkipRecord.Reason? = nil,
        from: Date? = nil,
        to: Date? = nil,
        limit: Int = 100,
        offset: Int = 0
    ) {
        self.schedule = schedule
        self.reason = reason
        self.from = from
        self.to = to
        self.limit = limit
        self.offset = offset
    }

    /// Whether an entry matches the filters (not the paging).
    public func matches(_ skip: SkipRecord) -> Bool {
        (schedule.map { $0 == skip.schedule } ?? true)
            && (reason.map { $0 == skip.reason } ?? true)
            && (from.map { skip.occurrence >= $0 } ?? true)
            && (to.map { skip.occurrence < $0 } ?? true)
    }
}

/// A pipeline stage's stored output for a run.
public struct Checkpoint: Sendable, Hashable, Codable {
    /// The run.
    public var run: UUID
    /// The stage's name.
    public var stage: String
    /// The stage's version; a new version does not reuse an old output.
    public var version: Int
    /// The encoded output.
    public var output: Data
    /// When it was stored.
    public var created: Date

    /// Creates a checkpoint.
    public init(run: UUID, stage: String, version: Int, output: Data, created: Date) {
        self.run = run
        self.stage = stage
        self.version = version
        self.output = output
        self.created = created
    }
}
