//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// One item of a cron field, as written.
enum CronItem: Sendable, Hashable {
    /// `*`, `?` or `*/step`.
    case every(step: Int)
    /// `n`, `a-b`, `a-b/step`, or `a/step` (`isOpenEnded`, meaning `a-max/step`).
    case range(Int, Int, step: Int, isOpenEnded: Bool)
    /// `L` in day-of-month.
    case lastDay
    /// `LW` in day-of-month.
    case lastWeekday
    /// `nW` in day-of-month.
    case nearestWeekday(Int)
    /// `dL` in day-of-week.
    case lastOfWeekday(Int)
    /// `d#n` in day-of-week.
    case nthWeekday(Int, nth: Int)
}

/// A parsed field: what was written and its items.
struct CronFieldSpec: Sendable, Hashable {
    var field: CronField
    var text: String
    var items: [CronItem]

    /// `*` or `?` first: the field counts as unrestricted for the day rule and the DST mode.
    var startsWithStar: Bool { text.hasPrefix("*") || text.hasPrefix("?") }
}

/// Turns the text of a cron expression into field specs and a matcher.
///
/// Works on Unicode scalars so that positions in errors count characters as people see them.
struct CronParser {
    static let macros: [(name: String, expansion: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
    ]

    /// The longest expression accepted, in characters: far beyond any real one.
    static let maximumLength = 1_000

    struct Result {
        var canonical: String
        var fields: [CronFieldSpec]
        var matcher: CronMatcher
    }

    static func parse(_ text: String) throws(SchedulingError) -> Result {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= maximumLength else {
            throw error(
                "the expression is \(scalars.count) characters long",
                fix: "a cron expression has at most \(maximumLength) characters")
        }
        var tokens: [(start: Int, text: [Unicode.Scalar])] = []
        var index = 0
        while index < scalars.count {
            if scalars[index].properties.isWhitespace {
                index += 1
                continue
            }
            let start = index
            while index < scalars.count, !scalars[index].properties.isWhitespace { index += 1 }
            tokens.append((start, Array(scalars[start..<index])))
        }
        guard !tokens.isEmpty else {
            throw error(
                "the expression is empty",
                fix: "write 5 fields (minute hour day-of-month month day-of-week), for example \"0 6 * * *\"")
        }
        if tokens[0].text.first == "@" {
            let name = String(String.UnicodeScalarView(tokens[0].text)).lowercased()
            // The name first: "@every 5m" is an unknown macro, not a known one with text after it.
            guard let macro = macros.first(where: { $0.name == name }) else {
                let known = macros.map(\.name).joined(separator: ", ")
                let fix =
                    switch name {
                    case "@every":
                        "for a fixed interval use an interval trigger instead of cron; or use one of \(known)"
                    case "@reboot": "run the job at start-up from your application; cron macros are one of \(known)"
                    default: "use one of \(known)"
                    }
                throw error("unknown macro \"\(name)\"", fix: fix, position: tokens[0].start + 1)
            }
            guard tokens.count == 1 else {
                throw error(
                    "a macro such as \(name) stands alone", fix: "remove the text after \(name)",
                    position: tokens[1].start + 1)
            }
            var result = try parse(macro.expansion)
            result.canonical = macro.name
            return result
        }
        let layout: [CronField]
        switch tokens.count {
        case 5: layout = CronField.standard
        case 6: layout = CronField.withSeconds
        default:
            throw error(
                "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading second, found \(tokens.count)",
                fix: tokens.count < 5 ? "add the missing fields, \"*\" for any value" : "remove the extra fields"
            )
        }
        var specs: [CronFieldSpec] = []
        for (field, token) in zip(layout, tokens) {
            let upper = token.text.map {
                $0.isASCII ? Unicode.Scalar(UInt8(ascii: $0) & ~(isLowercaseLetter($0) ? 0x20 : 0)) : $0
            }
            var parser = FieldParser(field: field, scalars: upper, offset: token.start)
            specs.append(
                CronFieldSpec(field: field, text: String(String.UnicodeScalarView(upper)), items: try parser.parse()))
        }
        let matcher = compile(specs)
        try checkCanFire(matcher, specs: specs)
        return Result(canonical: specs.map(\.text).joined(separator: " "), fields: specs, matcher: matcher)
    }

    private static func isLowercaseLetter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x61 && scalar.value <= 0x7A
    }

