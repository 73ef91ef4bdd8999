//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// A calendar date without a time or zone, such as the anchor of "every 2 days".
///
/// ```swift
/// let anchor = try LocalDate("2026-01-01")
/// ```
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 31.
    public let day: Int

    /// 1970-01-01, the default anchor.
    public static let epoch = LocalDate(checked: CivilDate(year: 1970, month: 1, day: 1))

    /// Creates a date.
    ///
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` when the date does not exist.
    public init(year: Int, month: Int, day: Int) throws(SchedulingError) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CivilDate.daysInMonth(year: year, month: month)).contains(day)
        else {
            throw SchedulingError(
                .invalidSchedule,
                message: "\(year.zeroPadded(4))-\(month.zeroPadded(2))-\(day.zeroPadded(2)) is not a date",
                suggestion: "use a date that exists, written YYYY-MM-DD"
            )
        }
        self.init(checked: CivilDate(year: year, month: month, day: day))
    }

    /// Parses `YYYY-MM-DD`.
    ///
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` naming the text when it is not a date.
    public init(_ text: String) throws(SchedulingError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else {
            throw SchedulingError(
                .invalidSchedule,
                message: "'\(text)' is not a date",
                suggestion: "write it as YYYY-MM-DD, such as 2026-01-01"
            )
        }
        try self.init(year: year, month: month, day: day)
    }

    init(checked civil: CivilDate) {
        year = civil.year
        month = civil.month
        day = civil.day
    }

    var civil: CivilDate { CivilDate(year: year, month: month, day: day) }

    /// The date as `YYYY-MM-DD`.
    public var description: String {
        "\(year.zeroPadded(4))-\(month.zeroPadded(2))-\(day.zeroPadded(2))"
    }

    /// Earlier dates sort first.
    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
