//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation
public import Scheduling

/// A `JobStore` that forwards every call to another store and lets a test step in before and
/// after each one: to hold the caller at a precise moment, to fail a call as a crash would, or
/// to count calls.
///
/// ```swift
/// let store = InterceptingJobStore(base: InMemoryJobStore()) { operation, moment in
///     if operation == .saveCheckpoint, moment == .after { throw Crash() }
/// }
/// ```
public final class InterceptingJobStore: JobStore {
    /// A store call.
    public enum Operation: Sendable, Hashable, CaseIterable {
        case saveSchedule, deleteSchedule, schedules, setPaused
        case advanceCursor, advanceCursors, claim, claimBatch
        case saveRun, saveRuns, run, runs, countRuns
        case recordSkips, skips, saveCheckpoint, checkpoint
        case renewLease, releaseLease, interruptRuns, takeRequestedRuns
    }

    /// When the intercept runs: before the call reaches the base store, or after it returned.
    public enum Moment: Sendable, Hashable {
        case before, after
    }

    /// The store that does the work.
    public let base: any JobStore
    private let intercept: @Sendable (Operation, Moment) async throws -> Void

    /// Creates a store.
    ///
    /// - Parameters:
    ///   - base: The store that does the work.
    ///   - intercept: Called before and after each call; what it throws, the call throws.
    public init(base: any JobStore, intercept: @escaping @Sendable (Operation, Moment) async throws -> Void) {
        self.base = base
        self.intercept = intercept
    }

    private func call<T>(_ operation: Operation, _ body: () async throws -> T) async throws -> T {
        try await intercept(operation, .before)
        let result = try await body()
        try await intercept(operation, .after)
        return result
    }

    /// Forwards `JobStore/saveSchedule(_:)`.
    public func saveSchedule(_ schedule: Schedule) async throws {
        try await call(.saveSchedule) { try await base.saveSchedule(schedule) }
    }

    /// Forwards `JobStore/deleteSchedule(named:)`.
    public func deleteSchedule(named name: String) async throws -> Bool {
        try await call(.deleteSchedule) { try await base.deleteSchedule(named: name) }
    }

    /// Forwards `JobStore/schedules()`.
    public func schedules() async throws -> [StoredSchedule] {
        try await call(.schedules) { try await base.schedules() }
    }

    /// Forwards `JobStore/setPaused(_:schedule:)`.
    public func setPaused(_ paused: Bool, schedule name: String) async throws {
        try await call(.setPaused) { try await base.setPaused(paused, schedule: name) }
    }

    /// Forwards `JobStore/advanceCursor(of:to:)`.
    public func advanceCursor(of name: String, to occurrence: Date) async throws {
        try await call(.advanceCursor) { try await base.advanceCursor(of: name, to: occurrence) }
    }

    /// Forwards `JobStore/advanceCursors(_:)`.
    public func advanceCursors(_ cursors: [String: Date]) async throws {
        try await call(.advanceCursors) { try await base.advanceCursors(cursors) }
    }

    /// Forwards `JobStore/claim(_:of:owner:)`.
    public func claim(_ occurrence: Date, of schedule: String, owner: String) async throws -> Int64? {
        try await call(.claim) { try await base.claim(occurrence, of: schedule, owner: owner) }
    }

    /// Forwards `JobStore/claim(_:owner:)`.
    public func claim(_ occurrences: [Occurrence], owner: String) async throws -> [Int64?] {
        try await call(.claimBatch) { try await base.claim(occurrences, owner: owner) }
    }

    /// Forwards `JobStore/saveRun(_:)`.
    public func saveRun(_ run: JobRun) async throws {
        try await call(.saveRun) { try await base.saveRun(run) }
    }

    /// Forwards `JobStore/saveRuns(_:)`.
    public func saveRuns(_ runs: [JobRun]) async throws {
        try await call(.saveRuns) { try await base.saveRuns(runs) }
    }

    /// Forwards `JobStore/run(id:)`.
    public func run(id: UUID) async throws -> JobRun? {
        try await call(.run) { try await base.run(id: id) }
    }

    /// Forwards `JobStore/runs(matching:)`.
    public func runs(matching query: RunQuery) async throws -> [JobRun] {
        try await call(.runs) { try await base.runs(matching: query) }
    }

    /// Forwards `JobStore/countRuns(matching:)`.
    public func countRuns(matching query: RunQuery) async throws -> Int {
        try await call(.countRuns) { try await base.countRuns(matching: query) }
    }

    /// Forwards `JobStore/recordSkips(_:)`.
    public func recordSkips(_ skips: [SkipRecord]) async throws {
        try await call(.recordSkips) { try await base.recordSkips(skips) }
    }

    /// Forwards `JobStore/skips(matching:)`.
    public func skips(matching query: SkipQuery) async throws -> [SkipRecord] {
        try await call(.skips) { try await base.skips(matching: query) }
    }

    /// Forwards `JobStore/saveCheckpoint(_:)`.
    public func saveCheckpoint(_ checkpoint: Checkpoint) async throws {
        try await call(.saveCheckpoint) { try await base.saveCheckpoint(checkpoint) }
    }

    /// Forwards `JobStore/checkpoint(run:stage:version:)`.
    public func checkpoint(run: UUID, stage: String, version: Int) async throws -> Checkpoint? {
        try await call(.checkpoint) { try await base.checkpoint(run: run, stage: stage, version: version) }
    }

    /// Forwards `JobStore/renewLease(instance:until:)`.
    public func renewLease(instance: String, until expiry: Date) async throws {
        try await call(.renewLease) { try await base.renewLease(instance: instance, until: expiry) }
    }

    /// Forwards `JobStore/releaseLease(instance:)`.
    public func releaseLease(instance: String) async throws {
        try await call(.releaseLease) { try await base.releaseLease(instance: instance) }
    }

    /// Forwards `JobStore/interruptRuns(ownedByLeasesExpiredAt:)`.
    public func interruptRuns(ownedByLeasesExpiredAt now: Date) async throws -> [JobRun] {
        try await call(.interruptRuns) { try await base.interruptRuns(ownedByLeasesExpiredAt: now) }
    }

    /// Forwards `JobStore/takeRequestedRuns(owner:)`.
    public func takeRequestedRuns(owner: String) async throws -> [JobRun] {
        try await call(.takeRequestedRuns) { try await base.takeRequestedRuns(owner: owner) }
    }
}
