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

    /// `scheduler export systemd`: a `.service` and a `.timer` unit per schedule.
    ///
    /// `OnCalendar=` takes the schedule's zone and seconds, so cron expressions (without `L`, `W`
    /// and `#`), times of day, one-shots and intervals that divide a day translate exactly;
    /// after-completion becomes `OnUnitInactiveSec=`. Anything else gets a comment saying why, and
    /// the nearest timer.
    enum SystemdExport {
        /// A unit file: its name and text.
        struct Unit: Equatable {
            var name: String
            var text: String
        }

        /// A timer's lines and, when they are not exact, why.
        struct Timing {
            var lines: [String]
            var problem: String?
        }

        static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

        static func units(_ configuration: SchedulerConfiguration) -> [Unit] {
            configuration.schedules.flatMap { schedule -> [Unit] in
                let job = ExportedJob(schedule)
                let timing = timing(of: schedule.trigger)
                let base = "scheduler-\(schedule.name)"
                var notes: [String] = []
                if !schedule.isEnabled { notes.append("disabled in the configuration: do not enable this timer") }
                if let problem = job.jobProblem { notes.append(problem + "; there is no ExecStart") }
                if let problem = timing.problem { notes.append("not exact: \(problem)") }
                if let bounds = job.bounds {
                    notes.append("timers have no bounds: this one also fires outside \(bounds)")
                }
                let lost = job.policiesNotCarried(timeoutSupported: true)
                if !lost.isEmpty { notes.append("not carried over: \(lost.joined(separator: ", "))") }
                let comments = notes.map { "# \($0)" }

                var service =
                    comments + ["[Unit]", "Description=scheduler: \(schedule.name)", "", "[Service]", "Type=oneshot"]
                if let process = job.process {
                    if let folder = process.workingDirectory { service.append("WorkingDirectory=\(folder)") }
                    for (key, value) in (process.environment ?? [:]).sorted(by: { $0.key < $1.key }) {
                        if let value { service.append("Environment=\(quoted("\(key)=\(value)"))") }
                    }
                    service.append("ExecStart=\(process.arguments.map(quoted).joined(separator: " "))")
                }
                if let timeout = schedule.timeout { service.append("TimeoutStartSec=\(timeout.components.seconds)") }

                var timer =
                    comments + [
                        "[Unit]", "Description=scheduler: \(schedule.name) (\(schedule.trigger))", "", "[Timer]",
                    ]
                timer += timing.lines
                timer += ["AccuracySec=1s"]
                if schedule.catchUp.mode != .none { timer.append("Persistent=true") }
                timer += ["", "[Install]", "WantedBy=timers.target"]
                return [
                    Unit(name: base + ".service", text: service.joined(separator: "\n") + "\n"),
                    Unit(name: base + ".timer", text: timer.joined(separator: "\n") + "\n"),
                ]
            }
        }

        /// Every unit in one text, each after a `### NAME` line, for standard output.
        static func render(_ configuration: SchedulerConfiguration) -> String {
            var out = [
                "# Exported by 'scheduler export systemd' from \(configuration.file).",
                "# Save each unit under /etc/systemd/system/ with the name after '###' (or use --output DIR),",
                "# then: systemctl daemon-reload && systemctl enable --now scheduler-NAME.timer",
                "# At daylight-saving changes systemd applies its own rules, not the scheduler's.",
            ]
            for unit in units(configuration) { out += ["", "### \(unit.name)", unit.text] }
            return out.joined(separator: "\n")
        }

        /// A word for `ExecStart=` or `Environment=`, quoted when it needs to be.
        static func quoted(_ word: String) -> String {
            let escaped = word.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
            if ExportedJob.isPlain(word) { return escaped }
            return "\""
                + escaped.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }

        static func timing(of trigger: Trigger) -> Timing {
            switch trigger.kind {
            case .cron(let expression, let zone, _):
                return cron(expression, zone: zone)
            case .interval(let seconds, let anchor):
                let offset = Int64(anchor.timeIntervalSince1970)
                let steps = 86_400 % seconds == 0 ? ExportedJob.grid(step: seconds, offset: offset, period: 86_400) : []
                let hours = Set(steps.map { $0 / 3_600 }).sorted()
                let minutes = Set(steps.map { $0 / 60 % 60 }).sorted()
                let secs = Set(steps.map { $0 % 60 }).sorted()
                // The grid is a calendar event only when it is every combination of its parts.
                guard !steps.isEmpty, hours.count * minutes.count * secs.count == steps.count else {
                    return Timing(
                        lines: ["OnActiveSec=0", "OnUnitActiveSec=\(seconds)s"],
                        problem:
                            "an interval of \(seconds)s on a grid from \(Timestamp.string(from: anchor)) is no calendar event; this timer counts from its own start"
                    )
                }
                let time = "\(timeField(hours, 23)):\(timeField(minutes, 59)):\(timeField(secs, 59))"
                return Timing(lines: ["OnCalendar=*-*-* \(time) UTC"], problem: nil)
            case .once(let instant):
                return Timing(lines: ["OnCalendar=\(calendarInstant(instant))"], problem: nil)
            case .timesOfDay(let times, let zone, let everyDays, _):
                let lines = Set(times).sorted().map { time in
                    "OnCalendar=*-*-* \(pad(time.hour)):\(pad(time.minute)):00 \(ExportedJob.name(of: zone))"
                }
                let problem =
                    everyDays > 1 ? "a timer cannot count every \(everyDays) days; this one fires every day" : nil
                return Timing(lines: lines, problem: problem)
            case .runThenWait(let delay):
                return Timing(lines: ["OnActiveSec=0", "OnUnitInactiveSec=\(delay.components.seconds)s"], problem: nil)
            }
        }

        static func cron(_ expression: CronExpression, zone: TimeZone) -> Timing {
            func field(_ field: CronField, _ low: Int, _ high: Int, names: [String]? = nil) -> String? {
                guard let values = expression.values(of: field) else { return nil }
                return values == Array(low...high) ? "*" : ExportedJob.list(values, range: "..", names: names)
            }
            let time = [(CronField.hour, 23), (.minute, 59), (.second, 59)]
                .map { timeField(expression.values(of: $0) ?? [0], $1) }.joined(separator: ":")
            let month = field(.month, 1, 12) ?? "*"
            guard let dayOfMonth = field(.dayOfMonth, 1, 31), let dayOfWeek = field(.dayOfWeek, 0, 6, names: weekdays)
            else {
                return Timing(
                    lines: ["OnCalendar=*-\(month)-* \(time) \(ExportedJob.name(of: zone))"],
                    problem: "timers have no L, W or #; this one fires on every day")
            }
            let weekdayPrefix = dayOfWeek == "*" ? "" : dayOfWeek + " "
            if expression.usesEitherDayRule {
                // Either day field: two calendar events, whose union is the schedule.
                return Timing(
                    lines: [
                        "OnCalendar=*-\(month)-\(dayOfMonth) \(time) \(ExportedJob.name(of: zone))",
                        "OnCalendar=\(weekdayPrefix)*-\(month)-* \(time) \(ExportedJob.name(of: zone))",
                    ], problem: nil)
            }
            return Timing(
                lines: ["OnCalendar=\(weekdayPrefix)*-\(month)-\(dayOfMonth) \(time) \(ExportedJob.name(of: zone))"],
                problem: nil)
        }

        static func calendarInstant(_ instant: Date) -> String {
            let parts = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
            let date = "\(parts.year ?? 1970)-\(pad(parts.month ?? 1))-\(pad(parts.day ?? 1))"
            return "\(date) \(pad(parts.hour ?? 0)):\(pad(parts.minute ?? 0)):\(pad(parts.second ?? 0)) UTC"
        }

        /// An hour, minute or second field: `*` when every value is allowed, else two-digit values and ranges.
        static func timeField(_ values: [Int], _ high: Int) -> String {
            values == Array(0...high) ? "*" : ExportedJob.list(values, range: "..", names: (0...high).map(pad))
        }

        static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    }
#endif
