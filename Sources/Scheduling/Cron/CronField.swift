//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// One field of a cron expression.
///
/// A 5-field expression has `minute hour day-of-month month day-of-week`; a 6-field one puts
/// ``second`` in front.
public struct CronField: Sendable, Hashable, CustomStringConvertible {
    private enum Base: Int, Sendable, Hashable {
        case second, minute, hour, dayOfMonth, month, dayOfWeek
    }

    private let base: Base

    /// Seconds, 0-59 (only in 6-field expressions, where it comes first).
    public static let second = CronField(base: .second)
    /// Minutes, 0-59.
    public static let minute = CronField(base: .minute)
    /// Hours, 0-23.
    public static let hour = CronField(base: .hour)
    /// Day of the month, 1-31, with `L`, `LW` and `nW`.
    public static let dayOfMonth = CronField(base: .dayOfMonth)
    /// Month, 1-12 or `JAN`-`DEC`.
    public static let month = CronField(base: .month)
    /// Day of the week, 0-7 (0 and 7 are Sunday) or `SUN`-`SAT`, with `dL` and `d#n`.
    public static let dayOfWeek = CronField(base: .dayOfWeek)

    /// The field's name as people write it: `minute`, `day-of-month`, ...
    public var description: String {
        switch base {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The smallest value the field accepts.
    var minimum: Int {
        switch base {
        case .dayOfMonth, .month: 1
        default: 0
        }
    }

    /// The largest value the field accepts (7 for day-of-week, where 7 is Sunday again).
    var maximum: Int {
        switch base {
        case .second, .minute: 59
        case .hour: 23
        case .dayOfMonth: 31
        case .month: 12
        case .dayOfWeek: 7
        }
    }

    /// Three-letter names the field accepts, indexed from ``minimum``.
    var names: [String] {
        switch base {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The fields of a 5-field expression, in order.
    static let standard: [CronField] = [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
    /// The fields of a 6-field expression, in order.
    static let withSeconds: [CronField] = [.second] + standard
}
