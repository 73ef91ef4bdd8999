//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// A parsed cron expression that computes fire times in a time zone.
///
/// The dialect is Debian cron's, with seconds and the Quartz extensions: 5 fields
/// `minute hour day-of-month month day-of-week`, or 6 with a leading second; names
/// (`JAN`, `MON`), ranges, steps and lists; `L`, `LW` and `nW` in day-of-month; `dL` and `d#n`
/// in day-of-week; `?` for `*`; and the macros `@yearly`, `@annually`, `@monthly`, `@weekly`,
/// `@daily`, `@midnight` and `@hourly`. If either day field starts with `*`, a day must match
/// both day fields; otherwise it matches if either does.
///
/// Matching happens on the wall clock of the zone; results are instants. Daylight-saving gaps
/// and folds follow ``defaultDSTPolicy`` unless a ``CronDSTPolicy`` is given.
///
/// ```swift
/// let cron = try CronExpression("30 2 * * *")
/// let newYork = try TimeZone.named("America/New_York")
/// let next = cron.next(after: start, in: newYork)  // 03:00 on the spring-forward day
/// ```
///
/// Equality, hashing and `Codable` use the canonical ``description``.
public struct CronExpression: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The canonical text: fields separated by one space, letters upper-cased; macros lower-cased.
    public let description: String
    let matcher: CronMatcher
    /// Whether the expression has a leading seconds field.
    public let hasSeconds: Bool
    /// Whether the expression names fixed times of day: 5 fields whose minute and hour fields
    /// do not start with `*`. It decides ``defaultDSTPolicy``.
    public let isFixedTime: Bool

    /// How far ``next(after:in:dstPolicy:)`` and ``previous(before:in:dstPolicy:)`` search.
    ///
    /// Every valid expression fires at least once in any 400 years (the Gregorian calendar
    /// repeats every 400 years, and expressions that never fire are rejected), so a search
    /// only comes back empty near the ends of the representable range.
    public static let searchHorizonYears = 401

    /// Parses an expression.
    ///
    /// - Parameter text: The expression, such as `"0 6 * * MON-FRI"` or `"@daily"`.
    /// - Throws: ``SchedulingError`` with code ``SchedulingError/Code/invalidCronExpression``,
    ///   naming the field, the column and a fix, when the text is not a valid expression or
    ///   can never fire (`0 0 30 2 *`).
    public init(_ text: String) throws(SchedulingError) {
        let result = try CronParser.parse(text)
        description = result.canonical
        matcher = result.matcher
        hasSeconds = result.fields.count == 6
        isFixedTime =
            result.fields.count == 5 && !result.fields[0].text.hasPrefix("*") && !result.fields[1].text.hasPrefix("*")
    }

    /// The parsed fields, for warnings and explanations. Parsed again from ``description`` on
    /// demand rather than stored: an idle schedule keeps only the matcher.
    var fields: [CronFieldSpec] {
        (try? CronParser.parse(description).fields) ?? []
    }

    /// Whether the two day fields are both restricted, so that a day matches when either matches
    /// (the classic cron rule), rather than both.
    public var usesEitherDayRule: Bool { !matcher.dayFieldsIntersect }

    /// The values a field allows, ascending: for example `[0, 15, 30, 45]` for the minutes of
    /// `*/15 * * * *`; `[0]` for the seconds of a 5-field expression; Sunday is 0.
    ///
    /// - Returns: nil for a day field that uses `L`, `W` or `#`, whose days depend on the month.
    public func values(of field: CronField) -> [Int]? {
        func bits(_ mask: UInt64) -> [Int] { (0..<64).filter { mask & (1 << UInt64($0)) != 0 } }
        switch field {
        case .second: return bits(matcher.seconds)
        case .minute: return bits(matcher.minutes)
        case .hour: return bits(matcher.hours)
        case .month: return bits(matcher.months)
        case .dayOfMonth:
            let special = matcher.lastDayOfMonth || matcher.lastWeekdayOfMonth || matcher.nearestWeekdays != 0
            return special ? nil : bits(matcher.daysOfMonth)
        default:
            let special = matcher.lastDaysOfWeek != 0 || matcher.nthDaysOfWeek != 0
            return special ? nil : bits(matcher.daysOfWeek)
        }
    }

    /// ``CronDSTPolicy/fixedTime`` for fixed-time expressions, ``CronDSTPolicy/periodic`` otherwise.
    public var defaultDSTPolicy: CronDSTPolicy { isFixedTime ? .fixedTime : .periodic }

    /// The first fire time strictly after an instant.
    ///
    /// - Parameters:
    ///   - date: The instant to search after; the result is always later.
    ///   - timeZone: The zone whose wall clock the expression matches. Defaults to UTC.
    ///   - dstPolicy: Overrides ``defaultDSTPolicy``.
    /// - Returns: The fire time, or nil if none exists within ``searchHorizonYears``.
    /// - Complexity: Amortized O(log z) for a zone with z offset changes.
    public func next(after date: Date, in timeZone: TimeZone = .gmt, dstPolicy: CronDSTPolicy? = nil) -> Date? {
        let rules = ZoneRules.rules(for: timeZone)
        let first = Int64(date.timeIntervalSince1970.rounded(.down)) + 1
        return nextSecond(atOrAfter: first, rules: rules, policy: dstPolicy ?? defaultDSTPolicy)
            .map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// The last fire time strictly before an instant.
    ///
    /// - Parameters:
    ///   - date: The instant to search before; the result is always earlier.
    ///   - timeZone: The zone whose wall clock the expression matches. Defaults to UTC.
    ///   - dstPolicy: Overrides ``defaultDSTPolicy``.
    /// - Returns: The fire time, or nil if none exists within ``searchHorizonYears``.
    public func previous(before date: Date, in timeZone: TimeZone = .gmt, dstPolicy: CronDSTPolicy? = nil) -> Date? {
        let rules = ZoneRules.rules(for: timeZone)
        let last = Int64(date.timeIntervalSince1970.rounded(.up)) - 1
        return previousSecond(atOrBefore: last, rules: rules, policy: dstPolicy ?? defaultDSTPolicy)
            .map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// The fire times after an instant, computed lazily.
    ///
    /// ```swift
    /// for date in cron.occurrences(after: now, in: zone).prefix(5) { print(date) }
    /// ```
    ///
    /// - Parameters:
    ///   - date: The instant to start after (exclusive).
    ///   - timeZone: The zone whose wall clock the expression matches. Defaults to UTC.
    ///   - dstPolicy: Overrides ``defaultDSTPolicy``.
    /// - Returns: A sequence that ends only at the search horizon.
    public func occurrences(after date: Date, in timeZone: TimeZone = .gmt, dstPolicy: CronDSTPolicy? = nil)
        -> Occurrences
    {
        Occurrences(
            expression: self,
            rules: ZoneRules.rules(for: timeZone),
            policy: dstPolicy ?? defaultDSTPolicy,
            first: Int64(date.timeIntervalSince1970.rounded(.down)) + 1
        )
    }

    /// Creates an expression from its text.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Encodes the canonical text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Expressions are equal when their canonical texts are.
    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.description == rhs.description
    }

    /// Hashes the canonical text.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
    }
}

