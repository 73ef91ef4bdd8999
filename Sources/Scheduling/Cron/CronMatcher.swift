//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The compiled form of a cron expression: one bit per allowed value.
///
/// Matching works on local wall time expressed as seconds since 1970-01-01T00:00:00 of the
/// wall clock (as if the zone were UTC); converting to real instants is ``CronExpression``'s job.
struct CronMatcher: Sendable, Hashable {
    var seconds: UInt64 = 1
    var minutes: UInt64 = 0
    var hours: UInt64 = 0
    /// Bits 1...31.
    var daysOfMonth: UInt64 = 0
    var lastDayOfMonth = false
    var lastWeekdayOfMonth = false
    /// Bits 1...31: `nW`, the weekday nearest to day n inside the month.
    var nearestWeekdays: UInt64 = 0
    /// Bits 1...12.
    var months: UInt64 = 0
    /// Bits 0...6 (Sunday is 0).
    var daysOfWeek: UInt64 = 0
    /// Bits 0...6: `dL`, the last such weekday of the month.
    var lastDaysOfWeek: UInt64 = 0
    /// Bit `(n - 1) * 8 + d`: `d#n`, the n-th weekday d of the month.
    var nthDaysOfWeek: UInt64 = 0
    /// Whether a day must match both day fields (Vixie cron: either field starts with `*`).
    var dayFieldsIntersect = true

    static let allDays: UInt64 = 0xFFFF_FFFE  // bits 1...31
    static let weekdayPattern: UInt64 = 1 << 1 | 1 << 8 | 1 << 15 | 1 << 22 | 1 << 29

    /// Whether every day matches, so day masks need no computing.
    var matchesEveryDay: Bool {
        dayFieldsIntersect && daysOfMonth == Self.allDays && daysOfWeek == 0x7F && !lastDayOfMonth
            && !lastWeekdayOfMonth && nearestWeekdays == 0
    }

    // MARK: Days

    /// Bits 1...31 for the days of the given month that match both day fields.
    func dayMask(year: Int, month: Int) -> UInt64 {
        let length = CivilDate.daysInMonth(year: year, month: month)
        let valid: UInt64 = (UInt64(1) << UInt64(length + 1)) - 2
        if matchesEveryDay { return valid }
        let needsWeekday =
            lastWeekdayOfMonth || nearestWeekdays != 0 || daysOfWeek != 0x7F || lastDaysOfWeek != 0
            || nthDaysOfWeek != 0
        let firstWeekday =
            needsWeekday
            ? CivilDate.weekday(daysSinceEpoch: CivilDate(year: year, month: month, day: 1).daysSinceEpoch) : 0

        var byDate = daysOfMonth & valid
        if lastDayOfMonth { byDate |= 1 << UInt64(length) }
        if lastWeekdayOfMonth {
            let lastWeekday = (firstWeekday + length - 1) % 7
            let day = lastWeekday == 6 ? length - 1 : lastWeekday == 0 ? length - 2 : length
            byDate |= 1 << UInt64(day)
        }
        var nearest = nearestWeekdays
        while nearest != 0 {
            let target = nearest.trailingZeroBitCount
            nearest &= nearest - 1
            if let day = Self.nearestWeekday(to: target, length: length, firstWeekday: firstWeekday) {
                byDate |= 1 << UInt64(day)
            }
        }

        var byWeekday: UInt64 = 0
        if daysOfWeek == 0x7F {
            byWeekday = valid
        } else {
            var weekdays = daysOfWeek | lastDaysOfWeek | Self.weekdaysOf(nth: nthDaysOfWeek)
            while weekdays != 0 {
                let weekday = weekdays.trailingZeroBitCount
                weekdays &= weekdays - 1
                let first = 1 + (weekday - firstWeekday + 7) % 7
                let all = (Self.weekdayPattern << UInt64(first - 1)) & valid
                if daysOfWeek & (1 << UInt64(weekday)) != 0 { byWeekday |= all }
                if lastDaysOfWeek & (1 << UInt64(weekday)) != 0 {
                    byWeekday |= 1 << UInt64(63 - all.leadingZeroBitCount)
                }
                for nth in 0..<5 where nthDaysOfWeek & (1 << UInt64(nth * 8 + weekday)) != 0 {
                    let day = first + 7 * nth
                    if day <= length { byWeekday |= 1 << UInt64(day) }
                }
            }
        }
        return dayFieldsIntersect ? byDate & byWeekday : byDate | byWeekday
    }

    /// The weekdays that appear in any `d#n` item.
    @inline(__always)
    static func weekdaysOf(nth bits: UInt64) -> UInt64 {
        (bits | bits >> 8 | bits >> 16 | bits >> 24 | bits >> 32) & 0x7F
    }

    /// The Quartz `nW` rule: the weekday nearest to `day`, never leaving the month.
    static func nearestWeekday(to day: Int, length: Int, firstWeekday: Int) -> Int? {
        guard day <= length else { return nil }
        switch (firstWeekday + day - 1) % 7 {
        case 6: return day == 1 ? 3 : day - 1  // Saturday: Friday, or Monday the 3rd
        case 0: return day == length ? day - 2 : day + 1  // Sunday: Monday, or Friday before
        default: return day
        }
    }

    // MARK: Times of day

    @inline(__always)
    static func nextBit(_ mask: UInt64, from index: Int) -> Int? {
        guard index < 64 else { return nil }
        let remaining = mask & (~UInt64(0) << UInt64(index))
        return remaining == 0 ? nil : remaining.trailingZeroBitCount
    }

