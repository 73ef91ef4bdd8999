//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// A time of day on a wall clock, to the minute: `06:00`, `13:30`.
///
/// ```swift
/// let time = try TimeOfDay("13:30")
/// print(time.hour, time.minute)  // 13 30
/// ```
public struct TimeOfDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The hour, 0 to 23.
    public let hour: Int
    /// The minute, 0 to 59.
    public let minute: Int

    /// Creates a time of day.
    ///
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` when the hour or minute is out of range.
    public init(hour: Int, minute: Int = 0) throws(SchedulingError) {
        guard (0...23).contains(hour), (0...59).contains(minute) else {
            throw SchedulingError(
                .invalidSchedule,
                message: "time of day \(hour.zeroPadded(2)):\(minute.zeroPadded(2)) is out of range",
                suggestion: "use an hour from 0 to 23 and a minute from 0 to 59"
            )
        }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (24-hour clock; one-digit hours are accepted).
    ///
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` naming the text when it is not a time of day.
    public init(_ text: String) throws(SchedulingError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else {
            throw SchedulingError(
                .invalidSchedule,
                message: "'\(text)' is not a time of day",
                suggestion: "write it as HH:MM on a 24-hour clock, such as 06:00 or 13:30"
            )
        }
        try self.init(hour: hour, minute: minute)
    }

    /// The time as `HH:MM`.
    public var description: String {
        "\(hour.zeroPadded(2)):\(minute.zeroPadded(2))"
    }

    /// The cron expression that fires at this time every day, such as `30 13 * * *`: the one
    /// place a time of day becomes fire times, with the cron rules for DST gaps and folds.
    var dailyExpression: CronExpression {
        // Two integers in range always make a valid expression.
        // swift-format-ignore: NeverUseForceTry
        try! CronExpression("\(minute) \(hour) * * *")
    }

    /// Earlier times sort first.
    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool {
        (lhs.hour, lhs.minute) < (rhs.hour, rhs.minute)
    }

    /// Decodes `HH:MM`.
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes `HH:MM`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