extension CronExpression {
    /// A lazy sequence of fire times; see ``CronExpression/occurrences(after:in:dstPolicy:)``.
    public struct Occurrences: Sequence, Sendable {
        let expression: CronExpression
        let rules: ZoneRules
        let policy: CronDSTPolicy
        let first: Int64

        /// Iterates the fire times in increasing order.
        public struct Iterator: IteratorProtocol {
            let expression: CronExpression
            let rules: ZoneRules
            let policy: CronDSTPolicy
            var first: Int64

            /// The next fire time, or nil at the search horizon.
            public mutating func next() -> Date? {
                guard let second = expression.nextSecond(atOrAfter: first, rules: rules, policy: policy) else {
                    first = Int64.max / 2
                    return nil
                }
                first = second + 1
                return Date(timeIntervalSince1970: TimeInterval(second))
            }
        }

        /// Makes an iterator.
        public func makeIterator() -> Iterator {
            Iterator(expression: expression, rules: rules, policy: policy, first: first)
        }
    }
}

@available(*, unavailable)
extension CronExpression.Occurrences.Iterator: Sendable {}

// MARK: - From wall-clock matches to instants

extension CronExpression {
    static let horizonSeconds = Int64(searchHorizonYears) * 366 * 86_400

    /// The first fire instant `>= first`, walking the zone's offset segments forward.
    ///
    /// Within a segment, wall time `t` is the instant `t - offset`. Wall times that a neighbouring
    /// segment also covers are a fold; wall times no segment covers are a gap. Gap times are
    /// handled with the segment after the gap, because that is where their instants fall.
    func nextSecond(atOrAfter first: Int64, rules: ZoneRules, policy: CronDSTPolicy) -> Int64? {
        let limit = first + Self.horizonSeconds
        var segment = rules.segment(containing: first)
        while segment.start < limit {
            let previous = segment.index > 0 ? rules.segment(at: segment.index - 1) : nil
            let following = segment.index + 1 < rules.segmentCount ? rules.segment(at: segment.index + 1) : nil
            var best: Int64?

            if let previous, segment.offset > previous.offset {
                let gapStart = segment.start + previous.offset
                let gapEnd = segment.start + segment.offset
                switch policy.gap.base {
                case .runAtTransition:
                    if segment.start >= first, matcher.firstMatch(from: gapStart, before: gapEnd) != nil {
                        best = segment.start
                    }
                case .shift:
                    if let t = matcher.firstMatch(from: max(gapStart, first + previous.offset), before: gapEnd) {
                        best = t - previous.offset
                    }
                case .skip:
                    break
                }
            }

            var from = max(segment.start, first) + segment.offset
            if policy.fold.base == .first, let previous, previous.offset > segment.offset {
                from = max(from, segment.start + previous.offset)  // second occurrences ran before
            }
            if let t = matcher.firstMatch(from: from, before: min(segment.end, limit) + segment.offset) {
                let inEndingFold = following.map { $0.offset < segment.offset && t >= segment.end + $0.offset } ?? false
                if !(inEndingFold && policy.fold.base == .second) {
                    best = min(best ?? .max, t - segment.offset)
                }
            }

            if let best { return best }
            guard let following else { return nil }
            segment = following
        }
        return nil
    }

