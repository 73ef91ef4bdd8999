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

    /// What both exports need of a schedule: its command line, and the policies that neither
    /// system cron nor systemd timers carry over.
    struct ExportedJob {
        let schedule: Schedule
        /// The process to run, or nil for a Swift job that only its application can run.
        let process: ProcessExecutor.Parameters?

        init(_ schedule: Schedule) {
            self.schedule = schedule
            process =
                schedule.job.name == ProcessExecutor.jobName
                ? try? schedule.job.parameters.decode(ProcessExecutor.Parameters.self) : nil
        }

        /// Why the job itself cannot be exported, if it cannot.
        var jobProblem: String? {
            guard process == nil else { return nil }
            return "runs the Swift job '\(schedule.job.name)', which only the application that registers it can run"
        }

        /// The schedule's policies the target does not apply, in words; empty when there are none.
        func policiesNotCarried(timeoutSupported: Bool) -> [String] {
            var lost: [String] = []
            if schedule.retry.maxAttempts > 1 { lost.append("retries (\(schedule.retry.maxAttempts) attempts)") }
            if let timeout = schedule.timeout, !timeoutSupported {
                lost.append("timeout \(DurationArgument(timeout).defaultValueDescription)")
            }
            if schedule.deadline != nil { lost.append("deadline") }
            if schedule.fallback != nil { lost.append("fallback") }
            if schedule.jitter > .zero { lost.append("jitter") }
            if schedule.priority != .medium { lost.append("priority \(schedule.priority)") }
            return lost
        }

        /// A zone's name for cron and systemd, which know UTC by that name.
        static func name(of zone: TimeZone) -> String {
            zone.identifier == "GMT" ? "UTC" : zone.identifier
        }

        /// The start and end bounds in words, if the schedule has any.
        var bounds: String? {
            switch (schedule.start, schedule.end) {
            case (nil, nil): nil
            case (let start?, nil): "from \(Timestamp.string(from: start))"
            case (nil, let end?): "until \(Timestamp.string(from: end))"
            case (let start?, let end?): "from \(Timestamp.string(from: start)) until \(Timestamp.string(from: end))"
            }
        }

        /// Compresses ascending values into `a-b` (or `a..b`) ranges joined by commas.
        static func list(_ values: [Int], range: String = "-", names: [String]? = nil) -> String {
            var parts: [String] = []
            var index = 0
            func name(_ value: Int) -> String { names.map { $0[value] } ?? "\(value)" }
            while index < values.count {
                var end = index
                while end + 1 < values.count, values[end + 1] == values[end] + 1 { end += 1 }
                if end - index >= 2 {
                    parts.append("\(name(values[index]))\(range)\(name(values[end]))")
                } else {
                    parts.append(contentsOf: values[index...end].map(name))
                }
                index = end + 1
            }
            return parts.joined(separator: ",")
        }

        /// The values of a grid of `step` through `offset`, within `0..<period`.
        static func grid(step: Int64, offset: Int64, period: Int64) -> [Int] {
            stride(from: ((offset % step) + step) % step, to: period, by: Int(step)).map { Int($0) }
        }

        /// `text` quoted for a POSIX shell when it needs quoting.
        static func shellQuoted(_ text: String) -> String {
            if isPlain(text) { return text }
            return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }

        /// Whether a word needs no quoting in a shell or a unit file: letters, digits and `-_./=:@,+`.
        static func isPlain(_ word: String) -> Bool {
            let plain = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./=:@,+"))
            return !word.isEmpty && word.unicodeScalars.allSatisfy(plain.contains)
        }
    }
#endif
