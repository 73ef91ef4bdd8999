//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// When a schedule's occurrences fall: a cron expression, a fixed interval, one instant, times of
/// day, or a delay after each run finishes.
///
/// A trigger is a pure value: ``nextOccurrence(after:)`` computes nominal instants without any
/// clock. Every nominal instant is a whole second (``once(at:)`` keeps the instant it is given).
///
/// ```swift
/// let daily = try Trigger.cron("0 6 * * *", in: .named("America/Chicago"))
/// let grid = try Trigger.every(.seconds(5 * 3600))  // 00:00, 05:00, 10:00 UTC, ... from the epoch
/// let twoDays = try Trigger.timesOfDay([TimeOfDay("01:00")], in: .gmt, everyDays: 2)
/// ```
public struct Trigger: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What a trigger is, for code that renders or translates schedules (an export, a dashboard).
    public enum Kind: Sendable, Hashable {
        /// A cron expression in a zone, with an optional daylight-saving override.
        case cron(CronExpression, TimeZone, CronDSTPolicy?)
        /// Every `seconds`, on a grid through `anchor`.
        case interval(seconds: Int64, anchor: Date)
        /// Once, at an instant.
        case once(Date)
        /// At times of day in a zone, every `everyDays` days counted from `anchor`.
        case timesOfDay([TimeOfDay], TimeZone, everyDays: Int64, anchor: LocalDate)
        /// A delay after the previous run finished.
        case runThenWait(Duration)
    }

    /// What this trigger is.
    public let kind: Kind
    /// For times of day: one fixed-time expression per distinct time.
    private let dailyExpressions: [CronExpression]

    private init(_ kind: Kind) {
        self.kind = kind
        if case .timesOfDay(let times, _, _, _) = kind {
            dailyExpressions = Set(times).sorted().map(\.dailyExpression)
        } else {
            dailyExpressions = []
        }
    }

    /// Fires at each fire time of a cron expression on a zone's wall clock.
    ///
    /// - Parameters:
    ///   - expression: The expression.
    ///   - timeZone: The zone whose wall clock the expression reads. Defaults to UTC.
    ///   - dstPolicy: Overrides the expression's default daylight-saving policy.
    public static func cron(
        _ expression: CronExpression,
        in timeZone: TimeZone = .gmt,
        dstPolicy: CronDSTPolicy? = nil
    ) -> Trigger {
        Trigger(.cron(expression, timeZone, dstPolicy))
    }

    /// Parses a cron expression and fires at its fire times on a zone's wall clock.
    ///
    /// - Throws: ``SchedulingError/Code/invalidCronExpression`` with the field and column.
    public static func cron(
        _ expression: String,
        in timeZone: TimeZone = .gmt,
        dstPolicy: CronDSTPolicy? = nil
    ) throws(SchedulingError) -> Trigger {
        .cron(try CronExpression(expression), in: timeZone, dstPolicy: dstPolicy)
    }

    /// Fires every `interval`, on the grid `anchor + k × interval` for every integer k.
    ///
    /// The grid extends in both directions from the anchor, so every process and every restart
    /// agree on it: every 5 hours means exactly 5 hours apart, whatever midnight does.
    ///
    /// - Parameters:
    ///   - interval: A whole number of seconds, at least one.
    ///   - anchor: A point of the grid. Defaults to 1970-01-01T00:00:00Z.
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` for a zero, negative or fractional interval.
    public static func every(
        _ interval: Duration,
        anchor: Date = Date(timeIntervalSince1970: 0)
    ) throws(SchedulingError) -> Trigger {
        let (seconds, attoseconds) = interval.components
        guard seconds >= 1, attoseconds == 0 else {
            throw SchedulingError(
                .invalidSchedule,
                message: "interval \(interval) is not a positive whole number of seconds",
                suggestion: "use an interval of at least one second, such as .seconds(300)"
            )
        }
        return Trigger(.interval(seconds: seconds, anchor: anchor.wholeSecondFloor))
    }

    /// Fires once, at an instant.
    public static func once(at instant: Date) -> Trigger {
        Trigger(.once(instant))
    }

    /// Fires at each listed time of day in a zone, on every `everyDays`-th local date counted from
    /// an anchor date.
    ///
    /// It fires on local dates d where the number of days from `anchor` to d is a multiple of
    /// `everyDays`, at each listed time. Daylight-saving time is handled as for a fixed-time cron
    /// expression: a time in a spring-forward gap runs at the transition, a time in a fall-back
    /// fold runs once, at its first occurrence.
    ///
    /// - Parameters:
    ///   - times: The times of day; at least one.
    ///   - timeZone: The zone whose wall clock the times read. Defaults to UTC.
    ///   - everyDays: Fire on every n-th day; 1 means daily.
    ///   - anchor: The date counting starts from. Defaults to 1970-01-01.
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` for no times or `everyDays` below 1.
    public static func timesOfDay(
        _ times: [TimeOfDay],
        in timeZone: TimeZone = .gmt,
        everyDays: Int = 1,
        anchor: LocalDate = .epoch
    ) throws(SchedulingError) -> Trigger {
        guard !times.isEmpty else {
            throw SchedulingError(
                .invalidSchedule,
                message: "times of day are empty",
                suggestion: "list at least one time, such as 06:00"
            )
        }
        guard everyDays >= 1 else {
            throw SchedulingError(
                .invalidSchedule,
                message: "every \(everyDays) days is not a positive number of days",
                suggestion: "use 1 for daily, 2 for every other day"
            )
        }
        return Trigger(.timesOfDay(times, timeZone, everyDays: Int64(everyDays), anchor: anchor))
    }

    /// Starts again `delay` after the previous run finished; the first run starts when the
    /// schedule is added. A scheduler that restarts waits the rest of the delay after the last
    /// recorded run's finish; a start that fell due while it was stopped goes to the catch-up
    /// policy.
    ///
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` for a negative delay.
    public static func runThenWait(_ delay: Duration) throws(SchedulingError) -> Trigger {
        guard delay >= .zero else {
            throw SchedulingError(
                .invalidSchedule,
                message: "run-then-wait delay \(delay) is negative",
                suggestion: "use a delay of zero or more"
            )
        }
        return Trigger(.runThenWait(delay))
    }

    /// Whether occurrences depend on when runs finish (``runThenWait(_:)``), not on the clock alone.
    public var dependsOnCompletion: Bool {
        if case .runThenWait = kind { return true }
        return false
    }

    /// The first nominal occurrence strictly after an instant.
    ///
    /// For ``runThenWait(_:)`` this is the first start when the schedule is added at `date`: the
    /// next whole second. Later starts depend on when runs finish.
    ///
    /// - Parameter date: The instant to search after.
    /// - Returns: The occurrence, or nil when there is none (a past ``once(at:)``, an expression
    ///   that a skip policy makes impossible).
    public func nextOccurrence(after date: Date) -> Date? {
        var instant = date
        while let event = nextEvent(after: instant) {
            if !event.isSkippedByGap { return event.instant }
            instant = event.instant
        }
        return nil
    }

    /// The next `count` nominal occurrences strictly after an instant, in order.
    ///
    /// - Parameters:
    ///   - date: The instant to search after.
    ///   - count: How many to return at most.
    /// - Returns: Up to `count` instants; fewer when the trigger ends.
    public func nextOccurrences(after date: Date, count: Int) -> [Date] {
        var result: [Date] = []
        var instant = date
        while result.count < count, let next = nextOccurrence(after: instant) {
            result.append(next)
            if dependsOnCompletion { break }
            instant = next
        }
        return result
    }

    /// An occurrence, or a wall-clock time that a gap-skip policy dropped (identified by the
    /// transition instant), so that the scheduler can record why nothing ran.
    struct Event: Equatable {
        var instant: Date
        var isSkippedByGap: Bool
    }

    func nextEvent(after date: Date) -> Event? {
        switch kind {
        case .cron(let expression, let zone, let override):
            let policy = override ?? expression.defaultDSTPolicy
            guard let next = expression.next(after: date, in: zone, dstPolicy: policy) else { return nil }
            guard policy.gap == .skip, Self.crossesTransition(from: date, to: next, in: zone) else {
                return Event(instant: next, isSkippedByGap: false)
            }
            let atTransition = CronDSTPolicy(gap: .runAtTransition, fold: policy.fold)
            if let ghost = expression.next(after: date, in: zone, dstPolicy: atTransition), ghost < next {
                return Event(instant: ghost, isSkippedByGap: true)
            }
            return Event(instant: next, isSkippedByGap: false)
        case .interval(let seconds, let anchor):
            let anchorSecond = Int64(anchor.timeIntervalSince1970)
            let after = Int64(date.timeIntervalSince1970.rounded(.down))
            let steps = (after - anchorSecond).floorDivided(by: seconds) + 1
            return Event(
                instant: Date(timeIntervalSince1970: TimeInterval(anchorSecond + steps * seconds)),
                isSkippedByGap: false)
        case .once(let instant):
            return instant > date ? Event(instant: instant, isSkippedByGap: false) : nil
        case .timesOfDay(_, let zone, let everyDays, let anchor):
            return nextTimeOfDay(after: date, in: zone, everyDays: everyDays, anchor: anchor)
                .map { Event(instant: $0, isSkippedByGap: false) }
        case .runThenWait:
            return Event(
                instant: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down) + 1),
                isSkippedByGap: false)
        }
    }

    private func nextTimeOfDay(after date: Date, in zone: TimeZone, everyDays: Int64, anchor: LocalDate) -> Date? {
        let rules = ZoneRules.rules(for: zone)
        let anchorDay = anchor.civil.daysSinceEpoch
        var best: Date?
        for expression in dailyExpressions {
            var instant = date
            // A fixed-time daily expression fires once per local date; at most `everyDays` tries.
            for _ in 0...everyDays {
                guard let next = expression.next(after: instant, in: zone) else { break }
                let second = Int64(next.timeIntervalSince1970)
                let localDay = (second + rules.offset(at: second)).floorDivided(by: 86_400)
                if (localDay - anchorDay).floorModulo(everyDays) == 0 {
                    if best.map({ next < $0 }) ?? true { best = next }
                    break
                }
                instant = next
            }
        }
        return best
    }

    private static func crossesTransition(from start: Date, to end: Date, in zone: TimeZone) -> Bool {
        let rules = ZoneRules.rules(for: zone)
        let first = rules.segment(containing: Int64(start.timeIntervalSince1970.rounded(.down)))
        return first.end <= Int64(end.timeIntervalSince1970)
    }

    /// A short description for logs, such as `cron "0 6 * * *" America/Chicago`.
    public var description: String {
        switch kind {
        case .cron(let expression, let zone, let policy):
            var text = "cron \"\(expression)\" \(zone.identifier)"
            if let policy { text += " (dst gap \(policy.gap), fold \(policy.fold))" }
            return text
        case .interval(let seconds, let anchor):
            return "every \(seconds)s from \(Timestamp.string(from: anchor))"
        case .once(let instant):
            return "once at \(Timestamp.string(from: instant))"
        case .timesOfDay(let times, let zone, let everyDays, let anchor):
            let list = times.map(\.description).joined(separator: ", ")
            return everyDays == 1
                ? "daily at \(list) \(zone.identifier)"
                : "every \(everyDays) days from \(anchor) at \(list) \(zone.identifier)"
        case .runThenWait(let delay):
            return "\(delay) after each run finishes"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, expression, timeZone, dstPolicy, seconds, anchor, at, times, everyDays, anchorDate, delay
    }

    /// Decodes a trigger, validating it as the factory methods do.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        func zone() throws -> TimeZone {
            try TimeZone.named(container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC")
        }
        switch type {
        case "cron":
            self = .cron(
                try container.decode(CronExpression.self, forKey: .expression),
                in: try zone(),
                dstPolicy: try container.decodeIfPresent(CronDSTPolicy.self, forKey: .dstPolicy)
            )
        case "interval":
            self = try .every(
                .seconds(try container.decode(Int64.self, forKey: .seconds)),
                anchor: try container.decode(Date.self, forKey: .anchor)
            )
        case "once":
            self = .once(at: try container.decode(Date.self, forKey: .at))
        case "timesOfDay":
            self = try .timesOfDay(
                try container.decode([TimeOfDay].self, forKey: .times),
                in: try zone(),
                everyDays: try container.decode(Int.self, forKey: .everyDays),
                anchor: try container.decode(LocalDate.self, forKey: .anchorDate)
            )
        case "runThenWait":
            self = try .runThenWait(try container.decode(Duration.self, forKey: .delay))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type,
                in: container,
                debugDescription: "unknown trigger type '\(type)'; use cron, interval, once, timesOfDay or runThenWait"
            )
        }
    }

    /// Encodes the trigger with a `type` key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch kind {
        case .cron(let expression, let zone, let policy):
            try container.encode("cron", forKey: .type)
            try container.encode(expression, forKey: .expression)
            try container.encode(zone.identifier, forKey: .timeZone)
            try container.encodeIfPresent(policy, forKey: .dstPolicy)
        case .interval(let seconds, let anchor):
            try container.encode("interval", forKey: .type)
            try container.encode(seconds, forKey: .seconds)
            try container.encode(anchor, forKey: .anchor)
        case .once(let instant):
            try container.encode("once", forKey: .type)
            try container.encode(instant, forKey: .at)
        case .timesOfDay(let times, let zone, let everyDays, let anchor):
            try container.encode("timesOfDay", forKey: .type)
            try container.encode(times, forKey: .times)
            try container.encode(zone.identifier, forKey: .timeZone)
            try container.encode(everyDays, forKey: .everyDays)
            try container.encode(anchor, forKey: .anchorDate)
        case .runThenWait(let delay):
            try container.encode("runThenWait", forKey: .type)
            try container.encode(delay, forKey: .delay)
        }
    }
}

extension Date {
    /// The instant rounded down to a whole second.
    var wholeSecondFloor: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}

extension Int64 {
    /// The remainder of floor division, always in `0..<divisor` for a positive divisor.
    func floorModulo(_ divisor: Int64) -> Int64 {
        self - floorDivided(by: divisor) * divisor
    }
}
