//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import DequeModule
public import Foundation
import Synchronization

/// A ``JobStore`` in memory: the default for tests and for schedulers that need no durability.
///
/// It keeps the latest ``Configuration/runsPerSchedule`` runs and
/// ``Configuration/skipsPerSchedule`` skip entries of each schedule and drops older finished
/// ones, so a long-running process does not grow without bound.
///
/// ```swift
/// let store = InMemoryJobStore()
/// let scheduler = Scheduler(store: store, executor: registry, logger: logger)
/// ```
public final class InMemoryJobStore: JobStore {
    /// Limits on what the store keeps.
    public struct Configuration: Sendable, Hashable {
        /// Finished runs kept per schedule; older ones are dropped. Default 1,000.
        public var runsPerSchedule: Int
        /// Skip entries kept per schedule. Default 1,000.
        public var skipsPerSchedule: Int

        /// Creates a configuration.
        public init(runsPerSchedule: Int = 1_000, skipsPerSchedule: Int = 1_000) {
            self.runsPerSchedule = max(1, runsPerSchedule)
            self.skipsPerSchedule = max(1, skipsPerSchedule)
        }
    }

    /// Everything the store keeps about one schedule name. The history outlives the definition:
    /// deleting a schedule keeps its runs, skips, claims and cursor.
    private struct Record {
        var schedule: Schedule?
        var cursor: Date?
        /// After the cursor, whose last byte leaves room for it: the record takes 8 bytes less.
        var isPaused = false
        /// The schedule's runs, oldest first; the same boxes as the store's index by identifier.
        var runs: Deque<StoredRun> = []
        var skips: Deque<SkipRecord> = []
        /// Claims after the cursor, and claims at or before it whose occurrence has neither a run
        /// nor a skip entry yet (a handful). Everything at or before the cursor counts as claimed.
        var claims: [Claim] = []

        /// Moves the cursor forward, dropping the claims it now covers whose occurrence is
        /// recorded. A claim without a record stays for ``JobStore/interruptRuns(ownedByLeasesExpiredAt:)``.
        mutating func advanceCursor(to occurrence: Date) {
            guard cursor.map({ $0 < occurrence }) ?? true else { return }
            cursor = occurrence
            guard !claims.isEmpty else { return }
            claims.removeAll { $0.instant <= occurrence && $0.isRecorded }
        }

        /// Notes that a claimed occurrence has its first run or skip entry: its claim is dropped
        /// once the cursor covers it. The claim keeps the fact, so that the runs and skips stay
        /// unread until then, and a record dropped from the history does not make it unrecorded.
        mutating func noteRecorded(_ instant: Date) {
            guard let index = claims.firstIndex(where: { $0.instant == instant }) else { return }
            if let cursor, instant <= cursor {
                claims.remove(at: index)
            } else {
                claims[index].isRecorded = true
            }
        }

        /// Appends a new run, notes its occurrence recorded, and drops the oldest finished runs
        /// beyond the limit from the list and from the store's index.
        mutating func add(_ stored: StoredRun, keeping limit: Int, index: inout [UUID: StoredRun]) {
            noteRecorded(stored.run.occurrence)
            runs.append(stored)
            var kept = 0
            while runs.count - kept > limit {
                let oldest = runs.removeFirst()
                if oldest.run.status.isFinished {
                    index[oldest.run.id] = nil
                } else {
                    runs.append(oldest)  // still active: keep it, look at the next
                    kept += 1
                }
            }
        }

        /// Records a claim; false when the occurrence was claimed or is at or before the cursor.
        mutating func claim(_ claim: Claim) -> Bool {
            if let cursor, claim.instant <= cursor { return false }
            guard !claims.contains(where: { $0.instant == claim.instant }) else { return false }
            claims.append(claim)
            return true
        }

        var stored: StoredSchedule? {
            schedule.map { StoredSchedule(schedule: $0, isPaused: isPaused, cursor: cursor) }
        }
    }

    /// A claimed occurrence that the schedule's cursor does not cover yet, or that has neither a run
    /// nor a skip entry yet.
    private struct Claim {
        var instant: Date
        var owner: String
        var token: Int64
        /// Whether the occurrence has a run or a skip entry.
        var isRecorded = false
    }

    /// A run in a box, so that the runs dictionary holds references: updating a run does not
    /// touch the dictionary, and dropping one moves no large values.
    private final class StoredRun {
        var run: JobRun
        init(_ run: JobRun) { self.run = run }
    }

    private struct State {
        var records: [String: Record] = [:]
        var runs: [UUID: StoredRun] = [:]
        var checkpoints: [String: Checkpoint] = [:]
        var leases: [String: Date] = [:]
        var lastToken: Int64 = 0

