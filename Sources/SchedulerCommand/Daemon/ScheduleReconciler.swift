//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    package import Scheduling

    /// Brings a running scheduler's schedules in line with an edited configuration file; at start
    /// the daemon adopts the file's schedules with `Scheduler.adopt(_:removingOthers:)`.
    ///
    /// Removing a schedule keeps its history; replacing one keeps its cursor and paused state, and
    /// runs in flight finish under the old definition.
    package enum ScheduleReconciler {
        /// Applies an edit of the desired schedules while the scheduler runs: only schedules whose
        /// definition changed between `previous` and `desired` are touched.
        package static func apply(
            _ desired: [Schedule], replacing previous: [Schedule], in scheduler: Scheduler
        ) async throws -> ScheduleChanges {
            let before = Dictionary(uniqueKeysWithValues: previous.map { ($0.name, $0) })
            let present = Set(try await scheduler.schedules().map(\.schedule.name))
            var changes = ScheduleChanges()
            let wanted = Set(desired.map(\.name))
            for name in before.keys.sorted() where !wanted.contains(name) && present.contains(name) {
                try await scheduler.remove(name)
                changes.removed.append(name)
            }
            for schedule in desired where before[schedule.name] != schedule || !present.contains(schedule.name) {
                if present.contains(schedule.name) {
                    try await scheduler.replace(schedule)
                    changes.replaced.append(schedule.name)
                } else {
                    try await scheduler.add(schedule)
                    changes.added.append(schedule.name)
                }
            }
            return changes
        }
    }
#endif
