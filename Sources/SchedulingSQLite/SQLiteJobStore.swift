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
    public import Scheduling
    import Synchronization

    /// A durable `JobStore` in one SQLite file: the embedded default.
    ///
    /// The file is opened in WAL mode with `synchronous=NORMAL` (a write survives a crash of the
    /// process; a power loss can lose the last transactions, never corrupt the file) and a busy
    /// timeout, so several processes (a daemon and the CLI beside it) can share it: a writer waits
    /// for another instead of failing with "database is locked". The schema is created and evolved
    /// by a migrator; processes that open a new file at the same moment wait for each other's
    /// migrations instead of failing. A file that is not an SQLite database, a database of another application, and
    /// a file written by a newer version are refused with an ``SQLiteStoreError`` and left untouched.
    ///
    /// ```swift
    /// let store = try SQLiteJobStore(path: ".scheduler/state.sqlite")
    /// let scheduler = Scheduler(store: store, executor: jobs, logger: logger)
    /// ```
    ///
    /// History is kept within ``Configuration/retention``: finished runs and skip entries older
    /// than its age, or beyond its count per schedule, are deleted at most once per
    /// `HistoryRetention/interval` of recorded time (the clock of the runs, not the wall clock, so
    /// virtual-time tests prune too), or when you call ``pruneHistory(now:)``.
    public final class SQLiteJobStore: JobStore {
        /// How the store opens and keeps its file.
        public struct Configuration: Sendable, Hashable {
            /// How long a writer waits for another process's write before failing. Default 10 seconds.
            public var busyTimeout: Duration
            /// What history is kept. Default: 90 days, at most 10,000 runs per schedule.
            public var retention: HistoryRetention

            /// Creates a configuration.
            public init(busyTimeout: Duration = .seconds(10), retention: HistoryRetention = HistoryRetention()) {
                self.busyTimeout = busyTimeout
                self.retention = retention
            }
        }

        /// The database file.
        public let path: String
        /// How the store was opened.
        public let configuration: Configuration

        let pool: DatabasePool
        /// The finish time of the run that last triggered a prune.
        let lastPrune = Mutex<Date?>(nil)

        /// Opens the store in a file, creating the file and its folder if missing, and creating or
        /// upgrading the schema.
        ///
        /// - Parameters:
        ///   - path: The database file.
        ///   - configuration: How to open and keep it.
        /// - Throws: ``SQLiteStoreError`` when the file is not an SQLite database
        ///   (``SQLiteStoreError/Code/notADatabase``), belongs to another application
        ///   (``SQLiteStoreError/Code/foreignDatabase``), was written by a newer version
        ///   (``SQLiteStoreError/Code/newerSchema``), is damaged
        ///   (``SQLiteStoreError/Code/corruptDatabase``) or cannot be created
        ///   (``SQLiteStoreError/Code/cannotOpen``). In each case the file is left as it was.
        public init(path: String, configuration: Configuration = Configuration()) throws {
            self.path = path
            self.configuration = configuration
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw SQLiteStoreError(
                    .cannotOpen, path: path, message: "the folder \(folder.path) cannot be created",
                    suggestion: "check the path and its permissions", underlying: error)
            }
            try Schema.checkHeader(path: path)
            var options = GRDB.Configuration()
            options.busyMode = .timeout(configuration.busyTimeout.timeInterval)
            options.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            do {
                pool = try Schema.openMigrated(path: path, configuration: options)
            } catch {
                throw Schema.openingError(error, path: path)
            }
        }

        /// Closes the file. Later calls throw.
        public func close() throws {
            do {
                try pool.close()
            } catch {
                throw Schema.classify(error, path: path)
            }
        }

        // MARK: Schedules

        /// Inserts or replaces a schedule's definition, keeping its paused flag and cursor.
        public func saveSchedule(_ schedule: Schedule) async throws {
            let definition = try Records.encode(schedule)
            try await write { db in
                try db.execute(
                    sql: """
                        INSERT INTO schedules (name, definition) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET definition = excluded.definition
                        """,
                    arguments: [schedule.name, definition]
                )
            }
        }

        /// Removes a schedule's definition and state; its runs, skips, claims and cursor stay.
        public func deleteSchedule(named name: String) async throws -> Bool {
            try await write { db in
                try db.execute(sql: "DELETE FROM schedules WHERE name = ?", arguments: [name])
                return db.changesCount > 0
            }
        }

        /// Every schedule with its state, ordered by name.
        public func schedules() async throws -> [StoredSchedule] {
            let path = path
            return try await read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.name, s.definition, s.paused, c.occurrence AS cursor
                        FROM schedules s LEFT JOIN cursors c ON c.schedule = s.name
                        ORDER BY s.name
                        """
                )
                return try rows.map { row in
                    StoredSchedule(
                        schedule: try Records.decode(Schedule.self, from: row["definition"], path: path),
                        isPaused: row["paused"],
                        cursor: Records.date(row["cursor"])
                    )
                }
            }
        }

        /// Sets a schedule's paused flag.
        public func setPaused(_ paused: Bool, schedule name: String) async throws {
            let updated = try await write { db in
                try db.execute(sql: "UPDATE schedules SET paused = ? WHERE name = ?", arguments: [paused, name])
                return db.changesCount > 0
            }
            guard updated else { throw SchedulingError.scheduleNotFound(name) }
        }

        /// Moves a schedule's cursor forward and forgets the recorded claims it now covers.
        public func advanceCursor(of name: String, to occurrence: Date) async throws {
            try await write { db in try Self.advanceCursor(of: name, to: occurrence, in: db) }
        }

        /// Moves several cursors forward in one transaction.
        public func advanceCursors(_ cursors: [String: Date]) async throws {
            guard !cursors.isEmpty else { return }
            try await write { db in
                for (name, occurrence) in cursors { try Self.advanceCursor(of: name, to: occurrence, in: db) }
            }
        }

        /// Moves a cursor forward and drops the claims it now covers whose occurrence is recorded; a
        /// claim without a run or a skip entry stays for ``interruptRuns(ownedByLeasesExpiredAt:)``.
        private static func advanceCursor(of name: String, to occurrence: Date, in db: Database) throws {
            let instant = occurrence.timeIntervalSince1970
            try db.cachedStatement(
                sql: """
                    INSERT INTO cursors (schedule, occurrence) VALUES (?, ?)
                    ON CONFLICT (schedule) DO UPDATE SET occurrence = excluded.occurrence
                    WHERE excluded.occurrence > cursors.occurrence
                    """
            ).execute(arguments: [name, instant])
            guard db.changesCount > 0 else { return }
            try db.cachedStatement(
                sql: "DELETE FROM claims WHERE schedule = ? AND occurrence <= ? AND \(Schema.claimIsRecorded)"
            ).execute(arguments: [name, instant])
        }

        /// Claims an occurrence once: a unique row per (schedule, occurrence), refused at or before
        /// the cursor, in one transaction.
        public func claim(_ occurrence: Date, of schedule: String, owner: String) async throws -> Int64? {
            try await write { db in try Self.claim(occurrence, of: schedule, owner: owner, in: db) }
        }

        /// Claims occurrences in one transaction, each as ``claim(_:of:owner:)`` does. The cursors
        /// of all their schedules are read with one query.
        public func claim(_ occurrences: [Occurrence], owner: String) async throws -> [Int64?] {
            guard !occurrences.isEmpty else { return [] }
            let names = String(decoding: try JSONEncoder().encode(Set(occurrences.map(\.schedule))), as: UTF8.self)
            return try await write { db in
                var cursors: [String: Double] = [:]
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql:
                            "SELECT schedule, occurrence FROM cursors WHERE schedule IN (SELECT value FROM json_each(?))"
                    ),
                    arguments: [names])
                while let row = try rows.next() { cursors[row[0]] = row[1] }
                return try occurrences.map {
                    try Self.claim($0.instant, of: $0.schedule, owner: owner, cursor: cursors[$0.schedule], in: db)
                }
            }
        }

        private static func claim(_ occurrence: Date, of schedule: String, owner: String, in db: Database) throws
            -> Int64?
        {
            let cursor = try Double.fetchOne(
                db.cachedStatement(sql: "SELECT occurrence FROM cursors WHERE schedule = ?"), arguments: [schedule])
            return try claim(occurrence, of: schedule, owner: owner, cursor: cursor, in: db)
        }

        /// Inserts a claim unless the occurrence is at or before the schedule's cursor.
        private static func claim(
            _ occurrence: Date, of schedule: String, owner: String, cursor: Double?, in db: Database
        ) throws -> Int64? {
            let instant = occurrence.timeIntervalSince1970
            if let cursor, instant <= cursor { return nil }
            try db.cachedStatement(
                sql: "INSERT INTO claims (schedule, occurrence, owner) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
            ).execute(arguments: [schedule, instant, owner])
            return db.changesCount > 0 ? db.lastInsertedRowID : nil
        }

        // MARK: Runs

        /// Inserts or replaces a run. A finished run may trigger a prune of old history (see
        /// ``Configuration/retention``).
        public func saveRun(_ run: JobRun) async throws {
            let values = try Records.arguments(of: run)
            try await writeStatement { db in
                try db.cachedStatement(sql: Records.upsertRun).execute(arguments: values)
            }
            try await pruneIfDue(after: [run])
        }

        /// Inserts or replaces many runs in one transaction: what a scheduler's loop changed in
        /// one pass, or a bulk load.
        ///
        /// - Parameter runs: The runs; later entries with the same identifier win.
        public func saveRuns(_ runs: [JobRun]) async throws {
            guard !runs.isEmpty else { return }
            let values = try runs.map(Records.arguments(of:))
            try await write { db in
                let statement = try db.cachedStatement(sql: Records.upsertRun)
                for arguments in values { try statement.execute(arguments: arguments) }
            }
            try await pruneIfDue(after: runs)
        }

        /// The run with an identifier.
        public func run(id: UUID) async throws -> JobRun? {
            let path = path
            return try await read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id.uuidString])
                    .map { try Records.run(from: $0, path: path) }
            }
        }

        /// Runs matching a query, newest occurrence first.
        public func runs(matching query: RunQuery) async throws -> [JobRun] {
            let filter = Filter(query)
            let sql =
                "SELECT * FROM runs\(filter.clause) ORDER BY occurrence DESC, created DESC, id DESC LIMIT ? OFFSET ?"
            let arguments = StatementArguments(filter.arguments + [max(0, query.limit), max(0, query.offset)])
            let path = path
            return try await read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Records.run(from: $0, path: path) }
            }
        }

        /// The number of runs matching a query's filters, counted in the database.
        public func countRuns(matching query: RunQuery) async throws -> Int {
            let filter = Filter(query)
            let arguments = StatementArguments(filter.arguments)
            let sql = "SELECT count(*) FROM runs\(filter.clause)"
            return try await read { db in
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
        }

        // MARK: Skips

        /// Appends entries to the skip ledger in one transaction.
        public func recordSkips(_ skips: [SkipRecord]) async throws {
            guard !skips.isEmpty else { return }
            try await write { db in
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT INTO skips (schedule, occurrence, reason, detail, recorded, count, last_occurrence)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                )
                for skip in skips {
                    try statement.execute(arguments: [
                        skip.schedule, skip.occurrence.timeIntervalSince1970, skip.reason.rawValue, skip.detail,
                        skip.recorded.timeIntervalSince1970, skip.count, skip.lastOccurrence?.timeIntervalSince1970,
                    ])
                }
            }
        }

        /// Skip entries matching a query, newest occurrence first.
        public func skips(matching query: SkipQuery) async throws -> [SkipRecord] {
            var filter = Filter()
            if let schedule = query.schedule { filter.add("schedule = ?", schedule) }
            if let reason = query.reason { filter.add("reason = ?", reason.rawValue) }
            if let from = query.from { filter.add("occurrence >= ?", from.timeIntervalSince1970) }
            if let to = query.to { filter.add("occurrence < ?", to.timeIntervalSince1970) }
            let sql =
                "SELECT * FROM skips\(filter.clause) ORDER BY occurrence DESC, recorded DESC, schedule DESC LIMIT ? OFFSET ?"
            let arguments = StatementArguments(filter.arguments + [max(0, query.limit), max(0, query.offset)])
            let path = path
            return try await read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Records.skip(from: $0, path: path) }
            }
        }

        // MARK: Checkpoints

        /// Stores a checkpoint, replacing one for the same run, stage and version.
        public func saveCheckpoint(_ checkpoint: Checkpoint) async throws {
            try await write { db in
                try db.execute(
                    sql: """
                        INSERT INTO checkpoints (run, stage, version, output, created) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (run, stage, version) DO UPDATE SET output = excluded.output, created = excluded.created
                        """,
                    arguments: [
                        checkpoint.run.uuidString, checkpoint.stage, checkpoint.version, checkpoint.output,
                        checkpoint.created.timeIntervalSince1970,
                    ]
                )
            }
        }

        /// The checkpoint of a run's stage at a version.
        public func checkpoint(run: UUID, stage: String, version: Int) async throws -> Checkpoint? {
            try await read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT output, created FROM checkpoints WHERE run = ? AND stage = ? AND version = ?",
                    arguments: [run.uuidString, stage, version]
                )
                .map { row in
                    Checkpoint(
                        run: run, stage: stage, version: version, output: row["output"],
                        created: Date(timeIntervalSince1970: row["created"]))
                }
            }
        }

        // MARK: Leases

        /// Creates or extends an instance's lease.
        public func renewLease(instance: String, until expiry: Date) async throws {
            try await write { db in
                try db.execute(
                    sql: """
                        INSERT INTO leases (instance, expiry) VALUES (?, ?)
                        ON CONFLICT (instance) DO UPDATE SET expiry = excluded.expiry
                        """,
                    arguments: [instance, expiry.timeIntervalSince1970]
                )
            }
        }

        /// Ends an instance's lease.
        public func releaseLease(instance: String) async throws {
            try await write { db in
                try db.execute(sql: "DELETE FROM leases WHERE instance = ?", arguments: [instance])
            }
        }

        /// Marks as interrupted, in one transaction, every active run whose owner holds no live
        /// lease, and records an interrupted run for each claim of such an owner that has neither
        /// a run nor a skip entry.
        public func interruptRuns(ownedByLeasesExpiredAt now: Date) async throws -> [JobRun] {
            let path = path
            return try await write { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM runs
                        WHERE status IN \(Schema.activeStatuses)
                        AND NOT (\(Schema.requested))
                        AND (owner IS NULL OR owner NOT IN (SELECT instance FROM leases WHERE expiry > ?))
                        ORDER BY occurrence, created, id
                        """,
                    arguments: [now.timeIntervalSince1970]
                )
                let statement = try db.cachedStatement(sql: Records.upsertRun)
                let interrupted = try rows.map { row in
                    var run = try Records.run(from: row, path: path)
                    run.markInterrupted(at: now)
                    try statement.execute(arguments: try Records.arguments(of: run))
                    return run
                }
                let unrecorded = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT token, schedule, occurrence, owner FROM claims
                        WHERE owner NOT IN (SELECT instance FROM leases WHERE expiry > ?)
                        AND NOT \(Schema.claimIsRecorded)
                        """,
                    arguments: [now.timeIntervalSince1970]
                ).map { row in
                    let occurrence = Occurrence(
                        schedule: row["schedule"], instant: Date(timeIntervalSince1970: row["occurrence"]))
                    let run = JobRun.interruptedClaim(
                        occurrence, owner: row["owner"], fencingToken: row["token"], at: now)
                    try statement.execute(arguments: try Records.arguments(of: run))
                    return run
                }
                return (interrupted + unrecorded).sorted {
                    ($0.occurrence, $0.schedule) < ($1.occurrence, $1.schedule)
                }
            }
        }

        /// Takes the runs that wait for an owner, in one transaction.
        ///
        /// A daemon calls it every second, so it first looks with a read on an index and only
        /// writes when there is a request.
        public func takeRequestedRuns(owner: String) async throws -> [JobRun] {
            let sql = "SELECT * FROM runs WHERE \(Schema.requested) ORDER BY created, id"
            let pending = try await read { db in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE \(Schema.requested))") ?? false
            }
            guard pending else { return [] }
            let path = path
            return try await write { db in
                let rows = try Row.fetchAll(db, sql: sql)
                guard !rows.isEmpty else { return [] }
                let statement = try db.cachedStatement(sql: Records.upsertRun)
                return try rows.map { row in
                    var run = try Records.run(from: row, path: path)
                    run.owner = owner
                    try statement.execute(arguments: try Records.arguments(of: run))
                    return run
                }
            }
        }

        // MARK: Access

        func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
            do {
                return try await pool.write(body)
            } catch let error as SchedulingError {
                throw error
            } catch let error as SQLiteStoreError {
                throw error
            } catch {
                throw Schema.classify(error, path: path)
            }
        }

        /// Runs one statement in autocommit mode: atomic without the cost of a transaction.
        func writeStatement(_ body: @escaping @Sendable (Database) throws -> Void) async throws {
            do {
                try await pool.writeWithoutTransaction(body)
            } catch {
                throw Schema.classify(error, path: path)
            }
        }

        func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
            do {
                return try await pool.read(body)
            } catch let error as SQLiteStoreError {
                throw error
            } catch {
                throw Schema.classify(error, path: path)
            }
        }
    }

    /// A WHERE clause built from optional conditions.
    private struct Filter {
        private var conditions: [String] = []
        private(set) var arguments: [(any DatabaseValueConvertible)?] = []

        init() {}

        init(_ query: RunQuery) {
            if let schedule = query.schedule { add("schedule = ?", schedule) }
            if let statuses = query.statuses { add(in: "status", statuses.map(\.rawValue)) }
            if let from = query.from { add("occurrence >= ?", from.timeIntervalSince1970) }
            if let to = query.to { add("occurrence < ?", to.timeIntervalSince1970) }
        }

        var clause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }

        mutating func add(_ condition: String, _ value: some DatabaseValueConvertible) {
            conditions.append(condition)
            arguments.append(value)
        }

        mutating func add(in column: String, _ values: [String]) {
            guard !values.isEmpty else {
                conditions.append("0")
                return
            }
            conditions.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
            arguments.append(contentsOf: values.sorted().map { $0 as (any DatabaseValueConvertible)? })
        }
    }
#endif