    /// The last fire instant `<= last`, walking the zone's offset segments backward.
    func previousSecond(atOrBefore last: Int64, rules: ZoneRules, policy: CronDSTPolicy) -> Int64? {
        let limit = last - Self.horizonSeconds
        var segment = rules.segment(containing: last)
        while segment.end > limit {
            let previous = segment.index > 0 ? rules.segment(at: segment.index - 1) : nil
            let following = segment.index + 1 < rules.segmentCount ? rules.segment(at: segment.index + 1) : nil
            var best: Int64?

            var upper = min(segment.end - 1, last) + segment.offset
            if policy.fold.base == .second, let following, following.offset < segment.offset {
                upper = min(upper, segment.end + following.offset - 1)  // first occurrences do not run
            }
            if let t = matcher.lastMatch(atMost: upper, from: max(segment.start, limit) + segment.offset) {
                let inStartingFold =
                    previous.map { $0.offset > segment.offset && t < segment.start + $0.offset } ?? false
                if !(inStartingFold && policy.fold.base == .first) {
                    best = t - segment.offset
                }
            }

            if let previous, segment.offset > previous.offset {
                let gapStart = segment.start + previous.offset
                let gapEnd = segment.start + segment.offset
                switch policy.gap.base {
                case .runAtTransition:
                    if segment.start <= last, matcher.lastMatch(atMost: gapEnd - 1, from: gapStart) != nil {
                        best = max(best ?? .min, segment.start)
                    }
                case .shift:
                    if let t = matcher.lastMatch(atMost: min(gapEnd - 1, last + previous.offset), from: gapStart) {
                        best = max(best ?? .min, t - previous.offset)
                    }
                case .skip:
                    break
                }
            }

            if let best { return best }
            guard let previous else { return nil }
            segment = previous
        }
        return nil
    }
}
