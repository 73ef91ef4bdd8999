//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    package import Scheduling

    /// Brings a scheduler's schedules in line with a desired list (a configuration file's, or an
    /// application's): adds what is new, replaces what changed, removes what is gone.
    ///
    /// Removing a schedule keeps its history; replacing one keeps its cursor and paused state, and
    /// runs in flight finish under the old definition.
    package enum ScheduleReconciler {
        /// What a reconciliation changed, by schedule name.
        package struct Changes: Sendable, Equatable {
            /// Schedules added.
            package var added: [String] = []
            /// Schedules given a new definition.
            package var replaced: [String] = []
            /// Schedules removed.
            package var removed: [String] = []

            /// Creates a list of changes.
            package init(added: [String] = [], replaced: [String] = [], removed: [String] = []) {
                self.added = added
                self.replaced = replaced
                self.removed = removed
            }

            /// Whether nothing changed.
            package var isEmpty: Bool { added.isEmpty && replaced.isEmpty && removed.isEmpty }
        }

        /// Adopts the desired schedules at start, against what the store holds from earlier runs.
        ///
        /// A stored schedule that differs from the desired one only in its enabled flag keeps the
        /// stored flag: an operator's `scheduler enable` or `disable` stands until the schedule's
        /// definition changes.
        package static func adopt(_ desired: [Schedule], in scheduler: Scheduler) async throws -> Changes {
            let stored = Dictionary(
                uniqueKeysWithValues: try await scheduler.schedules().map { ($0.schedule.name, $0.schedule) })
            var changes = Changes()
            let wanted = Set(desired.map(\.name))
            for name in stored.keys.sorted() where !wanted.contains(name) {
                try await scheduler.remove(name)
                changes.removed.append(name)
            }
            for schedule in desired {
                guard let current = stored[schedule.name] else {
                    try await scheduler.add(schedule)
                    changes.added.append(schedule.name)
                    continue
                }
                guard current != schedule, current != schedule.enabled(current.isEnabled) else { continue }
                try await scheduler.replace(schedule)
                changes.replaced.append(schedule.name)
            }
            return changes
        }

        /// Applies an edit of the desired schedules while the scheduler runs: only schedules whose
        /// definition changed between `previous` and `desired` are touched.
        package static func apply(
            _ desired: [Schedule], replacing previous: [Schedule], in scheduler: Scheduler
        ) async throws -> Changes {
            let before = Dictionary(uniqueKeysWithValues: previous.map { ($0.name, $0) })
            let present = Set(try await scheduler.schedules().map(\.schedule.name))
            var changes = Changes()
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
