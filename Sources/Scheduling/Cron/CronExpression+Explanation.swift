//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

extension CronExpression {
    /// The expression in English, such as "At 10:00 on Sunday".
    ///
    /// The wording may change between releases; do not parse it.
    public var explanation: String {
        // Parsed once here: the expression keeps only its matcher.
        let specs = Dictionary(fields.map { ($0.field, $0) }, uniquingKeysWith: { first, _ in first })
        var parts = [timePhrase(specs)]
        if let days = dayPhrase(specs) { parts.append(days) }
        if let months = monthPhrase(specs) { parts.append(months) }
        return parts.joined(separator: " ")
    }

    /// Single values of a field, or nil if the field has anything else; `[0]` for an absent field.
    private func singles(_ spec: CronFieldSpec?) -> [Int]? {
        guard let spec else { return [0] }
        var values: [Int] = []
        for item in spec.items {
            guard case .range(let low, let high, 1, false) = item, low == high else { return nil }
            values.append(low)
        }
        return values.sorted()
    }

    private func timePhrase(_ specs: [CronField: CronFieldSpec]) -> String {
        if let seconds = singles(specs[.second]), seconds.count == 1, let minutes = singles(specs[.minute]),
            minutes.count == 1, let hours = singles(specs[.hour]), hours.count <= 4
        {
            let times = hours.map { hour in
                let base = Self.twoDigits(hour) + ":" + Self.twoDigits(minutes[0])
                return hasSeconds ? base + ":" + Self.twoDigits(seconds[0]) : base
            }
            return "At " + CronParser.list(times, "and")
        }
        var phrases: [String] = []
        if let second = specs[.second] { phrases.append(phrase(for: second, unit: "second")) }
        phrases.append(phrase(for: specs[.minute]!, unit: "minute"))
        let hour = specs[.hour]!
        if hour.text != "*" { phrases.append(phrase(for: hour, unit: "hour")) }
        let text = phrases.joined(separator: " past ")
        return text.hasPrefix("every") ? "Every" + text.dropFirst(5) : "At " + text
    }

    private func dayPhrase(_ specs: [CronField: CronFieldSpec]) -> String? {
        let dayOfMonth = specs[.dayOfMonth]!
        let dayOfWeek = specs[.dayOfWeek]!
        let monthDays = dayOfMonth.startsWithStar && dayOfMonth.items == [.every(step: 1)] ? nil : dayOfMonth
        let weekDays = dayOfWeek.startsWithStar && dayOfWeek.items == [.every(step: 1)] ? nil : dayOfWeek
        switch (monthDays, weekDays) {
        case (nil, nil):
            return nil
        case (let days?, nil):
            return "on " + phrase(for: days, unit: "day")
        case (nil, let weekdays?):
            return "on " + phrase(for: weekdays, unit: "weekday")
        case (let days?, let weekdays?):
            let joiner = matcher.dayFieldsIntersect ? " if it is " : " or on "
            return "on " + phrase(for: days, unit: "day") + joiner + phrase(for: weekdays, unit: "weekday")
        }
    }

    private func monthPhrase(_ specs: [CronField: CronFieldSpec]) -> String? {
        let month = specs[.month]!
        guard month.text != "*" else { return nil }
        return "in " + phrase(for: month, unit: "month")
    }

    private func phrase(for spec: CronFieldSpec, unit: String) -> String {
        let items = spec.items.map { describe($0, field: spec.field, unit: unit) }
        let text = CronParser.list(items, "and")
        switch spec.field {
        case .dayOfMonth:
            let needsSuffix = spec.items.contains { if case .range = $0 { true } else { false } }
            return needsSuffix && !text.hasSuffix("of the month") ? text + " of the month" : text
        default:
            return text
        }
    }

    private func describe(_ item: CronItem, field: CronField, unit: String) -> String {
        let plural = field == .dayOfMonth ? "day of the month" : unit
        switch item {
        case .every(1):
            return field == .dayOfMonth ? "every day" : "every \(unit)"
        case .every(let step):
            return "every \(Self.ordinal(step)) \(plural)"
        case .range(let low, let high, _, _) where low == high:
            return name(low, field: field, unit: unit)
        case .range(let low, let high, 1, _):
            return "\(name(low, field: field, unit: unit)) through \(name(high, field: field, unit: unit, bare: true))"
        case .range(let low, let high, let step, _):
            return
                "every \(Self.ordinal(step)) \(plural) from \(name(low, field: field, unit: unit, bare: true)) through "
                + name(high, field: field, unit: unit, bare: true)
        case .lastDay:
            return "the last day of the month"
        case .lastWeekday:
            return "the last weekday of the month"
        case .nearestWeekday(let day):
            return "the weekday nearest day \(day) of the month"
        case .lastOfWeekday(let weekday):
            return "the last \(Self.weekdayNames[weekday % 7]) of the month"
        case .nthWeekday(let weekday, let nth):
            let word = ["first", "second", "third", "fourth", "fifth"][nth - 1]
            return "the \(word) \(Self.weekdayNames[weekday % 7]) of the month"
        }
    }

    private func name(_ value: Int, field: CronField, unit: String, bare: Bool = false) -> String {
        switch field {
        case .dayOfWeek: return Self.weekdayNames[value % 7]
        case .month: return Self.monthNames[value - 1]
        case .dayOfMonth: return bare ? String(value) : "day \(value)"
        default: return bare ? String(value) : "\(unit) \(value)"
        }
    }

    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    static func twoDigits(_ value: Int) -> String {
        value.zeroPadded(2)
    }

    static func ordinal(_ value: Int) -> String {
        let suffixes = ["th", "st", "nd", "rd", "th", "th", "th", "th", "th", "th"]
        let suffix = (11...13).contains(value % 100) ? "th" : suffixes[value % 10]
        return "\(value)\(suffix)"
    }
}