    @inline(__always)
    static func previousBit(_ mask: UInt64, atMost index: Int) -> Int? {
        guard index >= 0 else { return nil }
        let remaining = index >= 63 ? mask : mask & ((UInt64(1) << UInt64(index + 1)) - 1)
        return remaining == 0 ? nil : 63 - remaining.leadingZeroBitCount
    }

    /// The first matching second of the day at or after `secondOfDay`.
    func nextTime(from secondOfDay: Int) -> Int? {
        var hour = secondOfDay / 3600
        var minute = secondOfDay / 60 % 60
        var second = secondOfDay % 60
        while true {
            guard let matchingHour = Self.nextBit(hours, from: hour), matchingHour < 24 else { return nil }
            if matchingHour != hour { (hour, minute, second) = (matchingHour, 0, 0) }
            if let matchingMinute = Self.nextBit(minutes, from: minute), matchingMinute < 60 {
                if matchingMinute != minute { (minute, second) = (matchingMinute, 0) }
                if let matchingSecond = Self.nextBit(seconds, from: second), matchingSecond < 60 {
                    return hour * 3600 + minute * 60 + matchingSecond
                }
                minute += 1
                second = 0
                if minute < 60 { continue }
            }
            (hour, minute, second) = (hour + 1, 0, 0)
        }
    }

    /// The last matching second of the day at or before `secondOfDay`.
    func previousTime(atMost secondOfDay: Int) -> Int? {
        var hour = secondOfDay / 3600
        var minute = secondOfDay / 60 % 60
        var second = secondOfDay % 60
        while true {
            guard let matchingHour = Self.previousBit(hours, atMost: hour) else { return nil }
            if matchingHour != hour { (hour, minute, second) = (matchingHour, 59, 59) }
            if let matchingMinute = Self.previousBit(minutes, atMost: minute) {
                if matchingMinute != minute { (minute, second) = (matchingMinute, 59) }
                if let matchingSecond = Self.previousBit(seconds, atMost: second) {
                    return hour * 3600 + minute * 60 + matchingSecond
                }
                minute -= 1
                second = 59
                if minute >= 0 { continue }
            }
            (hour, minute, second) = (hour - 1, 59, 59)
        }
    }

    // MARK: Wall-clock search

    /// The first matching wall-clock second `t` with `lower <= t < upper`.
    func firstMatch(from lower: Int64, before upper: Int64) -> Int64? {
        var t = lower
        while t < upper {
            let days = t.floorDivided(by: 86_400)
            let date = CivilDate(daysSinceEpoch: days)
            guard months & (1 << UInt64(date.month)) != 0 else {
                t = Self.startOfMonth(after: date, in: months)
                continue
            }
            let remaining = dayMask(year: date.year, month: date.month) & (~UInt64(0) << UInt64(date.day))
            guard remaining != 0 else {
                t = Self.startOfMonth(after: date, in: months)
                continue
            }
            let day = remaining.trailingZeroBitCount
            let dayStart = (days + Int64(day - date.day)) * 86_400
            let from = day == date.day ? Int(t - dayStart) : 0
            if let time = nextTime(from: from) {
                let result = dayStart + Int64(time)
                return result < upper ? result : nil
            }
            t = dayStart + 86_400
        }
        return nil
    }

    /// The last matching wall-clock second `t` with `lower <= t <= upper`.
    func lastMatch(atMost upper: Int64, from lower: Int64) -> Int64? {
        var t = upper
        while t >= lower {
            let days = t.floorDivided(by: 86_400)
            let date = CivilDate(daysSinceEpoch: days)
            guard months & (1 << UInt64(date.month)) != 0 else {
                t = Self.endOfMonth(before: date, in: months)
                continue
            }
            let remaining = dayMask(year: date.year, month: date.month) & ((UInt64(2) << UInt64(date.day)) - 1)
            guard remaining != 0 else {
                t = CivilDate(year: date.year, month: date.month, day: 1).daysSinceEpoch * 86_400 - 1
                continue
            }
            let day = 63 - remaining.leadingZeroBitCount
            let dayStart = (days - Int64(date.day - day)) * 86_400
            let atMost = day == date.day ? Int(t - dayStart) : 86_399
            if let time = previousTime(atMost: atMost) {
                let result = dayStart + Int64(time)
                return result >= lower ? result : nil
            }
            t = dayStart - 1
        }
        return nil
    }

    /// The first second of the first month in `months` after the month of `date`.
    static func startOfMonth(after date: CivilDate, in months: UInt64) -> Int64 {
        var year = date.year
        var month = nextBit(months, from: date.month + 1) ?? 0
        if month == 0 || month > 12 {
            year += 1
            month = nextBit(months, from: 1) ?? 1
        }
        return CivilDate(year: year, month: month, day: 1).daysSinceEpoch * 86_400
    }

    /// The last second of the last month in `months` before the month of `date`.
    static func endOfMonth(before date: CivilDate, in months: UInt64) -> Int64 {
        var year = date.year
        var month = previousBit(months & 0x1FFE, atMost: date.month - 1) ?? 0
        if month == 0 {
            year -= 1
            month = previousBit(months & 0x1FFE, atMost: 12) ?? 12
        }
        let next =
            month == 12 ? CivilDate(year: year + 1, month: 1, day: 1) : CivilDate(year: year, month: month + 1, day: 1)
        return next.daysSinceEpoch * 86_400 - 1
    }
}