    static func error(_ message: String, fix: String, field: CronField? = nil, position: Int? = nil)
        -> SchedulingError
    {
        SchedulingError(.invalidCronExpression, message: message, suggestion: fix, field: field, position: position)
    }

    // MARK: Compiling

    static func compile(_ specs: [CronFieldSpec]) -> CronMatcher {
        var matcher = CronMatcher()
        for spec in specs {
            var bits: UInt64 = 0
            for item in spec.items {
                switch item {
                case .every(let step):
                    bits |= mask(from: spec.field.minimum, through: spec.field.maximum, step: step)
                case .range(let low, let high, let step, _):
                    bits |= mask(from: low, through: high, step: step)
                case .lastDay: matcher.lastDayOfMonth = true
                case .lastWeekday: matcher.lastWeekdayOfMonth = true
                case .nearestWeekday(let day): matcher.nearestWeekdays |= 1 << UInt64(day)
                case .lastOfWeekday(let weekday): matcher.lastDaysOfWeek |= 1 << UInt64(weekday % 7)
                case .nthWeekday(let weekday, let nth):
                    matcher.nthDaysOfWeek |= 1 << UInt64((nth - 1) * 8 + weekday % 7)
                }
            }
            switch spec.field {
            case .second: matcher.seconds = bits
            case .minute: matcher.minutes = bits
            case .hour: matcher.hours = bits
            case .dayOfMonth: matcher.daysOfMonth = bits
            case .month: matcher.months = bits
            default:
                // 7 is Sunday again.
                matcher.daysOfWeek = (bits & 0x7F) | (bits >> 7 & 1)
            }
        }
        let dayOfMonth = specs[specs.count - 3]
        let dayOfWeek = specs[specs.count - 1]
        matcher.dayFieldsIntersect = dayOfMonth.startsWithStar || dayOfWeek.startsWithStar
        return matcher
    }

    static func mask(from low: Int, through high: Int, step: Int) -> UInt64 {
        var bits: UInt64 = 0
        var value = low
        while value <= high {
            bits |= 1 << UInt64(value)
            value += step
        }
        return bits
    }

    /// Rejects expressions that can never fire: every date repeats within a 400-year cycle.
    static func checkCanFire(_ matcher: CronMatcher, specs: [CronFieldSpec]) throws(SchedulingError) {
        for year in 2000..<2400 {
            var month = CronMatcher.nextBit(matcher.months, from: 1)
            while let current = month, current <= 12 {
                if matcher.dayMask(year: year, month: current) != 0 { return }
                month = CronMatcher.nextBit(matcher.months, from: current + 1)
            }
        }
        let monthNames = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        let months = (1...12).filter { matcher.months & (1 << UInt64($0)) != 0 }.map { monthNames[$0 - 1] }
        let days = (1...31).filter { matcher.daysOfMonth & (1 << UInt64($0)) != 0 }.map(String.init)
        let dayText = days.count == 1 ? "day \(days[0]) never occurs" : "days \(list(days, "and")) never occur"
        throw error(
            "\(dayText) in \(list(months, "or")), so the expression never fires",
            fix: "choose days that exist in those months, or use L for the last day",
            field: .dayOfMonth
        )
    }

    static func list(_ words: [String], _ conjunction: String) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " \(conjunction) " + words[words.count - 1]
    }
}

/// Parses one field, reporting errors at the character where they start.
private struct FieldParser {
    let field: CronField
    let scalars: [Unicode.Scalar]
    /// The index of the field's first character in the whole expression.
    let offset: Int
    var index = 0

