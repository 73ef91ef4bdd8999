//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if SQLite
    import Foundation
    import GRDB

    /// The database schema, created and evolved by one migrator, and the checks that keep the store
    /// from touching a file that is not its own.
    enum Schema {
        /// Written into the file header (`PRAGMA application_id`): "SWSC".
        static let applicationID: Int32 = 0x5357_5343

        /// The statuses of a run that is not finished.
        static let activeStatuses = "('scheduled', 'running')"

        static var migrator: DatabaseMigrator {
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                try db.execute(
                    sql: """
                        CREATE TABLE schedules (
                            name TEXT PRIMARY KEY NOT NULL,
                            definition TEXT NOT NULL,
                            paused INTEGER NOT NULL DEFAULT 0
                        );
                        CREATE TABLE cursors (
                            schedule TEXT PRIMARY KEY NOT NULL,
                            occurrence REAL NOT NULL
                        );
                        CREATE TABLE claims (
                            token INTEGER PRIMARY KEY AUTOINCREMENT,
                            schedule TEXT NOT NULL,
                            occurrence REAL NOT NULL,
                            owner TEXT NOT NULL,
                            UNIQUE (schedule, occurrence)
                        );
                        CREATE TABLE runs (
                            id TEXT PRIMARY KEY NOT NULL,
                            schedule TEXT NOT NULL,
                            occurrence REAL NOT NULL,
                            origin TEXT NOT NULL,
                            status TEXT NOT NULL,
                            attempts TEXT NOT NULL,
                            result TEXT,
                            fallback TEXT,
                            owner TEXT,
                            fencing_token INTEGER,
                            created REAL NOT NULL,
                            finished REAL,
                            missed_deadline INTEGER NOT NULL DEFAULT 0
                        );
                        CREATE INDEX runs_by_schedule ON runs (schedule, occurrence, created);
                        CREATE INDEX runs_by_occurrence ON runs (occurrence, created);
                        CREATE INDEX runs_active ON runs (owner) WHERE status IN \(activeStatuses);
                        CREATE TABLE skips (
                            id INTEGER PRIMARY KEY,
                            schedule TEXT NOT NULL,
                            occurrence REAL NOT NULL,
                            reason TEXT NOT NULL,
                            detail TEXT NOT NULL,
                            recorded REAL NOT NULL,
                            count INTEGER NOT NULL,
                            last_occurrence REAL
                        );
                        CREATE INDEX skips_by_schedule ON skips (schedule, occurrence);
                        CREATE INDEX skips_by_occurrence ON skips (occurrence);
                        CREATE TABLE checkpoints (
                            run TEXT NOT NULL,
                            stage TEXT NOT NULL,
                            version INTEGER NOT NULL,
                            output BLOB NOT NULL,
                            created REAL NOT NULL,
                            PRIMARY KEY (run, stage, version)
                        );
                        CREATE INDEX checkpoints_by_created ON checkpoints (created);
                        CREATE TABLE leases (
                            instance TEXT PRIMARY KEY NOT NULL,
                            expiry REAL NOT NULL
                        );
                        """
                )
            }
            migrator.registerMigration("v2-requested-runs") { db in
                try db.execute(sql: "CREATE INDEX runs_requested ON runs (created) WHERE \(requested)")
            }
            migrator.registerMigration("v3-json-instants-since-1970", migrate: InstantMigration.run)
            return migrator
        }

        /// The condition of a claim whose occurrence has a run or a skip entry.
        static let claimIsRecorded = """
            (EXISTS (SELECT 1 FROM runs WHERE runs.schedule = claims.schedule AND runs.occurrence = claims.occurrence)
            OR EXISTS (SELECT 1 FROM skips WHERE skips.schedule = claims.schedule AND skips.occurrence = claims.occurrence))
            """

        /// The condition of a requested run: scheduled, with no owner yet.
        static let requested = "status = 'scheduled' AND owner IS NULL"

        /// Refuses a file that is not an SQLite database, before SQLite opens it.
        static func checkHeader(path: String) throws(SQLiteStoreError) {
            guard let handle = FileHandle(forReadingAtPath: path) else { return }  // missing: created later
            defer { try? handle.close() }
            let header: Data
            do {
                header = try handle.read(upToCount: 16) ?? Data()
            } catch {
                throw SQLiteStoreError(
                    .cannotOpen, path: path, message: "the file cannot be read", underlying: error)
            }
            guard !header.isEmpty else { return }  // an empty file is an empty database
            guard header == Data("SQLite format 3\u{0}".utf8) else {
                throw SQLiteStoreError(
                    .notADatabase,
                    path: path,
                    message: "the file is not an SQLite database",
                    suggestion: "point the store at a new path, or move this file away"
                )
            }
        }

        /// Refuses an SQLite file of another application, or one written by a newer schema, without
        /// changing it.
        static func checkOwnership(path: String) throws(SQLiteStoreError) {
            guard FileManager.default.fileExists(atPath: path) else { return }
            do {
                // Read-write, so that a WAL file without its -shm companion opens, but only read:
                // a queue leaves the journal mode alone, and nothing here writes.
                var configuration = Configuration()
                configuration.busyMode = .timeout(10)
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                defer { try? queue.close() }
                try queue.read { db throws in
                    let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                    guard tables > 0 else { return }
                    let identifier = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                    guard identifier == applicationID || isBeingCreated(db) else {
                        throw SQLiteStoreError(
                            .foreignDatabase,
                            path: path,
                            message: "the file is an SQLite database of another application",
                            suggestion: "point the store at a new path; this file is left untouched"
                        )
                    }
                    if try migrator.hasBeenSuperseded(db) {
                        let known = Set(migrator.migrations)
                        let newer = try migrator.appliedIdentifiers(db).subtracting(known).sorted()
                        throw SQLiteStoreError(
                            .newerSchema,
                            path: path,
                            message:
                                "the file was written by a newer version of swift-scheduling (schema \(newer.joined(separator: ", ")))",
                            suggestion: "upgrade swift-scheduling to open it; this file is left untouched"
                        )
                    }
                }
            } catch let error as SQLiteStoreError {
                throw error
            } catch {
                throw classify(error, path: path)
            }
        }

        /// Whether a file holds nothing but the migrator's empty table: a store that another process
        /// is creating, or whose creation stopped before its first migration. The first migration
        /// writes the application identifier together with the tables, so a file with anything else
        /// and no identifier is another application's.
        private static func isBeingCreated(_ db: Database) -> Bool {
            let names = (try? String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
            guard names == ["grdb_migrations"] else { return false }
            return (try? Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations")) == 0
        }

        /// Turns an SQLite error into the store's error.
        static func classify(_ error: any Error, path: String) -> SQLiteStoreError {
            guard let error = error as? DatabaseError else {
                return SQLiteStoreError(.storage, path: path, message: "\(error)", underlying: error)
            }
            switch error.resultCode {
            case .SQLITE_NOTADB:
                return SQLiteStoreError(
                    .notADatabase, path: path, message: "the file is not an SQLite database",
                    suggestion: "point the store at a new path, or move this file away", underlying: error)
            case .SQLITE_CORRUPT:
                return SQLiteStoreError(
                    .corruptDatabase, path: path, message: "the database is damaged (\(error.message ?? "corrupt"))",
                    suggestion: "restore it from a backup, or start a new file", underlying: error)
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
                return SQLiteStoreError(
                    .cannotOpen, path: path, message: "the file cannot be opened (\(error.message ?? "\(error)"))",
                    suggestion: "check that the folder exists and is writable", underlying: error)
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return SQLiteStoreError(
                    .storage, path: path, message: "the database stayed locked longer than the busy timeout",
                    suggestion: "raise the busy timeout, or find the process that holds the lock", underlying: error)
            default:
                return SQLiteStoreError(
                    .storage, path: path, message: error.message ?? "\(error)", underlying: error)
            }
        }
    }
#endif