        /// Claims an occurrence: the next fencing token, or nil when refused.
        mutating func claim(_ occurrence: Date, of schedule: String, owner: String) -> Int64? {
            let claim = Claim(instant: occurrence, owner: owner, token: lastToken + 1)
            guard records[schedule, default: Record()].claim(claim) else { return nil }
            lastToken += 1
            return lastToken
        }

        /// Whether an instance holds a lease that is live at an instant.
        func holdsLease(_ instance: String?, at now: Date) -> Bool {
            guard let instance, let expiry = leases[instance] else { return false }
            return expiry > now
        }

        /// Inserts or replaces a run; a new one may push the schedule's oldest finished run out.
        mutating func insert(_ run: JobRun, keeping limit: Int) {
            // One lookup finds the run's box or inserts a new one.
            var isNew = false
            let stored = Self.box(in: &runs[run.id, default: Self.newBox(run, isNew: &isNew)])
            guard isNew else {
                stored.run = run
                return
            }
            records[run.schedule, default: Record()].add(stored, keeping: limit, index: &runs)
        }

        private static func newBox(_ run: JobRun, isNew: inout Bool) -> StoredRun {
            isNew = true
            return StoredRun(run)
        }

        /// The box a dictionary entry holds, taken in place so that a missing entry is inserted.
        private static func box(in entry: inout StoredRun) -> StoredRun { entry }
    }

    private let configuration: Configuration
    private let state = Mutex(State())

    /// Creates an empty store.
    ///
    /// - Parameter configuration: What the store keeps.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Inserts or replaces a schedule's definition, keeping its state.
    public func saveSchedule(_ schedule: Schedule) async throws {
        state.withLock { $0.records[schedule.name, default: Record()].schedule = schedule }
    }

    /// Removes a schedule's definition and state; its history stays.
    public func deleteSchedule(named name: String) async throws -> Bool {
        state.withLock { state in
            guard state.records[name]?.schedule != nil else { return false }
            state.records[name]!.schedule = nil
            state.records[name]!.isPaused = false
            return true
        }
    }

    /// Every schedule with its state, ordered by name.
    public func schedules() async throws -> [StoredSchedule] {
        state.withLock { state in
            state.records.values.compactMap(\.stored)
                .sorted { $0.schedule.name.utf8.lexicographicallyPrecedes($1.schedule.name.utf8) }
        }
    }

    /// Sets a schedule's paused flag.
    public func setPaused(_ paused: Bool, schedule name: String) async throws {
        try state.withLock { state throws(SchedulingError) in
            guard state.records[name]?.schedule != nil else { throw SchedulingError.scheduleNotFound(name) }
            state.records[name]!.isPaused = paused
        }
    }

    /// Moves a schedule's cursor forward.
    public func advanceCursor(of name: String, to occurrence: Date) async throws {
        state.withLock { state in
            state.records[name, default: Record()].advanceCursor(to: occurrence)
        }
    }

    /// Moves several cursors forward under one lock.
    public func advanceCursors(_ cursors: [String: Date]) async throws {
        state.withLock { state in
            for (name, occurrence) in cursors {
                state.records[name, default: Record()].advanceCursor(to: occurrence)
            }
        }
    }

    /// Claims an occurrence once.
    public func claim(_ occurrence: Date, of schedule: String, owner: String) async throws -> Int64? {
        state.withLock { $0.claim(occurrence, of: schedule, owner: owner) }
    }

    /// Claims occurrences under one lock.
    public func claim(_ occurrences: [Occurrence], owner: String) async throws -> [Int64?] {
        state.withLock { state in occurrences.map { state.claim($0.instant, of: $0.schedule, owner: owner) } }
    }

    /// Inserts or replaces a run, dropping the schedule's oldest finished runs beyond the limit.
    public func saveRun(_ run: JobRun) async throws {
        let limit = configuration.runsPerSchedule
        state.withLock { $0.insert(run, keeping: limit) }
    }

    /// Inserts or replaces runs under one lock.
    public func saveRuns(_ runs: [JobRun]) async throws {
        let limit = configuration.runsPerSchedule
        state.withLock { state in
            state.runs.reserveCapacity(state.runs.count + runs.count)
            for run in runs { state.insert(run, keeping: limit) }
        }
    }

    /// The run with an identifier.
    public func run(id: UUID) async throws -> JobRun? {
        state.withLock { $0.runs[id]?.run }
    }