    init(field: CronField, scalars: [Unicode.Scalar], offset: Int) {
        self.field = field
        self.scalars = scalars
        self.offset = offset
    }

    private var column: Int { offset + index + 1 }
    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private var fieldText: String { String(String.UnicodeScalarView(scalars)) }

    private func fail(_ message: String, fix: String, at position: Int? = nil) -> SchedulingError {
        CronParser.error(
            "\(field) field \"\(fieldText)\": \(message)", fix: fix, field: field, position: position ?? column)
    }

    mutating func parse() throws(SchedulingError) -> [CronItem] {
        var items: [CronItem] = []
        while true {
            if current == "," || current == nil {
                throw fail("empty item", fix: "remove the extra comma or write a value")
            }
            items.append(try parseItem())
            guard let next = current else { return items }
            guard next == "," else { throw unexpected() }
            index += 1
        }
    }

    private func unexpected() -> SchedulingError {
        guard let scalar = current else {
            return fail("the field ends too early", fix: "finish the item, as in 1-5 or */5")
        }
        switch scalar {
        case "-" where index == 0:
            return fail("negative values are not allowed", fix: "use a value from \(field.minimum) to \(field.maximum)")
        case ".":
            return fail("fractions are not allowed", fix: "use whole numbers")
        case "/":
            return fail("a step can appear only once per item", fix: "write one step, as in 1-5/2")
        case "#" where field == .dayOfWeek:
            return fail(
                "\"#\" can appear only once, as in 1#2 (the second Monday)",
                fix: "write one weekday and one count, as in 1#2")
        default:
            return fail(
                "unexpected character \"\(scalar.escaped(asASCII: true))\"",
                fix: "separate items with commas and fields with spaces")
        }
    }

    private mutating func parseItem() throws(SchedulingError) -> CronItem {
        let itemStart = index
        if current == "*" || current == "?" {
            if current == "?" && field != .dayOfMonth && field != .dayOfWeek {
                throw fail("\"?\" is only allowed in the day-of-month and day-of-week fields", fix: "use \"*\"")
            }
            let isQuestionMark = current == "?"
            index += 1
            guard current == "/" else { return .every(step: 1) }
            if isQuestionMark { throw fail("\"?\" takes no step", fix: "write */step") }
            return .every(step: try parseStep())
        }
        if current == "L" {
            index += 1
            guard field == .dayOfMonth else {
                if field == .dayOfWeek {
                    throw fail(
                        "\"L\" needs a weekday number before it", fix: "write 5L for the last Friday",
                        at: offset + itemStart + 1)
                }
                throw fail(
                    "\"L\" is only allowed in the day-of-month and day-of-week fields",
                    fix: "write L in the day-of-month field for the last day of the month", at: offset + itemStart + 1)
            }
            if current == "W" {
                index += 1
                return .lastWeekday
            }
            return .lastDay
        }
        let low = try parseValue()
        switch current {
        case "L" where field == .dayOfWeek:
            index += 1
            guard low.isNumeric else {
                throw fail(
                    "\"L\" must follow a weekday number", fix: "write \(low.value % 7)L", at: offset + itemStart + 1)
            }
            return .lastOfWeekday(low.value)
        case "W" where field == .dayOfMonth:
            index += 1
            return .nearestWeekday(low.value)
        case "#" where field == .dayOfWeek:
            index += 1
            let nthStart = column
            guard let nth = parseDigits(), (1...5).contains(nth) else {
                throw fail(
                    "the number after \"#\" must be 1 to 5 (the n-th weekday of the month)",
                    fix: "write a count from 1 to 5, as in \(low.value)#2", at: nthStart)
            }
            return .nthWeekday(low.value, nth: nth)
        case "-":
            index += 1
            let highStart = index
            let high = try parseValue()
            guard high.value >= low.value else {
                let lowText = String(String.UnicodeScalarView(scalars[itemStart..<(highStart - 1)]))
                let highText = String(String.UnicodeScalarView(scalars[highStart..<index]))
                throw fail(
                    "\(lowText)-\(highText) wraps around",
                    fix: "write \(wrapFix(low: low, high: high))",
                    at: offset + itemStart + 1
                )
            }
            if current == "L" && field == .dayOfWeek {
                throw fail("\"L\" follows a single weekday number, not a range", fix: "write one weekday, as in 5L")
            }
            let step = current == "/" ? try parseStep() : 1
            return .range(low.value, high.value, step: step, isOpenEnded: false)
        case "/":
            return .range(low.value, field.maximum, step: try parseStep(), isOpenEnded: true)
        case "L" where field == .dayOfWeek:
            throw fail("\"L\" follows a single weekday number, not a range", fix: "write one weekday, as in 5L")
        default:
            return .range(low.value, low.value, step: 1, isOpenEnded: false)
        }
    }

