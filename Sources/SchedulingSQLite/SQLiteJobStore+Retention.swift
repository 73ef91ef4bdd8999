//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if SQLite
    public import Foundation
    import GRDB
    import Scheduling
    import Synchronization

    extension SQLiteJobStore {
        /// Deletes the history that ``Configuration/retention`` no longer keeps: finished runs and
        /// skip entries older than its maximum age (a folded skip entry by the last occurrence it
        /// counts), those beyond its count per schedule, and
        /// checkpoints older than the maximum age. Active runs are never deleted.
        ///
        /// The store calls it itself at most once per retention interval of recorded time; call it
        /// directly after changing the policy or from a maintenance command.
        ///
        /// - Parameter now: The instant ages are measured from.
        /// - Returns: The number of runs deleted.
        @discardableResult
        public func pruneHistory(now: Date) async throws -> Int {
            let retention = configuration.retention
            let cutoff = retention.maximumAge.map { now.timeIntervalSince1970 - $0.timeInterval }
            let keep = retention.runsPerSchedule
            return try await write { db in
                var deleted = 0
                if let cutoff {
                    try db.execute(
                        sql: "DELETE FROM runs WHERE occurrence < ? AND status NOT IN \(Schema.activeStatuses)",
                        arguments: [cutoff])
                    deleted += db.changesCount
                    // A folded entry (see `SkipRecord.count`) is as old as the last occurrence it counts.
                    try db.execute(
                        sql: """
                            DELETE FROM skips
                            WHERE occurrence < ? AND (last_occurrence IS NULL OR last_occurrence < ?)
                            """,
                        arguments: [cutoff, cutoff])
                    try db.execute(sql: "DELETE FROM checkpoints WHERE created < ?", arguments: [cutoff])
                }
                if let keep {
                    deleted += try Self.trim(
                        db, table: "runs", keep: keep, extra: "AND status NOT IN \(Schema.activeStatuses)")
                    _ = try Self.trim(db, table: "skips", keep: keep, extra: "")
                }
                return deleted
            }
        }

        /// Keeps the newest `keep` rows of each schedule in a table, using its (schedule, occurrence) index.
        private static func trim(_ db: Database, table: String, keep: Int, extra: String) throws -> Int {
            var deleted = 0
            let schedules = try String.fetchAll(db, sql: "SELECT DISTINCT schedule FROM \(table)")
            for schedule in schedules {
                guard
                    let boundary = try Double.fetchOne(
                        db,
                        sql:
                            "SELECT occurrence FROM \(table) WHERE schedule = ? ORDER BY occurrence DESC LIMIT 1 OFFSET ?",
                        arguments: [schedule, keep - 1]
                    )
                else { continue }
                try db.execute(
                    sql: "DELETE FROM \(table) WHERE schedule = ? AND occurrence < ? \(extra)",
                    arguments: [schedule, boundary]
                )
                deleted += db.changesCount
            }
            return deleted
        }

        /// Prunes history when the latest finish among saved runs makes a prune due.
        func pruneIfDue(after runs: [JobRun]) async throws {
            guard let finished = runs.lazy.filter(\.status.isFinished).compactMap(\.finished).max(),
                pruneIsDue(at: finished)
            else { return }
            try await pruneHistory(now: finished)
        }

        /// Whether a run finished at an instant should prune, and if so records that it did.
        func pruneIsDue(at instant: Date) -> Bool {
            let interval = configuration.retention.interval.timeInterval
            return lastPrune.withLock { last in
                if let previous = last, instant.timeIntervalSince(previous) < interval, instant >= previous {
                    return false
                }
                last = instant
                return true
            }
        }
    }
#endif
