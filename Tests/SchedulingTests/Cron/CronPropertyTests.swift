//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import SchedulingTesting
import Testing

/// Random expressions, zones and instants against an independent matcher built on Foundation.
struct CronPropertyTests {
    /// A random expression with the sets it stands for, built side by side.
    struct Generated {
        var text: String
        var seconds: Set<Int>?
        var minutes: Set<Int>
        var hours: Set<Int>
        var days: Set<Int>
        var months: Set<Int>
        var weekdays: Set<Int>
        var dayFieldsIntersect: Bool

        /// Whether a wall time matches, by the Vixie day rule.
        func matches(_ c: DateComponents) -> Bool {
            guard minutes.contains(c.minute!), hours.contains(c.hour!), months.contains(c.month!) else { return false }
            if let seconds, !seconds.contains(c.second!) { return false }
            let dayMatch = days.contains(c.day!)
            let weekdayMatch = weekdays.contains(c.weekday! - 1)
            return dayFieldsIntersect ? dayMatch && weekdayMatch : dayMatch || weekdayMatch
        }
    }

    static func field(_ low: Int, _ high: Int, names: [String] = [], using generator: inout SeededRandomNumberGenerator)
        -> (
            String, Set<Int>
        )
    {
        func name(_ value: Int) -> String {
            // Names stand for their own value only: SUN is 0, so 7 stays a number.
            value - low < names.count && Bool.random(using: &generator) ? names[value - low] : String(value)
        }
        var parts: [String] = []
        var values = Set<Int>()
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0:
                parts.append("*")
                values.formUnion(low...high)
            case 1:
                let step = Int.random(in: 1...(high - low + 1), using: &generator)
                parts.append("*/\(step)")
                values.formUnion(stride(from: low, through: high, by: step))
            case 2:
                let a = Int.random(in: low...high, using: &generator)
                let b = Int.random(in: a...high, using: &generator)
                parts.append("\(name(a))-\(name(b))")
                values.formUnion(a...b)
            case 3:
                let a = Int.random(in: low...high, using: &generator)
                let b = Int.random(in: a...high, using: &generator)
                let step = Int.random(in: 1...5, using: &generator)
                parts.append("\(a)-\(b)/\(step)")
                values.formUnion(stride(from: a, through: b, by: step))
            default:
                let a = Int.random(in: low...high, using: &generator)
                parts.append(name(a))
                values.insert(a)
            }
        }
        return (parts.joined(separator: ","), values)
    }

    static func generate(using generator: inout SeededRandomNumberGenerator) -> Generated {
        let withSeconds = Int.random(in: 0..<4, using: &generator) == 0
        let seconds = withSeconds ? field(0, 59, using: &generator) : nil
        let minutes = field(0, 59, using: &generator)
        let hours = field(0, 23, using: &generator)
        let days = field(1, 31, using: &generator)
        let months = field(
            1, 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
            using: &generator)
        var weekdays = field(0, 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], using: &generator)
        if weekdays.1.contains(7) { weekdays.1.insert(0) }
        let text = ([seconds?.0].compactMap { $0 } + [minutes.0, hours.0, days.0, months.0, weekdays.0]).joined(
            separator: " ")
        return Generated(
            text: text,
            seconds: seconds?.1,
            minutes: minutes.1,
            hours: hours.1,
            days: days.1,
            months: months.1,
            weekdays: weekdays.1,
            dayFieldsIntersect: days.0.hasPrefix("*") || weekdays.0.hasPrefix("*")
        )
    }

    static let zones = [
        "UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Pacific/Chatham", "Australia/Lord_Howe",
        "America/Sao_Paulo",
    ]

    /// `next(after: t) > t`, the result matches, and no instant in between matches (periodic policy:
    /// every instant whose wall time matches is a fire time).
    @Test func nextIsTheFirstMatchingInstant() throws {
        var generator = SeededRandomNumberGenerator(seed: 2026)
        var checked = 0
        for _ in 0..<400 {
            let generated = Self.generate(using: &generator)
            guard let cron = try? CronExpression(generated.text) else { continue }  // can never fire
            let zone = try TimeZone.named(Self.zones.randomElement(using: &generator)!)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let start = Date(
                timeIntervalSince1970: TimeInterval(Int64.random(in: 1_700_000_000...2_200_000_000, using: &generator)))
            let step: TimeInterval = generated.seconds == nil ? 60 : 1
            guard let next = cron.next(after: start, in: zone, dstPolicy: .periodic) else {
                Issue.record("no fire time for \(generated.text)")
                continue
            }
            #expect(next > start)
            let components: Set<Calendar.Component> = [.second, .minute, .hour, .day, .month, .weekday]
            let wall = calendar.dateComponents(components, from: next)
            #expect(generated.matches(wall), "\(generated.text) at \(next) in \(zone.identifier): \(wall)")
            // Walk the gap when it is short enough to walk.
            var probe = (start.timeIntervalSince1970 / step).rounded(.down) * step + step
            if next.timeIntervalSince1970 - probe <= 3 * 86_400 {
                while probe < next.timeIntervalSince1970 {
                    let wall = calendar.dateComponents(components, from: Date(timeIntervalSince1970: probe))
                    if generated.matches(wall) {
                        Issue.record("\(generated.text) in \(zone.identifier) matches at \(probe), before \(next)")
                        break
                    }
                    probe += step
                }
                checked += 1
            }
            if let previous = cron.previous(before: next, in: zone, dstPolicy: .periodic) {
                #expect(previous <= start)
                #expect(cron.next(after: previous, in: zone, dstPolicy: .periodic) == next)
            }
        }
        #expect(checked > 100)
    }

    /// Under every policy, fire times strictly increase and `previous` undoes `next`.
    @Test func sequencesIncreaseUnderEveryPolicy() throws {
        var generator = SeededRandomNumberGenerator(seed: 11)
        let policies: [CronDSTPolicy?] = [
            nil, .fixedTime, .periodic, CronDSTPolicy(gap: .shift, fold: .second),
            CronDSTPolicy(gap: .skip, fold: .first),
        ]
        for _ in 0..<150 {
            let generated = Self.generate(using: &generator)
            guard let cron = try? CronExpression(generated.text) else { continue }
            let zone = try TimeZone.named(Self.zones.randomElement(using: &generator)!)
            let policy = policies.randomElement(using: &generator)!
            let start = Date(
                timeIntervalSince1970: TimeInterval(Int64.random(in: 1_700_000_000...2_200_000_000, using: &generator)))
            let fired = Array(cron.occurrences(after: start, in: zone, dstPolicy: policy).prefix(50))
            for index in fired.indices {
                #expect(fired[index] > (index == 0 ? start : fired[index - 1]))
                if index > 0 {
                    #expect(cron.previous(before: fired[index], in: zone, dstPolicy: policy) == fired[index - 1])
                }
            }
        }
    }
}

