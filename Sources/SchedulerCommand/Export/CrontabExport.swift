//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import Foundation
    import Scheduling

    /// `scheduler export crontab`: the schedules as crontab lines.
    ///
    /// A schedule crontab can express exactly becomes active lines. One it cannot (seconds,
    /// intervals that do not divide an hour or a day, one-shots, every-n-days, after-completion,
    /// `L`/`W`/`#`) becomes a comment saying why, followed by the nearest line, commented out.
    enum CrontabExport {
        /// One schedule's translation.
        struct Translation {
            var specs: [String]
            var zone: TimeZone
            var problem: String?
        }

        static let utc = TimeZone(identifier: "UTC")!

        static func render(_ configuration: SchedulerConfiguration) -> String {
            var out = [
                "# Exported by 'scheduler export crontab' from \(configuration.file).",
                "# CRON_TZ needs a cron that honours it (cronie does; Debian's cron ignores it and uses the",
                "# machine's zone). At daylight-saving changes cron applies its own rules, not the scheduler's.",
            ]
            var currentZone: String?
            for schedule in configuration.schedules {
                let job = ExportedJob(schedule)
                let translation = translate(schedule.trigger)
                out.append("")
                out.append("# \(schedule.name): \(schedule.trigger)")
                var problems: [String] = []
                if !schedule.isEnabled { problems.append("disabled in the configuration") }
                if let problem = job.jobProblem { problems.append(problem) }
                if let problem = translation.problem { problems.append("not exact: \(problem)") }
                for problem in problems { out.append("# \(problem)") }
                if let bounds = job.bounds {
                    out.append("# crontab has no bounds: this line also runs outside \(bounds)")
                }
                let lost =
                    job.policiesNotCarried(timeoutSupported: false) + ["overlap \(schedule.overlap)"]
                    + (schedule.catchUp.mode == .none ? [] : ["catch-up"])
                out.append("# not carried over: \(lost.joined(separator: ", "))")
                let zone = ExportedJob.name(of: translation.zone)
                if zone != currentZone {
                    out.append("CRON_TZ=\(zone)")
                    currentZone = zone
                }
                let command = job.process.map(Self.command) ?? "<the Swift job '\(schedule.job.name)'>"
                let prefix = problems.isEmpty ? "" : "# "
                for spec in translation.specs { out.append("\(prefix)\(spec) \(command)") }
            }
            return out.joined(separator: "\n") + "\n"
        }

        /// The command of a process job, with its folder and environment, `%` escaped for cron.
        static func command(_ process: ProcessExecutor.Parameters) -> String {
            var words: [String] = []
            if let folder = process.workingDirectory { words += ["cd", ExportedJob.shellQuoted(folder), "&&"] }
            if let environment = process.environment, !environment.isEmpty {
                words.append("env")
                for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
                    if let value {
                        words.append(ExportedJob.shellQuoted("\(key)=\(value)"))
                    } else {
                        words += ["-u", ExportedJob.shellQuoted(key)]
                    }
                }
            }
            words += process.arguments.map(ExportedJob.shellQuoted)
            return words.joined(separator: " ").replacingOccurrences(of: "%", with: "\\%")
        }

        static func translate(_ trigger: Trigger) -> Translation {
            switch trigger.kind {
            case .cron(let expression, let zone, _):
                return cron(expression, zone: zone)
            case .interval(let seconds, let anchor):
                return interval(seconds: seconds, anchor: Int64(anchor.timeIntervalSince1970))
            case .once(let instant):
                let parts = Calendar.utc.dateComponents([.minute, .hour, .day, .month], from: instant)
                return Translation(
                    specs: ["\(parts.minute!) \(parts.hour!) \(parts.day!) \(parts.month!) *"], zone: utc,
                    problem: "crontab has no one-shot; this line fires every year")
            case .timesOfDay(let times, let zone, let everyDays, _):
                let byMinute = Dictionary(grouping: Set(times), by: \.minute)
                let specs = byMinute.keys.sorted().map { minute in
                    "\(minute) \(ExportedJob.list(byMinute[minute]!.map(\.hour).sorted())) * * *"
                }
                let problem =
                    everyDays > 1 ? "crontab cannot count every \(everyDays) days; this line fires every day" : nil
                return Translation(specs: specs, zone: zone, problem: problem)
            case .runThenWait(let delay):
                return Translation(
                    specs: ["* * * * *"], zone: utc,
                    problem: "crontab cannot wait \(delay) after a run finishes; this line fires every minute")
            }
        }

        static func cron(_ expression: CronExpression, zone: TimeZone) -> Translation {
            var problem: String?
            let seconds = expression.values(of: .second) ?? [0]
            if seconds != [0] { problem = "crontab has no seconds; this line fires once a minute" }
            func field(_ field: CronField, _ low: Int, _ high: Int, star: Bool) -> String? {
                guard let values = expression.values(of: field) else { return nil }
                if values == Array(low...high) { return "*" }
                if star, let step = Self.step(of: values, low: low, high: high) { return "*/\(step)" }
                return ExportedJob.list(values)
            }
            let either = expression.usesEitherDayRule
            let minute = field(.minute, 0, 59, star: false) ?? "*"
            let hour = field(.hour, 0, 23, star: false) ?? "*"
            let month = field(.month, 1, 12, star: false) ?? "*"
            var dayOfMonth = field(.dayOfMonth, 1, 31, star: !either)
            var dayOfWeek = field(.dayOfWeek, 0, 6, star: !either)
            if dayOfMonth == nil || dayOfWeek == nil {
                problem = problem ?? "crontab has no L, W or #; this line fires on every day that field allows"
                dayOfMonth = dayOfMonth ?? "*"
                dayOfWeek = dayOfWeek ?? "*"
            } else if !either, dayOfMonth != "*", dayOfWeek != "*",
                !dayOfMonth!.hasPrefix("*"), !dayOfWeek!.hasPrefix("*")
            {
                problem = problem ?? "crontab cannot require both day fields; this line fires when either matches"
            }
            return Translation(
                specs: ["\(minute) \(hour) \(dayOfMonth!) \(month) \(dayOfWeek!)"], zone: zone, problem: problem)
        }

        static func interval(seconds: Int64, anchor: Int64) -> Translation {
            let aligned = anchor % 60 == 0 && seconds % 60 == 0
            if aligned, seconds < 3_600, 3_600 % seconds == 0 {
                let minutes = ExportedJob.grid(step: seconds / 60, offset: anchor / 60, period: 60)
                return Translation(specs: ["\(ExportedJob.list(minutes)) * * * *"], zone: utc)
            }
            if aligned, seconds % 3_600 == 0, 86_400 % seconds == 0 {
                let hours = ExportedJob.grid(step: seconds / 3_600, offset: anchor / 3_600, period: 24)
                let minute = ((anchor / 60) % 60 + 60) % 60
                return Translation(specs: ["\(minute) \(ExportedJob.list(hours)) * * *"], zone: utc)
            }
            if aligned, seconds == 86_400 {
                let minute = ((anchor / 60) % 60 + 60) % 60
                let hour = ((anchor / 3_600) % 24 + 24) % 24
                return Translation(specs: ["\(minute) \(hour) * * *"], zone: utc)
            }
            let hours = max(1, seconds / 3_600)
            let nearest = seconds < 3_600 ? "*/\(max(1, seconds / 60)) * * * *" : "0 */\(min(hours, 23)) * * *"
            return Translation(
                specs: [nearest], zone: utc,
                problem:
                    "an interval of \(seconds)s on a grid from \(Timestamp.string(from: Date(timeIntervalSince1970: Double(anchor)))) does not fit crontab's fields, whose steps restart every hour or day"
            )
        }

        /// `k` when the values are `low, low+k, ...` up to the last one at or below `high`.
        static func step(of values: [Int], low: Int, high: Int) -> Int? {
            guard values.count >= 2, values[0] == low else { return nil }
            let step = values[1] - values[0]
            return values == Array(stride(from: low, through: high, by: step)) ? step : nil
        }
    }

    extension Calendar {
        /// The Gregorian calendar in UTC.
        static let utc: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = CrontabExport.utc
            return calendar
        }()
    }
#endif
