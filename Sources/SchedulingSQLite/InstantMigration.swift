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

    /// The migration `v3-json-instants-since-1970`: before it, the instants inside the store's JSON
    /// text were seconds since 2001 (Foundation's default), unlike the columns' seconds since 1970.
    ///
    /// It does not read the JSON as the library's current types, so that it depends neither on how
    /// a later version decodes them nor on the time zones installed. Schedule definitions (a few)
    /// are read as plain JSON, and only the numbers at the keys that held instants move: `start`,
    /// `end`, and the trigger's `anchor` (intervals) and `at` (one-shots). Every other number is
    /// written back exactly. Attempts (one list per run, so many) are read as the attempt record of
    /// the schema before v3, frozen here, and written back with the same keys.
    enum InstantMigration {
        /// An attempt as the schema before v3 stored it.
        private struct Attempt: Codable {
            var number: Int
            var job: String
            var isFallback: Bool
            var started: Date
            var finished: Date?
            var status: String
            var error: String?
        }

        static func run(_ db: Database) throws {
            try rewrite(column: "definition", of: "schedules", db) { text in
                guard var definition = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                else { return nil }
                shift(["start", "end"], in: &definition)
                if var trigger = definition["trigger"] as? [String: Any] {
                    shift(["anchor", "at"], in: &trigger)
                    definition["trigger"] = trigger
                }
                return try? JSONSerialization.data(withJSONObject: definition, options: [.sortedKeys])
            }
            let decoder = JSONDecoder()  // seconds since 2001
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.dateEncodingStrategy = .secondsSince1970
            try rewrite(column: "attempts", of: "runs", db) { text in
                guard let attempts = try? decoder.decode([Attempt].self, from: Data(text.utf8)) else { return nil }
                return try? encoder.encode(attempts)
            }
        }

        /// Adds the seconds from 1970 to 2001 to the numbers at `keys`; other values stay as they are.
        private static func shift(_ keys: [String], in object: inout [String: Any]) {
            for key in keys {
                if let seconds = (object[key] as? NSNumber)?.doubleValue {
                    object[key] = NSNumber(value: seconds + Date.timeIntervalBetween1970AndReferenceDate)
                }
            }
        }

        /// Rewrites a JSON column ten thousand rows at a time through two prepared statements.
        /// Empty arrays hold no instant and are left alone, and so is text that is not the JSON
        /// expected (`transform` returns nil): reading it reports the record, as before.
        private static func rewrite(
            column: String, of table: String, _ db: Database, _ transform: (String) -> Data?
        ) throws {
            let select = try db.makeStatement(
                sql: """
                    SELECT rowid, \(column) FROM \(table) WHERE rowid > ? AND \(column) <> '[]'
                    ORDER BY rowid LIMIT 10000
                    """)
            let update = try db.makeStatement(sql: "UPDATE \(table) SET \(column) = ? WHERE rowid = ?")
            var last: Int64 = 0
            while true {
                let rows = try Row.fetchAll(select, arguments: [last])
                guard let final = rows.last else { return }
                last = final[0]
                for row in rows {
                    guard let rewritten = transform(row[1]) else { continue }
                    try update.execute(arguments: [String(decoding: rewritten, as: UTF8.self), row[0] as Int64])
                }
            }
        }
    }
#endif