/// The parser never crashes or hangs, and every failure is a `SchedulingError`.
struct CronRobustnessTests {
    static let alphabet = Array("0123456789*/,-#?LWlw@ \tMONFRIJANDECxyz.;+é\u{0}")
    static let seeds = [
        "0 6 * * *", "*/15 9-17 * * MON-FRI", "0 0 L * *", "0 0 LW * *", "0 0 15W * *", "0 0 * * 5L",
        "0 0 * * 1#2", "0 0 ? * MON", "@daily", "0 30 2 * * *", "0 0 1-7 * 1", "0 0 29 2 *",
    ]

    @Test func randomAndMutatedStrings() {
        var generator = SeededRandomNumberGenerator(seed: 99)
        var accepted = 0
        var rejected = 0
        for round in 0..<100_000 {
            let text: String
            if round % 2 == 0 {
                let length = Int.random(in: 0...30, using: &generator)
                text = String((0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! })
            } else {
                var characters = Array(Self.seeds.randomElement(using: &generator)!)
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let position = Int.random(in: 0...characters.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: characters.insert(Self.alphabet.randomElement(using: &generator)!, at: position)
                    case 1: if position < characters.count { characters.remove(at: position) }
                    default:
                        if position < characters.count {
                            characters[position] = Self.alphabet.randomElement(using: &generator)!
                        }
                    }
                }
                text = String(characters)
            }
            do {
                let cron = try CronExpression(text)
                accepted += 1
                // Whatever parses can be evaluated and round-trips through its canonical text.
                _ = cron.next(after: Date(timeIntervalSince1970: 1_800_000_000))
                #expect(try CronExpression(cron.description) == cron)
            } catch {
                rejected += 1
                #expect(error.code == .invalidCronExpression)
                #expect(!error.message.isEmpty)
            }
        }
        #expect(accepted > 1_000)
        #expect(rejected > 10_000)
    }
}