    /// Runs matching a query, newest occurrence first.
    public func runs(matching query: RunQuery) async throws -> [JobRun] {
        state.withLock { state in
            let candidates: [JobRun]
            if let schedule = query.schedule {
                candidates = state.records[schedule]?.runs.map(\.run) ?? []
            } else {
                candidates = state.runs.values.map(\.run)
            }
            return Self.page(candidates.filter(query.matches), limit: query.limit, offset: query.offset) {
                // Identifiers compare as their text does, without formatting it at every step.
                ($0.occurrence, $0.created, $0.id) > ($1.occurrence, $1.created, $1.id)
            }
        }
    }

    /// Appends skip entries, dropping each schedule's oldest beyond the limit.
    public func recordSkips(_ skips: [SkipRecord]) async throws {
        let limit = configuration.skipsPerSchedule
        state.withLock { state in
            for skip in skips {
                state.records[skip.schedule, default: Record()].noteRecorded(skip.occurrence)
                state.records[skip.schedule, default: Record()].skips.append(skip)
                if state.records[skip.schedule]!.skips.count > limit {
                    state.records[skip.schedule]!.skips.removeFirst()
                }
            }
        }
    }

    /// Skip entries matching a query, newest occurrence first.
    public func skips(matching query: SkipQuery) async throws -> [SkipRecord] {
        state.withLock { state in
            let candidates: [SkipRecord]
            if let schedule = query.schedule {
                candidates = Array(state.records[schedule]?.skips ?? [])
            } else {
                candidates = state.records.values.flatMap(\.skips)
            }
            return Self.page(candidates.filter(query.matches), limit: query.limit, offset: query.offset) {
                ($0.occurrence, $0.recorded, $0.schedule) > ($1.occurrence, $1.recorded, $1.schedule)
            }
        }
    }

    /// Stores a checkpoint.
    public func saveCheckpoint(_ checkpoint: Checkpoint) async throws {
        state.withLock { $0.checkpoints[Self.key(checkpoint.run, checkpoint.stage, checkpoint.version)] = checkpoint }
    }

    /// The checkpoint of a run's stage at a version.
    public func checkpoint(run: UUID, stage: String, version: Int) async throws -> Checkpoint? {
        state.withLock { $0.checkpoints[Self.key(run, stage, version)] }
    }

    /// Creates or extends a lease.
    public func renewLease(instance: String, until expiry: Date) async throws {
        state.withLock { $0.leases[instance] = expiry }
    }

    /// Ends a lease.
    public func releaseLease(instance: String) async throws {
        state.withLock { _ = $0.leases.removeValue(forKey: instance) }
    }

    /// Marks the active runs of instances whose lease expired as interrupted, and records an
    /// interrupted run for each of their claims that has neither a run nor a skip entry.
    public func interruptRuns(ownedByLeasesExpiredAt now: Date) async throws -> [JobRun] {
        let limit = configuration.runsPerSchedule
        return state.withLock { state in
            var changed: [JobRun] = []
            for stored in state.runs.values where !stored.run.status.isFinished && !stored.run.isRequest {
                guard !state.holdsLease(stored.run.owner, at: now) else { continue }
                stored.run.markInterrupted(at: now)
                changed.append(stored.run)
            }
            var unrecorded: [JobRun] = []
            for (name, record) in state.records {
                for claim in record.claims where !state.holdsLease(claim.owner, at: now) && !claim.isRecorded {
                    unrecorded.append(
                        .interruptedClaim(
                            Occurrence(schedule: name, instant: claim.instant), owner: claim.owner,
                            fencingToken: claim.token, at: now))
                }
            }
            for run in unrecorded { state.insert(run, keeping: limit) }
            return (changed + unrecorded).sorted { ($0.occurrence, $0.schedule) < ($1.occurrence, $1.schedule) }
        }
    }

    /// Takes the runs that wait for an owner.
    public func takeRequestedRuns(owner: String) async throws -> [JobRun] {
        state.withLock { state in
            var taken: [JobRun] = []
            for stored in state.runs.values where stored.run.isRequest {
                stored.run.owner = owner
                taken.append(stored.run)
            }
            return taken.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
        }
    }

    private static func key(_ run: UUID, _ stage: String, _ version: Int) -> String {
        "\(run.uuidString)\u{0}\(stage)\u{0}\(version)"
    }

    private static func page<T>(_ items: [T], limit: Int, offset: Int, by newerFirst: (T, T) -> Bool) -> [T] {
        let sorted = items.sorted(by: newerFirst)
        let start = min(max(0, offset), sorted.count)
        return Array(sorted[start..<min(sorted.count, start + max(0, limit))])
    }
}