    private func wrapFix(low: (value: Int, isNumeric: Bool), high: (value: Int, isNumeric: Bool)) -> String {
        func text(_ value: Int, _ numeric: Bool) -> String {
            numeric || field.names.isEmpty ? String(value) : field.names[(value - field.minimum) % field.names.count]
        }
        func span(_ from: Int, _ through: Int, _ numeric: Bool) -> String {
            from == through ? text(from, numeric) : "\(text(from, numeric))-\(text(through, numeric))"
        }
        let maximum = field == .dayOfWeek ? 6 : field.maximum
        return span(low.value, maximum, low.isNumeric) + "," + span(field.minimum, high.value, high.isNumeric)
    }

    private mutating func parseStep() throws(SchedulingError) -> Int {
        index += 1  // "/"
        let start = column
        guard let step = parseDigits() else {
            throw fail("a step must be a whole number", fix: "write */5 for every fifth value", at: start)
        }
        guard step >= 1 else {
            throw fail("a step must be at least 1", fix: "write */1 for every value, or a larger step", at: start)
        }
        return step
    }

    /// Reads digits; nil when there are none. Values too long to be sensible count as huge.
    private mutating func parseDigits() -> Int? {
        var value = 0
        var count = 0
        while let scalar = current, scalar.value >= 48, scalar.value <= 57 {
            value = min(value * 10 + Int(scalar.value - 48), 1_000_000)
            count += 1
            index += 1
        }
        return count == 0 ? nil : value
    }

    private mutating func parseValue() throws(SchedulingError) -> (value: Int, isNumeric: Bool) {
        let start = column
        if let number = parseDigits() {
            guard (field.minimum...field.maximum).contains(number) else {
                throw fail(
                    "\(field) \(number) is out of range \(field.minimum)-\(field.maximum)",
                    fix: "use a value from \(field.minimum) to \(field.maximum)",
                    at: start
                )
            }
            return (number, true)
        }
        var letters = ""
        while let scalar = current, scalar.properties.isAlphabetic, !(scalar == "W" && field == .dayOfMonth) {
            letters.unicodeScalars.append(scalar)
            index += 1
        }
        guard !letters.isEmpty else { throw unexpected() }
        if let position = field.names.firstIndex(of: letters) {
            return (position + field.minimum, false)
        }
        let prefix = String(letters.prefix(3))
        if field == .dayOfWeek, letters.count == 4, letters.hasSuffix("L"),
            let weekday = field.names.firstIndex(of: prefix)
        {
            throw fail("\"L\" must follow a weekday number", fix: "write \(weekday)L", at: start)
        }
        if field.names.isEmpty {
            throw fail(
                "\"\(letters)\" is not a number", fix: "use a value from \(field.minimum) to \(field.maximum)",
                at: start)
        }
        if letters.count > 3, field.names.contains(prefix) {
            throw fail("\"\(letters)\" is not a three-letter name", fix: "write \(prefix)", at: start)
        }
        let kind = field == .month ? "month" : "weekday"
        let first = field.names[0]
        let last = field.names[field.names.count - 1]
        throw fail("unknown \(kind) name \"\(letters)\"", fix: "use \(first)-\(last) or numbers", at: start)
    }
}
