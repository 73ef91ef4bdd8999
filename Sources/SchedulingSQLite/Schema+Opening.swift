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

    extension Schema {
        /// Opens the file and brings its schema up to date, while other processes may be opening it
        /// too.
        ///
        /// The migrator reads which migrations a file has, then applies the others one transaction
        /// each: two processes that open a new file together both find it empty, and the second's
        /// first migration fails because the first's created its tables meanwhile (or the
        /// migrator's own table, between its checks). SQLite may also refuse a connection at once,
        /// without waiting, while another switches a new file to WAL. Such an open is tried again,
        /// from the ownership check on, for up to ``creationRaceLimit``: the next try finds the
        /// migrations the other process applied. A migration that fails while no other connection
        /// committed to the file is not tried again; neither is any other failure, nor one that
        /// goes on past the limit.
        static func openMigrated(path: String, configuration: Configuration) throws -> DatabasePool {
            let began = ContinuousClock.now
            var pause = Duration.milliseconds(5)
            while true {
                do {
                    try checkOwnership(path: path)
                    return try openOnce(path: path, configuration: configuration)
                } catch let error where ContinuousClock.now - began < creationRaceLimit && isCreationRace(error) {
                    // The other process needs a few milliseconds to finish.
                    Thread.sleep(forTimeInterval: pause / .seconds(1))
                    pause = min(pause * 2, .milliseconds(80))
                }
            }
        }

        /// How long an open goes on trying while other processes create or migrate the same file.
        static let creationRaceLimit = Duration.seconds(3)

        /// A migration that failed while another process applied migrations to the same file.
        private struct ConcurrentMigration: Error {
            var underlying: any Error
        }

        /// One try: opens a pool and migrates.
        private static func openOnce(path: String, configuration: Configuration) throws -> DatabasePool {
            let pool = try DatabasePool(path: path, configuration: configuration)
            do {
                // On the writer's connection, as the migrator reads: a reader's would open one more
                // connection, a read-only one, for nothing.
                let version = try pool.writeWithoutTransaction { try dataVersion($0) }
                do {
                    try migrator.migrate(pool)
                } catch {
                    // Another connection committed meanwhile: another process migrated too.
                    let after = try? pool.writeWithoutTransaction { try dataVersion($0) }
                    throw after != version ? ConcurrentMigration(underlying: error) : error
                }
                return pool
            } catch {
                try? pool.close()
                throw error
            }
        }

        /// A number that changes, for one connection, whenever another connection commits to the
        /// file: the writer's reads of it tell whether another process wrote between them.
        private static func dataVersion(_ db: Database) throws -> Int {
            try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        }

        /// Whether a failed open may succeed when tried again, once another process has finished
        /// creating or migrating the file.
        private static func isCreationRace(_ error: any Error) -> Bool {
            if error is ConcurrentMigration { return true }
            let underlying = (error as? SQLiteStoreError)?.underlying ?? error
            let code = (underlying as? DatabaseError)?.resultCode
            return code == .SQLITE_BUSY || code == .SQLITE_LOCKED
        }

        /// The error that a failed open throws, with the migration's own error when another
        /// process migrated the file meanwhile.
        static func openingError(_ error: any Error, path: String) -> SQLiteStoreError {
            if let error = error as? SQLiteStoreError { return error }
            if let race = error as? ConcurrentMigration { return classify(race.underlying, path: path) }
            return classify(error, path: path)
        }
    }
#endif
