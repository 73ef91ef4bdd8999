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
    import Logging
    import Scheduling

    /// Temporary files and shared values for the SQLite tests.
    enum Fixture {
        static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

        static func date(_ text: String) -> Date {
            // Test literals are valid RFC 3339.
            // swift-format-ignore: NeverUseForceTry
            try! Timestamp.date(from: text)
        }

        /// Calls `body` with a path in a new temporary folder, and removes the folder afterwards.
        static func withTemporaryFile<T>(
            _ name: String = "state.sqlite",
            _ body: (String) async throws -> T
        ) async throws -> T {
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("swift-scheduling-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            return try await body(folder.appendingPathComponent(name).path)
        }

        /// Runs SQL statements on a file through a plain connection, as another program would,
        /// and closes it.
        static func execute(_ statements: String..., on path: String) async throws {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                for statement in statements { try db.execute(sql: statement) }
            }
            try queue.close()
        }

        static func finishedRun(_ schedule: String, at occurrence: Date, status: JobRun.Status = .succeeded) -> JobRun {
            JobRun(
                schedule: schedule,
                occurrence: occurrence,
                status: status,
                attempts: [
                    JobRun.Attempt(
                        number: 1, job: "job", started: occurrence, finished: occurrence.addingTimeInterval(1),
                        status: status)
                ],
                created: occurrence,
                finished: status.isFinished ? occurrence.addingTimeInterval(1) : nil
            )
        }
    }
#endif
