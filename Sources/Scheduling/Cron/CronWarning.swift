//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// Something about a valid cron expression that surprises people.
///
/// ```swift
/// for warning in try CronExpression("0 */5 * * *").warnings { print(warning) }
/// // */5 in the hour field restarts at 0 each day: it runs at 0, 5, 10, 15 and 20, ...
/// ```
public struct CronWarning: Sendable, Hashable, CustomStringConvertible {
    /// What kind of surprise this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case dayOfMonthStepRestarts, eitherDayFieldMatches, unevenStep, timeInDSTGap, timeInDSTFold
        }

        private let base: Base

        /// A step in day-of-month restarts each month (`*/2` runs on the 31st and then the 1st).
        public static let dayOfMonthStepRestarts = Code(base: .dayOfMonthStepRestarts)
        /// Both day fields are restricted, so a day matches if either matches.
        public static let eitherDayFieldMatches = Code(base: .eitherDayFieldMatches)
        /// A step does not divide its field's range (`0 */5 * * *` is not "every 5 hours").
        public static let unevenStep = Code(base: .unevenStep)
        /// A fixed time falls into a spring-forward gap of the zone.
        public static let timeInDSTGap = Code(base: .timeInDSTGap)
        /// A fixed time falls into a fall-back fold of the zone.
        public static let timeInDSTFold = Code(base: .timeInDSTFold)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// What kind of surprise this is.
    public let code: Code
    /// The explanation, for people. The wording may change between releases.
    public let message: String

    /// The message.
    public var description: String { message }
}

extension CronExpression {
    /// Warnings that do not depend on a time zone: day-of-month steps, the either-day rule and
    /// uneven steps.
    public var warnings: [CronWarning] {
        var warnings: [CronWarning] = []
        let fields = self.fields
        for spec in fields {
            for item in spec.items {
                let step: Int
                let low: Int
                let high: Int
                switch item {
                case .every(let value) where value > 1:
                    (step, low, high) = (value, spec.field.minimum, spec.field.maximum)
                case .range(let first, let last, let value, _) where value > 1:
                    (step, low, high) = (value, first, last)
                default:
                    continue
                }
                let text = spec.text
                if spec.field == .dayOfMonth {
                    warnings.append(
                        CronWarning(
                            code: .dayOfMonthStepRestarts,
                            message: "\(text) in the day-of-month field restarts every month: after the last matching "
                                + "day of a month it runs again on day \(low) of the next, which may be sooner than \(step) days"
                        )
                    )
                } else if [CronField.second, .minute, .hour].contains(spec.field), low == spec.field.minimum,
                    high == spec.field.maximum, (high - low + 1) % step != 0
                {
                    let unit = spec.field == .hour ? "day" : spec.field == .minute ? "hour" : "minute"
                    let values = Array(stride(from: low, through: high, by: step))
                    let wrap = high + 1 - values[values.count - 1] + low
                    warnings.append(
                        CronWarning(
                            code: .unevenStep,
                            message: "\(text) in the \(spec.field) field restarts at \(low) each \(unit): it runs at "
                                + CronParser.list(values.map(String.init), "and")
                                + ", then \(wrap) \(spec.field)s later at \(low), not every \(step) \(spec.field)s"
                        )
                    )
                }
            }
        }
        if !matcher.dayFieldsIntersect {
            warnings.append(
                CronWarning(
                    code: .eitherDayFieldMatches,
                    message: "both day-of-month (\(fields[fields.count - 3].text)) and day-of-week "
                        + "(\(fields[fields.count - 1].text)) are restricted, so a day matches if EITHER matches; "
                        + "start one of them with * to require both"
                )
            )
        }
        return warnings
    }

    /// All warnings, including fixed times that fall into a daylight-saving gap or fold of the
    /// zone within a span of years.
    ///
    /// - Parameters:
    ///   - timeZone: The zone the expression runs in.
    ///   - date: Where to start looking for gaps and folds.
    ///   - years: How many years to look ahead.
    /// - Returns: The zone-independent ``warnings`` followed by at most one gap and one fold warning.
    public func warnings(in timeZone: TimeZone, from date: Date, years: Int = 5) -> [CronWarning] {
        var warnings = self.warnings
        guard isFixedTime else { return warnings }
        let rules = ZoneRules.rules(for: timeZone)
        let start = Int64(date.timeIntervalSince1970.rounded(.down))
        let end = start + Int64(years) * 366 * 86_400
        var segment = rules.segment(containing: start)
        var sawGap = false
        var sawFold = false
        while segment.end < end, segment.index + 1 < rules.segmentCount, !(sawGap && sawFold) {
            let following = rules.segment(at: segment.index + 1)
            let low = segment.end + min(segment.offset, following.offset)
            let high = segment.end + max(segment.offset, following.offset)
            if let wall = matcher.firstMatch(from: low, before: high) {
                var text: [UInt8] = []
                Timestamp.append(seconds: wall, to: &text)
                let local = String(decoding: text.dropLast(4), as: UTF8.self).replacingOccurrences(of: "T", with: " ")
                if following.offset > segment.offset, !sawGap {
                    sawGap = true
                    warnings.append(
                        CronWarning(
                            code: .timeInDSTGap,
                            message: "\(local) does not exist in \(timeZone.identifier) (the clocks spring forward); "
                                + "by default it runs once at the end of the gap"
                        )
                    )
                } else if following.offset < segment.offset, !sawFold {
                    sawFold = true
                    warnings.append(
                        CronWarning(
                            code: .timeInDSTFold,
                            message: "\(local) occurs twice in \(timeZone.identifier) (the clocks fall back); "
                                + "by default it runs once, at the first occurrence"
                        )
                    )
                }
            }
            segment = following
        }
        return warnings
    }
}
