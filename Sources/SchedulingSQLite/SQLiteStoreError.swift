//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if SQLite
    /// Why an SQLite store could not open or use its file.
    ///
    /// Errors compare by ``code``; ``description`` is for people and its wording may change.
    /// A file the store refuses to open is left exactly as it was.
    ///
    /// ```swift
    /// do {
    ///     let store = try SQLiteJobStore(path: "state.sqlite")
    /// } catch let error as SQLiteStoreError where error.code == .newerSchema {
    ///     print(error)  // written by a newer version: upgrade swift-scheduling
    /// }
    /// ```
    public struct SQLiteStoreError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What kind of failure it is. New codes may be added.
        public struct Code: Sendable, Hashable, CustomStringConvertible {
            private enum Base: String, Sendable, Hashable {
                case notADatabase
                case foreignDatabase
                case newerSchema
                case corruptDatabase
                case cannotOpen
                case storage
                case invalidRecord
                case instanceInUse
            }

            private let base: Base

            /// The file exists but is not an SQLite database.
            public static let notADatabase = Code(base: .notADatabase)
            /// The file is an SQLite database of another application.
            public static let foreignDatabase = Code(base: .foreignDatabase)
            /// The file was written by a newer version of this library, with a schema this one does not know.
            public static let newerSchema = Code(base: .newerSchema)
            /// The file claims to be an SQLite database but its content is damaged.
            public static let corruptDatabase = Code(base: .corruptDatabase)
            /// The file or its folder cannot be created or opened (permissions, missing volume).
            public static let cannotOpen = Code(base: .cannotOpen)
            /// SQLite reported an error while reading or writing (disk full, lock held too long).
            public static let storage = Code(base: .storage)
            /// A stored record cannot be decoded (edited by hand, or written by an incompatible version).
            public static let invalidRecord = Code(base: .invalidRecord)
            /// Another live process holds the instance name on this file (see
            /// ``SQLiteJobStore/lockInstance(_:)``).
            public static let instanceInUse = Code(base: .instanceInUse)

            /// The code's name.
            public var description: String { base.rawValue }
        }

        /// What kind of failure it is.
        public let code: Code
        /// The database file.
        public let path: String
        /// What went wrong.
        public let message: String
        /// What to do about it.
        public let suggestion: String?
        /// The error SQLite or a decoder reported, if any.
        public let underlying: (any Error)?

        /// Creates an error.
        public init(
            _ code: Code,
            path: String,
            message: String,
            suggestion: String? = nil,
            underlying: (any Error)? = nil
        ) {
            self.code = code
            self.path = path
            self.message = message
            self.suggestion = suggestion
            self.underlying = underlying
        }

        /// The file, the message and the suggestion, for people.
        public var description: String {
            var text = "\(path): \(message)"
            if let suggestion { text += "; \(suggestion)" }
            return text
        }

        /// Errors are equal when their codes are.
        public static func == (lhs: SQLiteStoreError, rhs: SQLiteStoreError) -> Bool {
            lhs.code == rhs.code
        }

        /// Hashes the code.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(code)
        }
    }
#endif
