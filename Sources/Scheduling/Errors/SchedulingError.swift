//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The error thrown by the `Scheduling` module.
///
/// Compare errors by their ``code``; the other properties carry context for people.
///
/// ```swift
/// do {
///     _ = try CronExpression("0 24 * * *")
/// } catch let error as SchedulingError where error.code == .invalidCronExpression {
///     print(error)  // hour 24 is out of range 0-23 (column 3); use a value from 0 to 23
/// }
/// ```
public struct SchedulingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is.
    ///
    /// New codes may be added in any release, so switch over them with a `default` case.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidCronExpression
            case unknownTimeZone
            case invalidTimestamp
            case noOccurrence
            case invalidSchedule
            case scheduleNotFound
            case scheduleExists
            case jobNotFound
            case invalidParameters
            case processFailed
            case timedOut
            case notRunning
        }

        private let base: Base

        /// A cron expression could not be parsed or can never fire.
        public static let invalidCronExpression = Code(base: .invalidCronExpression)
        /// A time zone name is not a known IANA identifier.
        public static let unknownTimeZone = Code(base: .unknownTimeZone)
        /// A timestamp is not an RFC 3339 instant.
        public static let invalidTimestamp = Code(base: .invalidTimestamp)
        /// No occurrence exists within the search horizon.
        public static let noOccurrence = Code(base: .noOccurrence)
        /// A schedule's definition is invalid: a bad name, bounds in the wrong order, a zero interval.
        public static let invalidSchedule = Code(base: .invalidSchedule)
        /// No schedule has the given name.
        public static let scheduleNotFound = Code(base: .scheduleNotFound)
        /// A schedule with the given name already exists; use `replace` to change it.
        public static let scheduleExists = Code(base: .scheduleExists)
        /// No executor knows the job a schedule names.
        public static let jobNotFound = Code(base: .jobNotFound)
        /// A job's JSON parameters do not decode into the type the job expects.
        public static let invalidParameters = Code(base: .invalidParameters)
        /// A process exited with a non-zero status or could not be started.
        public static let processFailed = Code(base: .processFailed)
        /// An attempt ran longer than its schedule's timeout.
        public static let timedOut = Code(base: .timedOut)
        /// The operation needs a running scheduler.
        public static let notRunning = Code(base: .notRunning)

        /// The code's name, for logs.
        public var description: String { base.rawValue }
    }

    /// What kind of error this is; the only property that equality and hashing look at.
    public let code: Code
    /// What is wrong, for people. The wording may change between releases.
    public let message: String
    /// How to fix it, where there is an obvious fix.
    public let suggestion: String?
    /// The cron field the error is in, for cron expression errors.
    public let field: CronField?
    /// The 1-based character position in the input where the problem starts.
    public let position: Int?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of error.
    ///   - message: What is wrong.
    ///   - suggestion: How to fix it.
    ///   - field: The cron field involved.
    ///   - position: The 1-based character position in the input.
    public init(
        _ code: Code,
        message: String,
        suggestion: String? = nil,
        field: CronField? = nil,
        position: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.suggestion = suggestion
        self.field = field
        self.position = position
    }

    /// A sentence for people: the message, the column where there is one, and the fix.
    ///
    /// The format may change between releases; do not parse it.
    public var description: String {
        var text = message
        if let position { text += " (column \(position))" }
        if let suggestion { text += "; \(suggestion)" }
        return text
    }

    /// Errors are equal when their codes are.
    public static func == (lhs: SchedulingError, rhs: SchedulingError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}

extension SchedulingError {
    /// The error for an operation on a schedule that does not exist.
    ///
    /// Stores throw it from ``JobStore/setPaused(_:schedule:)``:
    ///
    /// ```swift
    /// guard updated else { throw SchedulingError.scheduleNotFound(name) }
    /// ```
    ///
    /// - Parameter name: The schedule's name.
    /// - Returns: An error with the code ``Code/scheduleNotFound``.
    public static func scheduleNotFound(_ name: String) -> SchedulingError {
        SchedulingError(
            .scheduleNotFound,
            message: "no schedule is named '\(name)'",
            suggestion: "check the name with `scheduler status`"
        )
    }

    /// The error for a job name that no executor knows.
    static func jobNotFound(_ name: String) -> SchedulingError {
        SchedulingError(
            .jobNotFound,
            message: "no job is registered as '\(name)'",
            suggestion: "register it with JobRegistry.register(\"\(name)\", ...) before starting the scheduler"
        )
    }
}

extension SchedulingError.Code {
    /// Matches an error against a code in a `catch` or `switch` pattern.
    ///
    /// ```swift
    /// catch SchedulingError.Code.unknownTimeZone { ... }
    /// ```
    public static func ~= (code: SchedulingError.Code, error: any Error) -> Bool {
        (error as? SchedulingError)?.code == code
    }
}
