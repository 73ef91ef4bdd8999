//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// What ``Scheduler/adopt(_:removingOthers:)`` changed, by schedule name.
public struct ScheduleChanges: Sendable, Hashable {
    /// Schedules added.
    public var added: [String]
    /// Schedules given a new definition.
    public var replaced: [String]
    /// Schedules removed; their history stays in the store.
    public var removed: [String]

    /// Creates a list of changes.
    public init(added: [String] = [], replaced: [String] = [], removed: [String] = []) {
        self.added = added
        self.replaced = replaced
        self.removed = removed
    }

    /// Whether nothing changed.
    public var isEmpty: Bool { added.isEmpty && replaced.isEmpty && removed.isEmpty }
}

extension Scheduler {
    /// Makes the scheduler's schedules the ones given: adds the new ones, replaces those whose
    /// definition changed, and removes the others. Calling it again with the same schedules
    /// changes nothing, so an application with a durable store calls it at every launch, where
    /// ``add(_:)`` would find the schedules of the last launch and refuse them.
    ///
    /// ```swift
    /// let scheduler = Scheduler(store: try SQLiteJobStore(path: "state.sqlite"), executor: jobs, logger: logger)
    /// try await scheduler.adopt([weeklyNewsletter, nightlyBackup])
    /// ```
    ///
    /// A replaced schedule keeps its cursor and paused state, and its runs in flight finish under
    /// the old definition (see ``replace(_:)``). A stored schedule that differs from the given one
    /// only in its enabled flag keeps the stored flag: a ``disable(_:)`` stands until the
    /// definition changes. A removed schedule keeps its history (see ``remove(_:)``).
    ///
    /// - Parameters:
    ///   - schedules: The schedules to run, with distinct names.
    ///   - removingOthers: Whether to remove the schedules that are not among `schedules`. Default
    ///     true; false when the application also adds schedules at run time.
    /// - Returns: What changed.
    /// - Throws: ``SchedulingError/Code/scheduleExists`` when two schedules share a name,
    ///   ``SchedulingError/Code/jobNotFound`` or ``SchedulingError/Code/invalidParameters`` when a
    ///   schedule's job is unknown or cannot take its parameters (in these cases nothing changes),
    ///   or a store error, which leaves adopted what was adopted before it.
    @discardableResult
    public func adopt(_ schedules: [Schedule], removingOthers: Bool = true) async throws -> ScheduleChanges {
        // Every schedule is checked before anything changes: bad input leaves the schedules as they were.
        var names = Set<String>()
        for schedule in schedules {
            guard names.insert(schedule.name).inserted else {
                throw SchedulingError(
                    .scheduleExists,
                    message: "two schedules to adopt are named '\(schedule.name)'",
                    suggestion: "give each schedule its own name"
                )
            }
            try checkJobs(of: schedule)
        }
        let stored = Dictionary(
            uniqueKeysWithValues: try await self.schedules().map { ($0.schedule.name, $0.schedule) })
        var changes = ScheduleChanges()
        if removingOthers {
            for name in stored.keys.sorted() where !names.contains(name) {
                try await remove(name)
                changes.removed.append(name)
            }
        }
        for schedule in schedules {
            guard let current = stored[schedule.name] else {
                try await add(schedule)
                changes.added.append(schedule.name)
                continue
            }
            guard current != schedule, current != schedule.enabled(current.isEnabled) else { continue }
            try await replace(schedule)
            changes.replaced.append(schedule.name)
        }
        return changes
    }
}
