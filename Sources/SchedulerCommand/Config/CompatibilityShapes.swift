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
    import Yams

    /// The three shapes of task files written for other schedulers, read unchanged. Keys a shape
    /// documents are honoured; other keys are warnings, because such files were written for
    /// another tool.
    enum CompatibilityShapes {
        /// `schedules:` as a list of `{name, pipeline, cron | interval (minutes), timezone, params}`.
        static func list(_ top: ConfigParser.Entries, parser: inout ConfigParser) -> SchedulerConfiguration? {
            parser.check(top, allowed: ["schedules", "timezone"], context: "the top level", warning: true)
            let zone =
                parser.value(top, "timezone").flatMap { parser.zone($0, key: "timezone", context: "the top level") }
                ?? .gmt
            guard case .sequence(let items) = parser.value(top, "schedules")! else { return nil }
            var schedules: [Schedule] = []
            var seen: Set<String> = []
            for item in items {
                guard let fields = parser.entries(item, context: "a schedule") else { continue }
                guard let nameNode = parser.value(fields, "name"),
                    let name = parser.string(nameNode, key: "name", context: "a schedule")
                else {
                    parser.report(
                        "name", line: parser.line(item), message: "a schedule in the list has no 'name'",
                        suggestion: "add 'name:'")
                    continue
                }
                let context = "schedule '\(name)'"
                guard seen.insert(name).inserted else {
                    parser.report(
                        name, line: parser.line(nameNode), message: "schedule '\(name)' is defined twice",
                        suggestion: "rename or remove one")
                    continue
                }
                parser.check(
                    fields, allowed: ["name", "pipeline", "cron", "interval", "timezone", "params", "enabled"],
                    context: context,
                    warning: true)
                guard let jobNode = parser.value(fields, "pipeline"),
                    let job = parser.string(jobNode, key: "pipeline", context: context)
                else {
                    parser.report(
                        "pipeline", line: parser.line(item), message: "\(context) has no 'pipeline'",
                        suggestion: "add 'pipeline: job.name'")
                    continue
                }
                let scheduleZone =
                    parser.value(fields, "timezone").flatMap { parser.zone($0, key: "timezone", context: context) }
                    ?? zone
                let trigger: Trigger?
                switch (parser.value(fields, "cron"), parser.value(fields, "interval")) {
                case (let cron?, nil):
                    trigger = parser.string(cron, key: "cron", context: context).flatMap { text in
                        build(&parser, key: "cron", node: cron, context: context) {
                            try Trigger.cron(text, in: scheduleZone)
                        }
                    }
                case (nil, let interval?):
                    trigger = parser.integer(interval, key: "interval", context: context, minimum: 1).flatMap {
                        minutes in
                        build(&parser, key: "interval", node: interval, context: context) {
                            try Trigger.every(.seconds(minutes * 60))
                        }
                    }
                case (.some, .some):
                    parser.report(
                        "interval", line: parser.line(item), message: "\(context) has both 'cron' and 'interval'",
                        suggestion: "keep one")
                    trigger = nil
                case (nil, nil):
                    parser.report(
                        nil, line: parser.line(item), message: "\(context) has neither 'cron' nor 'interval'",
                        suggestion: "add one")
                    trigger = nil
                }
                let enabled =
                    parser.value(fields, "enabled").flatMap { parser.boolean($0, key: "enabled", context: context) }
                    ?? true
                let parameters = parser.value(fields, "params").map(ConfigParser.json) ?? .null
                if let trigger,
                    let schedule = make(
                        &parser, name: name, line: parser.line(item),
                        {
                            try Schedule(
                                name, job: JobReference(job, parameters: parameters), trigger: trigger, enabled: enabled
                            )
                        })
                {
                    schedules.append(schedule)
                }
            }
            return SchedulerConfiguration(
                file: parser.file, timeZone: zone, state: nil, concurrency: 4, schedules: schedules, warnings: [])
        }

        /// `scheduled_tasks: {enabled, tasks: {key: {name, enabled, schedule, executor, timeout_seconds}}}`.
        static func taskMap(_ top: ConfigParser.Entries, parser: inout ConfigParser) -> SchedulerConfiguration? {
            parser.check(top, allowed: ["scheduled_tasks", "timezone"], context: "the top level", warning: true)
            let zone =
                parser.value(top, "timezone").flatMap { parser.zone($0, key: "timezone", context: "the top level") }
                ?? .gmt
            guard let section = parser.entries(parser.value(top, "scheduled_tasks")!, context: "'scheduled_tasks'")
            else { return nil }
            parser.check(section, allowed: ["enabled", "tasks"], context: "'scheduled_tasks'", warning: true)
            let allEnabled =
                parser.value(section, "enabled").flatMap {
                    parser.boolean($0, key: "enabled", context: "'scheduled_tasks'")
                } ?? true
            var schedules: [Schedule] = []
            for (name, keyNode, body) in parser.value(section, "tasks").flatMap({
                parser.entries($0, context: "'tasks'")
            }) ?? [] {
                let context = "task '\(name)'"
                guard let fields = parser.entries(body, context: context) else { continue }
                parser.check(
                    fields, allowed: ["name", "enabled", "schedule", "executor", "timeout_seconds"], context: context,
                    warning: true)
                let trigger = parser.value(fields, "schedule").flatMap {
                    taskTrigger($0, zone: zone, context: context, parser: &parser)
                }
                if parser.value(fields, "schedule") == nil {
                    parser.report(
                        "schedule", line: parser.line(keyNode), message: "\(context) has no 'schedule'",
                        suggestion: "add 'schedule: { type: interval, seconds: 3600 }'")
                }
                let job =
                    parser.value(fields, "executor").flatMap { executor($0, context: context, parser: &parser) }
                    ?? JobReference(name)
                let enabled =
                    parser.value(fields, "enabled").flatMap { parser.boolean($0, key: "enabled", context: context) }
                    ?? true
                let timeout = parser.value(fields, "timeout_seconds").flatMap {
                    parser.integer($0, key: "timeout_seconds", context: context, minimum: 1)
                }
                if let trigger,
                    let schedule = make(
                        &parser, name: name, line: parser.line(keyNode),
                        {
                            try Schedule(
                                name, job: job, trigger: trigger, enabled: enabled && allEnabled,
                                timeout: timeout.map { .seconds($0) })
                        })
                {
                    schedules.append(schedule)
                }
            }
            return SchedulerConfiguration(
                file: parser.file, timeZone: zone, state: nil, concurrency: 4, schedules: schedules, warnings: [])
        }

        private static func taskTrigger(_ node: Node, zone: TimeZone, context: String, parser: inout ConfigParser)
            -> Trigger?
        {
            guard let fields = parser.entries(node, context: "'schedule' of \(context)") else { return nil }
            parser.check(
                fields, allowed: ["type", "hours", "days_interval", "seconds"], context: "'schedule' of \(context)",
                warning: true)
            guard let typeNode = parser.value(fields, "type"),
                let type = parser.string(typeNode, key: "type", context: context)
            else {
                parser.report(
                    "type", line: parser.line(node), message: "'schedule' of \(context) has no 'type'",
                    suggestion: "use time_of_day, interval or run_then_wait")
                return nil
            }
            let seconds = { (parser: inout ConfigParser) -> Int? in
                guard let node = parser.value(fields, "seconds") else {
                    parser.report(
                        "seconds", line: parser.line(typeNode), message: "'schedule' of \(context) has no 'seconds'",
                        suggestion: "add 'seconds: 3600'")
                    return nil
                }
                return parser.integer(node, key: "seconds", context: context, minimum: 0)
            }
            switch type {
            case "time_of_day":
                guard case .sequence(let hours)? = parser.value(fields, "hours") else {
                    parser.report(
                        "hours", line: parser.line(typeNode),
                        message: "'schedule' of \(context) has no list of 'hours'",
                        suggestion: "add 'hours: [0, 8, 16]'")
                    return nil
                }
                let values = hours.compactMap { parser.integer($0, key: "hours", context: context, minimum: 0) }
                guard values.count == hours.count else { return nil }
                let days =
                    parser.value(fields, "days_interval").flatMap {
                        parser.integer($0, key: "days_interval", context: context, minimum: 1)
                    } ?? 1
                return build(&parser, key: "hours", node: typeNode, context: context) {
                    try Trigger.timesOfDay(try values.map { try TimeOfDay(hour: $0) }, in: zone, everyDays: days)
                }
            case "interval":
                return seconds(&parser).flatMap { value in
                    build(&parser, key: "seconds", node: typeNode, context: context) {
                        try Trigger.every(.seconds(value))
                    }
                }
            case "run_then_wait":
                return seconds(&parser).flatMap { value in
                    build(&parser, key: "seconds", node: typeNode, context: context) {
                        try Trigger.runThenWait(.seconds(value))
                    }
                }
            default:
                parser.report(
                    "type", line: parser.line(typeNode), message: "unknown schedule type '\(type)' in \(context)",
                    suggestion: "use time_of_day, interval or run_then_wait")
                return nil
            }
        }

        private static func executor(_ node: Node, context: String, parser: inout ConfigParser) -> JobReference? {
            guard let fields = parser.entries(node, context: "'executor' of \(context)") else { return nil }
            parser.check(
                fields, allowed: ["type", "command", "args"], context: "'executor' of \(context)", warning: true)
            guard let commandNode = parser.value(fields, "command"),
                let command = parser.string(commandNode, key: "command", context: context)
            else {
                parser.report(
                    "command", line: parser.line(node), message: "'executor' of \(context) has no 'command'",
                    suggestion: "add 'command: python'")
                return nil
            }
            var arguments = [command]
            if case .sequence(let args)? = parser.value(fields, "args") {
                arguments += args.compactMap { parser.string($0, key: "args", context: context) }
            }
            return .process(arguments)
        }

        /// `scheduler: {name: {enabled, cron_expression, timeout_minutes, retry_count, priority}}`, with
        /// `error_recovery:` and `deadlines:` sections keyed by the same names.
        static func perTaskCron(_ top: ConfigParser.Entries, parser: inout ConfigParser) -> SchedulerConfiguration? {
            parser.check(
                top, allowed: ["scheduler", "error_recovery", "deadlines", "timezone"], context: "the top level",
                warning: true)
            let zone =
                parser.value(top, "timezone").flatMap { parser.zone($0, key: "timezone", context: "the top level") }
                ?? .gmt
            var recovery: [String: ConfigParser.Entries] = [:]
            for (name, _, body) in parser.value(top, "error_recovery").flatMap({
                parser.entries($0, context: "'error_recovery'")
            }) ?? [] {
                if let fields = parser.entries(body, context: "'error_recovery' of '\(name)'") {
                    parser.check(
                        fields, allowed: ["retry_delay_seconds", "max_retries", "fallback"],
                        context: "'error_recovery' of '\(name)'", warning: true)
                    recovery[name] = fields
                }
            }
            var deadlines: [String: ConfigParser.Entries] = [:]
            for (name, keyNode, body) in parser.value(top, "deadlines").flatMap({
                parser.entries($0, context: "'deadlines'")
            }) ?? [] {
                if let fields = parser.entries(body, context: "'deadlines' of '\(name)'") {
                    parser.check(
                        fields, allowed: ["time", "buffer_minutes", "alert_on_risk", "fallback_on_miss"],
                        context: "'deadlines' of '\(name)'", warning: true)
                    deadlines[name] = fields
                    _ = keyNode
                }
            }
            var schedules: [Schedule] = []
            let tasks = parser.value(top, "scheduler").flatMap { parser.entries($0, context: "'scheduler'") } ?? []
            for (name, keyNode, body) in tasks {
                let context = "task '\(name)'"
                guard let fields = parser.entries(body, context: context) else { continue }
                parser.check(
                    fields, allowed: ["enabled", "cron_expression", "timeout_minutes", "retry_count", "priority"],
                    context: context, warning: true)
                guard let cronNode = parser.value(fields, "cron_expression"),
                    let text = parser.string(cronNode, key: "cron_expression", context: context)
                else {
                    parser.report(
                        "cron_expression", line: parser.line(keyNode), message: "\(context) has no 'cron_expression'",
                        suggestion: "add 'cron_expression: \"0 6 * * *\"'")
                    continue
                }
                let trigger = build(&parser, key: "cron_expression", node: cronNode, context: context) {
                    try Trigger.cron(text, in: zone)
                }
                let enabled =
                    parser.value(fields, "enabled").flatMap { parser.boolean($0, key: "enabled", context: context) }
                    ?? true
                let timeout = parser.value(fields, "timeout_minutes").flatMap {
                    parser.integer($0, key: "timeout_minutes", context: context, minimum: 1)
                }
                let priority =
                    parser.value(fields, "priority").flatMap { parser.string($0, key: "priority", context: context) }
                    .flatMap(Priority.init(name:)) ?? .medium
                var retries =
                    parser.value(fields, "retry_count").flatMap {
                        parser.integer($0, key: "retry_count", context: context, minimum: 0)
                    } ?? 0
                var delay = 0
                var fallback: JobReference?
                if let recovery = recovery[name] {
                    retries =
                        recovery.first { $0.key == "max_retries" }.flatMap {
                            parser.integer($0.value, key: "max_retries", context: context, minimum: 0)
                        } ?? retries
                    delay =
                        recovery.first { $0.key == "retry_delay_seconds" }.flatMap {
                            parser.integer($0.value, key: "retry_delay_seconds", context: context, minimum: 0)
                        } ?? 0
                    fallback = recovery.first { $0.key == "fallback" }.flatMap {
                        parser.string($0.value, key: "fallback", context: context)
                    }.map { JobReference($0) }
                }
                var deadline: DeadlinePolicy?
                if let fields = deadlines[name], let timeNode = parser.value(fields, "time"),
                    let text = parser.string(timeNode, key: "time", context: context)
                {
                    let buffer =
                        parser.value(fields, "buffer_minutes").flatMap {
                            parser.integer($0, key: "buffer_minutes", context: context, minimum: 0)
                        } ?? 0
                    if let time = try? TimeOfDay(text) {
                        deadline = DeadlinePolicy(at: time, in: zone, buffer: .seconds(buffer * 60))
                    } else {
                        parser.report(
                            "time", line: parser.line(timeNode),
                            message: "deadline of \(context) is '\(text)', not a time of day", suggestion: "write HH:MM"
                        )
                    }
                }
                if let trigger,
                    let schedule = make(
                        &parser, name: name, line: parser.line(keyNode),
                        {
                            try Schedule(
                                name, job: JobReference(name), trigger: trigger, enabled: enabled,
                                retry: .retries(retries, backoff: .seconds(delay)),
                                timeout: timeout.map { .seconds($0 * 60) },
                                priority: priority, deadline: deadline, fallback: fallback)
                        })
                {
                    schedules.append(schedule)
                }
            }
            for (name, _, _) in parser.value(top, "deadlines").flatMap({ parser.entries($0, context: "'deadlines'") })
                ?? []
            where !tasks.contains(where: { $0.key == name }) {
                parser.report(
                    name, line: nil,
                    message: "'deadlines' names '\(name)', which is not a task in 'scheduler'; ignored", warning: true)
            }
            return SchedulerConfiguration(
                file: parser.file, timeZone: zone, state: nil, concurrency: 4, schedules: schedules, warnings: [])
        }

        /// Calls a throwing constructor, reporting its error at a node.
        private static func build<T>(
            _ parser: inout ConfigParser, key: String, node: Node, context: String, _ body: () throws -> T
        ) -> T? {
            do {
                return try body()
            } catch {
                let (message, suggestion) = explain(error)
                parser.report(key, line: parser.line(node), message: "\(context): \(message)", suggestion: suggestion)
                return nil
            }
        }

        private static func make(_ parser: inout ConfigParser, name: String, line: Int?, _ body: () throws -> Schedule)
            -> Schedule?
        {
            do {
                return try body()
            } catch {
                let (message, suggestion) = explain(error)
                parser.report(nil, line: line, message: "schedule '\(name)': \(message)", suggestion: suggestion)
                return nil
            }
        }

        private static func explain(_ error: any Error) -> (String, String?) {
            guard let error = error as? SchedulingError else { return ("\(error)", nil) }
            return (error.message, error.suggestion)
        }
    }
#endif
