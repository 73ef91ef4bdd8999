//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// Reads and writes instants as RFC 3339 text, without Foundation's formatters.
///
/// Output is always UTC with second precision, `2026-03-08T07:00:00Z`. Input may carry
/// fractional seconds and an offset, `2026-03-08T02:00:00.5-05:00`.
///
/// ```swift
/// let date = try Timestamp.date(from: "2026-12-01T06:00:00Z")
/// print(Timestamp.string(from: date))  // 2026-12-01T06:00:00Z
/// ```
public enum Timestamp {
    /// Formats an instant as `YYYY-MM-DDTHH:MM:SSZ`, rounding down to the second.
    ///
    /// - Parameter date: The instant.
    /// - Returns: The text.
    public static func string(from date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends an instant as `YYYY-MM-DDTHH:MM:SSZ` to a byte buffer: the allocation-free path for
    /// printing many instants.
    ///
    /// - Parameters:
    ///   - date: The instant, rounded down to the second.
    ///   - buffer: The buffer to append UTF-8 bytes to.
    public static func append(_ date: Date, to buffer: inout [UInt8]) {
        append(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), to: &buffer)
    }

    /// Appends seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
    static func append(seconds: Int64, to buffer: inout [UInt8]) {
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        if date.year < 0 || date.year > 9999 {
            buffer.append(contentsOf: Array(String(date.year).utf8))
        } else {
            appendDigits(date.year, count: 4, to: &buffer)
        }
        buffer.append(UInt8(ascii: "-"))
        appendDigits(date.month, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(date.day, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "Z"))
    }

    @inline(__always)
    private static func appendDigits(_ value: Int, count: Int, to buffer: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            buffer.append(UInt8(48 + remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }

    /// Parses an RFC 3339 instant: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`.
    ///
    /// A lower-case `t` or `z`, or a space between date and time, is accepted too.
    ///
    /// - Parameter text: The text.
    /// - Returns: The instant.
    /// - Throws: ``SchedulingError`` with code ``SchedulingError/Code/invalidTimestamp`` naming the
    ///   column of the first problem.
    public static func date(from text: String) throws(SchedulingError) -> Date {
        let bytes = Array(text.utf8)
        var index = 0
        func fail(_ message: String) -> SchedulingError {
            SchedulingError(
                .invalidTimestamp,
                message: "\"\(text)\" is not an RFC 3339 instant: \(message)",
                suggestion: "write it like 2026-12-01T06:00:00Z",
                position: index + 1
            )
        }
        func number(_ digits: Int) throws(SchedulingError) -> Int {
            var value = 0
            for _ in 0..<digits {
                guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else {
                    throw fail("expected a digit")
                }
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
            }
            return value
        }
        func expect(_ allowed: String) throws(SchedulingError) {
            guard index < bytes.count, allowed.utf8.contains(bytes[index]) else {
                throw fail("expected \"\(allowed.prefix(1))\"")
            }
            index += 1
        }
        let year = try number(4)
        try expect("-")
        let month = try number(2)
        try expect("-")
        let day = try number(2)
        try expect("Tt ")
        let hour = try number(2)
        try expect(":")
        let minute = try number(2)
        try expect(":")
        let second = try number(2)
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            if index == start { throw fail("expected digits after \".\"") }
        }
        var offset = 0
        guard index < bytes.count else { throw fail("missing the zone: end with Z or an offset such as +01:00") }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            index += 1
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            let offsetHours = try number(2)
            try expect(":")
            let offsetMinutes = try number(2)
            guard offsetHours <= 23, offsetMinutes <= 59 else { throw fail("the offset is out of range") }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            throw fail("expected Z or an offset such as +01:00")
        }
        guard index == bytes.count else { throw fail("unexpected text after the instant") }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else {
            index = 5
            throw fail("the date does not exist")
        }
        guard hour <= 23, minute <= 59, second <= 60 else {
            index = 11
            throw fail("the time of day is out of range")
        }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offset)
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }
}
