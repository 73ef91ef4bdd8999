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

    /// Reads a configuration file's YAML into schedules, collecting every problem with its line.
    struct ConfigParser {
        let file: String
        var diagnostics: [ConfigDiagnostic] = []

        init(file: String) {
            self.file = file
        }

        /// A mapping's entries with string keys, in file order.
        typealias Entries = [(key: String, keyNode: Node, value: Node)]

        mutating func parse(_ text: String) -> SchedulerConfiguration? {
            let root: Node?
            do {
                root = try Yams.compose(yaml: text)
            } catch let error as YamlError {
                report(
                    nil, line: Self.line(of: error), message: "the file is not valid YAML: \(Self.problem(of: error))")
                return nil
            } catch {
                report(nil, line: nil, message: "the file is not valid YAML: \(error)")
                return nil
            }
            guard let root, let top = entries(root, context: "the file") else {
                report(
                    nil, line: 1, message: "the file is empty or not a mapping", suggestion: "start with 'schedules:'")
                return nil
            }
            let keys = Set(top.map(\.key))
            if keys.contains("scheduled_tasks") { return CompatibilityShapes.taskMap(top, parser: &self) }
            if keys.contains("scheduler") { return CompatibilityShapes.perTaskCron(top, parser: &self) }
            if let schedules = top.first(where: { $0.key == "schedules" }), case .sequence = schedules.value {
                return CompatibilityShapes.list(top, parser: &self)
            }
            return canonical(top)
        }

        // MARK: The canonical format

        private mutating func canonical(_ top: Entries) -> SchedulerConfiguration? {
            check(top, allowed: ["timezone", "state", "concurrency", "schedules"], context: "the top level")
            var zone = TimeZone.gmt
            if let node = value(top, "timezone"),
                let parsed = self.zone(node, key: "timezone", context: "the top level")
            {
                zone = parsed
            }
            let state = value(top, "state").flatMap { string($0, key: "state", context: "the top level") }
            let concurrency =
                value(top, "concurrency").flatMap {
                    integer($0, key: "concurrency", context: "the top level", minimum: 1)
                } ?? 4
            var schedules: [Schedule] = []
            if let node = value(top, "schedules") {
                var seen: [String: Int] = [:]
                for (name, keyNode, body) in entries(node, context: "'schedules'") ?? [] {
                    if let first = seen[name] {
                        report(
                            name, line: line(keyNode),
                            message: "schedule '\(name)' is defined twice (lines \(first) and \(line(keyNode) ?? 0))",
                            suggestion: "rename or remove one")
                        continue
                    }
                    seen[name] = line(keyNode) ?? 0
                    if let schedule = schedule(named: name, keyNode: keyNode, body, defaultZone: zone) {
                        schedules.append(schedule)
                    }
                }
            } else {
                report(nil, line: 1, message: "the file has no 'schedules'", suggestion: "add a 'schedules:' mapping")
            }
            return SchedulerConfiguration(
                file: file, timeZone: zone, state: state, concurrency: concurrency, schedules: schedules, warnings: [])
        }

        static let scheduleKeys = [
            "job", "cron", "timezone", "every", "anchor", "at", "times", "every_days", "anchor_date",
            "after_completion", "start", "end", "timeout", "retry", "priority", "deadline", "fallback", "overlap",
            "catch_up", "enabled", "jitter",
        ]
        static let triggerKeys = ["cron", "every", "at", "times", "after_completion"]

        private mutating func schedule(named name: String, keyNode: Node, _ body: Node, defaultZone: TimeZone)
            -> Schedule?
        {
            let context = "schedule '\(name)'"
            guard let fields = entries(body, context: context) else { return nil }
            check(fields, allowed: Self.scheduleKeys, context: context)
            let before = errorCount
            var zone = defaultZone
            if let node = value(fields, "timezone"), let parsed = self.zone(node, key: "timezone", context: context) {
                zone = parsed
            }
            let job = value(fields, "job").flatMap { self.job($0, key: "job", context: context) }
            if value(fields, "job") == nil {
                report(
                    "job", line: line(keyNode), message: "\(context) has no 'job'",
                    suggestion: "add 'job: { process: [...] }' or 'job: { name: ... }'")
            }
            let trigger = self.trigger(fields, zone: zone, context: context, line: line(keyNode))
            let start = value(fields, "start").flatMap { instant($0, key: "start", context: context) }
            let end = value(fields, "end").flatMap { instant($0, key: "end", context: context) }
            let timeout = value(fields, "timeout").flatMap {
                duration($0, key: "timeout", context: context, isPositive: true)
            }
            let jitter = value(fields, "jitter").flatMap { duration($0, key: "jitter", context: context) } ?? .zero
            let retry = value(fields, "retry").flatMap { self.retry($0, context: context) } ?? .none
            let priority = value(fields, "priority").flatMap { self.priority($0, context: context) } ?? .medium
            let deadline = value(fields, "deadline").flatMap { self.deadline($0, zone: zone, context: context) }
            let fallback = value(fields, "fallback").flatMap { self.job($0, key: "fallback", context: context) }
            let overlap = value(fields, "overlap").flatMap { self.overlap($0, context: context) } ?? .skip
            let catchUp = value(fields, "catch_up").flatMap { self.catchUp($0, context: context) } ?? .default
            let enabled = value(fields, "enabled").flatMap { boolean($0, key: "enabled", context: context) } ?? true
            guard errorCount == before, let job, let trigger else { return nil }
            do {
                return try Schedule(
                    name, job: job, trigger: trigger, enabled: enabled, start: start, end: end, jitter: jitter,
                    catchUp: catchUp, overlap: overlap, retry: retry, timeout: timeout, priority: priority,
                    deadline: deadline, fallback: fallback)
            } catch {
                let node = value(fields, "end") ?? keyNode
                report(nil, line: line(node), message: error.message, suggestion: error.suggestion)
                return nil
            }
        }

        private mutating func trigger(_ fields: Entries, zone: TimeZone, context: String, line scheduleLine: Int?)
            -> Trigger?
        {
            let present = fields.filter { Self.triggerKeys.contains($0.key) }
            guard let chosen = present.first else {
                report(
                    nil, line: scheduleLine, message: "\(context) has no trigger",
                    suggestion: "add one of \(Self.triggerKeys.map { "'\($0)'" }.joined(separator: ", "))")
                return nil
            }
            if present.count > 1 {
                let second = present[1]
                report(
                    second.key, line: line(second.keyNode),
                    message:
                        "\(context) has two trigger keys, '\(chosen.key)' (line \(line(chosen.keyNode) ?? 0)) and '\(second.key)' (line \(line(second.keyNode) ?? 0))",
                    suggestion: "keep exactly one trigger key")
                return nil
            }
            for (key, owner) in [("anchor", "every"), ("every_days", "times"), ("anchor_date", "times")]
            where value(fields, key) != nil && chosen.key != owner {
                report(
                    key, line: line(value(fields, key)!), message: "'\(key)' in \(context) applies only to '\(owner)'",
                    suggestion: "remove it")
            }
            let node = chosen.value
            do {
                switch chosen.key {
                case "cron":
                    guard let text = string(node, key: "cron", context: context) else { return nil }
                    return try Trigger.cron(text, in: zone)
                case "every":
                    guard let interval = duration(node, key: "every", context: context, isPositive: true) else {
                        return nil
                    }
                    let anchor = value(fields, "anchor").flatMap { instant($0, key: "anchor", context: context) }
                    return try Trigger.every(interval, anchor: anchor ?? Date(timeIntervalSince1970: 0))
                case "at":
                    return instant(node, key: "at", context: context).map { Trigger.once(at: $0) }
                case "times":
                    return try timesOfDay(node, fields: fields, zone: zone, context: context)
                default:
                    guard let delay = duration(node, key: chosen.key, context: context) else { return nil }
                    return try Trigger.runThenWait(delay)
                }
            } catch {
                report(
                    chosen.key, line: line(node), message: "\(context): \(error.message) (line \(line(node) ?? 0))",
                    suggestion: error.suggestion)
                return nil
            }
        }

        private mutating func timesOfDay(_ node: Node, fields: Entries, zone: TimeZone, context: String)
            throws(SchedulingError) -> Trigger?
        {
            let items: [Node]
            if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
            var times: [TimeOfDay] = []
            for item in items {
                guard let text = string(item, key: "times", context: context) else { return nil }
                do {
                    times.append(try TimeOfDay(text))
                } catch {
                    report(
                        "times", line: line(item), message: "\(context): \(error.message) (line \(line(item) ?? 0))",
                        suggestion: error.suggestion)
                    return nil
                }
            }
            let everyDays =
                value(fields, "every_days").flatMap { integer($0, key: "every_days", context: context, minimum: 1) }
                ?? 1
            var anchor = LocalDate.epoch
            if let anchorNode = value(fields, "anchor_date"),
                let text = string(anchorNode, key: "anchor_date", context: context)
            {
                do {
                    anchor = try LocalDate(text)
                } catch {
                    report(
                        "anchor_date", line: line(anchorNode), message: "\(context): \(error.message)",
                        suggestion: error.suggestion)
                    return nil
                }
            }
            return try Trigger.timesOfDay(times, in: zone, everyDays: everyDays, anchor: anchor)
        }

        // MARK: Policies

        mutating func job(_ node: Node, key: String, context: String) -> JobReference? {
            guard let fields = entries(node, context: "'\(key)' of \(context)") else { return nil }
            check(fields, allowed: ["process", "env", "cwd", "name", "params"], context: "'\(key)' of \(context)")
            if let process = value(fields, "process") {
                guard case .sequence(let sequence) = process, !sequence.isEmpty else {
                    let isEmptyList = if case .sequence = process { true } else { false }
                    report(
                        "process", line: line(process),
                        message: isEmptyList
                            ? "'process' in \(context) is empty" : "'process' in \(context) is not a list of arguments",
                        suggestion: "write it as [program, argument, ...], never a shell string")
                    return nil
                }
                let arguments = sequence.compactMap { string($0, key: "process", context: context) }
                guard arguments.count == sequence.count else { return nil }
                var environment: [String: String?]?
                if let env = value(fields, "env") {
                    environment = [:]
                    for (name, _, value) in entries(env, context: "'env' of \(context)") ?? [] {
                        environment?[name] = string(value, key: "env", context: context)
                    }
                }
                let directory = value(fields, "cwd").flatMap { string($0, key: "cwd", context: context) }
                return .process(arguments, environment: environment, workingDirectory: directory)
            }
            guard let nameNode = value(fields, "name"), let name = string(nameNode, key: "name", context: context)
            else {
                report(
                    key, line: line(node), message: "'\(key)' in \(context) has neither 'process' nor 'name'",
                    suggestion: "write '{ process: [program, ...] }' or '{ name: job.name, params: {...} }'")
                return nil
            }
            return JobReference(name, parameters: value(fields, "params").map(Self.json) ?? .null)
        }

        private mutating func retry(_ node: Node, context: String) -> RetryPolicy? {
            let label = "'retry' of \(context)"
            guard let fields = entries(node, context: label) else { return nil }
            check(fields, allowed: ["attempts", "backoff", "max_backoff", "multiplier"], context: label)
            let attempts =
                value(fields, "attempts").flatMap { integer($0, key: "attempts", context: label, minimum: 1) } ?? 1
            let backoff = value(fields, "backoff").flatMap { duration($0, key: "backoff", context: label) } ?? .zero
            guard
                let maximum = value(fields, "max_backoff").flatMap({ duration($0, key: "max_backoff", context: label) })
            else {
                return RetryPolicy(maxAttempts: attempts, backoff: .fixed(backoff))
            }
            let multiplier = value(fields, "multiplier").flatMap { number($0, key: "multiplier", context: label) } ?? 2
            return RetryPolicy(
                maxAttempts: attempts, backoff: .exponential(initial: backoff, multiplier: multiplier, maximum: maximum)
            )
        }

        private mutating func priority(_ node: Node, context: String) -> Priority? {
            guard let text = string(node, key: "priority", context: context) else { return nil }
            guard let priority = Priority(name: text) else {
                report(
                    "priority", line: line(node),
                    message: "unknown priority '\(text)' in \(context) (line \(line(node) ?? 0))",
                    suggestion: "use critical, high, medium or low")
                return nil
            }
            return priority
        }

        private mutating func deadline(_ node: Node, zone: TimeZone, context: String) -> DeadlinePolicy? {
            let label = "'deadline' of \(context)"
            guard let fields = entries(node, context: label) else { return nil }
            check(fields, allowed: ["at", "buffer", "timezone"], context: label)
            guard let atNode = value(fields, "at"), let text = string(atNode, key: "at", context: label) else {
                report("deadline", line: line(node), message: "\(label) has no 'at'", suggestion: "add 'at: \"10:00\"'")
                return nil
            }
            let time: TimeOfDay
            do {
                time = try TimeOfDay(text)
            } catch {
                report("at", line: line(atNode), message: "\(label): \(error.message)", suggestion: error.suggestion)
                return nil
            }
            let deadlineZone =
                value(fields, "timezone").flatMap { self.zone($0, key: "timezone", context: label) } ?? zone
            let buffer = value(fields, "buffer").flatMap { duration($0, key: "buffer", context: label) } ?? .zero
            return DeadlinePolicy(at: time, in: deadlineZone, buffer: buffer)
        }

        private mutating func overlap(_ node: Node, context: String) -> OverlapPolicy? {
            var mode = node
            var maximum = 10
            if case .mapping = node, let fields = entries(node, context: "'overlap' of \(context)") {
                check(fields, allowed: ["mode", "maximum"], context: "'overlap' of \(context)")
                guard let modeNode = value(fields, "mode") else {
                    report(
                        "overlap", line: line(node), message: "'overlap' of \(context) has no 'mode'",
                        suggestion: "add 'mode: skip'")
                    return nil
                }
                mode = modeNode
                maximum =
                    value(fields, "maximum").flatMap { integer($0, key: "maximum", context: context, minimum: 1) } ?? 10
            }
            guard let text = string(mode, key: "overlap", context: context) else { return nil }
            switch text {
            case "skip": return .skip
            case "buffer_one": return .bufferOne
            case "buffer_all": return .bufferAll(maximum: maximum)
            case "cancel_other": return .cancelOther
            case "allow_all": return .allowAll(maximum: maximum)
            default:
                let modes = ["skip", "buffer_one", "buffer_all", "cancel_other", "allow_all"]
                report(
                    "overlap", line: line(mode),
                    message: "unknown overlap policy '\(text)' in \(context) (line \(line(mode) ?? 0))",
                    suggestion: Self.closest(text, among: modes).map { "did you mean '\($0)'?" }
                        ?? "use one of \(modes.joined(separator: ", "))")
                return nil
            }
        }

        private mutating func catchUp(_ node: Node, context: String) -> CatchUpPolicy? {
            let label = "'catch_up' of \(context)"
            guard let fields = entries(node, context: label) else { return nil }
            check(fields, allowed: ["mode", "window", "grace", "maximum"], context: label)
            var mode = CatchUpPolicy.Mode.latest
            if let modeNode = value(fields, "mode"), let text = string(modeNode, key: "mode", context: label) {
                let maximum =
                    value(fields, "maximum").flatMap { integer($0, key: "maximum", context: label, minimum: 1) } ?? 100
                switch text {
                case "none": mode = .none
                case "latest": mode = .latest
                case "earliest": mode = .earliest
                case "all": mode = .all(maximum: maximum)
                default:
                    report(
                        "mode", line: line(modeNode), message: "unknown catch-up mode '\(text)' in \(label)",
                        suggestion: "use none, latest, earliest or all")
                    return nil
                }
            }
            let defaults = CatchUpPolicy.default
            return CatchUpPolicy(
                mode: mode,
                grace: value(fields, "grace").flatMap { duration($0, key: "grace", context: label) } ?? defaults.grace,
                window: value(fields, "window").flatMap { duration($0, key: "window", context: label) }
                    ?? defaults.window)
        }
    }
#endif
