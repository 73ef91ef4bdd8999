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
    import Scheduling

    /// Conversions between the store's rows and the library's values. Instants are stored as
    /// seconds since 1970 (REAL); attempts, results and schedule definitions as JSON text, whose
    /// instants are seconds since 1970 too.
    enum Records {
        static let upsertRun = """
            INSERT INTO runs (
                id, schedule, occurrence, origin, status, attempts, result, fallback, owner, fencing_token,
                created, finished, missed_deadline
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                schedule = excluded.schedule, occurrence = excluded.occurrence, origin = excluded.origin,
                status = excluded.status, attempts = excluded.attempts, result = excluded.result,
                fallback = excluded.fallback, owner = excluded.owner, fencing_token = excluded.fencing_token,
                created = excluded.created, finished = excluded.finished, missed_deadline = excluded.missed_deadline
            """

        static func arguments(of run: JobRun) throws -> StatementArguments {
            [
                run.id.uuidString, run.schedule, run.occurrence.timeIntervalSince1970, run.origin.rawValue,
                run.status.rawValue, try encode(run.attempts), try run.result.map(encode), run.fallback, run.owner,
                run.fencingToken, run.created.timeIntervalSince1970, run.finished?.timeIntervalSince1970,
                run.missedDeadline,
            ]
        }

        static func run(from row: Row, path: String) throws -> JobRun {
            let id: String = row["id"]
            guard let identifier = UUID(uuidString: id),
                let origin = JobRun.Origin(rawValue: row["origin"]),
                let status = JobRun.Status(rawValue: row["status"])
            else {
                throw invalid("run \(id)", path: path)
            }
            return JobRun(
                id: identifier,
                schedule: row["schedule"],
                occurrence: Date(timeIntervalSince1970: row["occurrence"]),
                origin: origin,
                status: status,
                attempts: try decode([JobRun.Attempt].self, from: row["attempts"], path: path),
                result: try (row["result"] as String?).map { try decode(JSONValue.self, from: $0, path: path) },
                fallback: row["fallback"],
                owner: row["owner"],
                fencingToken: row["fencing_token"],
                created: Date(timeIntervalSince1970: row["created"]),
                finished: date(row["finished"]),
                missedDeadline: row["missed_deadline"]
            )
        }

        static func skip(from row: Row, path: String) throws -> SkipRecord {
            guard let reason = SkipRecord.Reason(rawValue: row["reason"]) else {
                throw invalid("skip entry \(row["id"] as Int64)", path: path)
            }
            return SkipRecord(
                schedule: row["schedule"],
                occurrence: Date(timeIntervalSince1970: row["occurrence"]),
                reason: reason,
                detail: row["detail"],
                recorded: Date(timeIntervalSince1970: row["recorded"]),
                count: row["count"],
                lastOccurrence: date(row["last_occurrence"])
            )
        }

        static func date(_ seconds: Double?) -> Date? {
            seconds.map(Date.init(timeIntervalSince1970:))
        }

        static func encode(_ value: some Encodable) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.dateEncodingStrategy = .secondsSince1970
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }

        static func decode<T: Decodable>(_ type: T.Type, from text: String, path: String) throws -> T {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            do {
                return try decoder.decode(type, from: Data(text.utf8))
            } catch {
                throw SQLiteStoreError(
                    .invalidRecord,
                    path: path,
                    message: "a stored \(type) cannot be decoded: \(error)",
                    suggestion: "restore the file from a backup, or delete the record",
                    underlying: error
                )
            }
        }

        private static func invalid(_ record: String, path: String) -> SQLiteStoreError {
            SQLiteStoreError(
                .invalidRecord,
                path: path,
                message: "\(record) has a value this version does not know",
                suggestion: "open the file with the version that wrote it"
            )
        }
    }

    extension Duration {
        /// The duration in seconds, as a floating-point number.
        var timeInterval: TimeInterval {
            Double(components.seconds) + Double(components.attoseconds) / 1e18
        }
    }
#endif
