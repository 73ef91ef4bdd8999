//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import ArgumentParser
    import Foundation
    import Scheduling

    /// `scheduler cron explain`: the expression in English, its warnings and next five fire times.
    struct CronExplainCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Explain a cron expression in English, with warnings and the next five fire times."
        )

        @Argument(help: "The cron expression, quoted: \"0 10 * * SUN\".")
        var expression: String

        @OptionGroup var zone: ZoneOptions

        func run() async throws {
            do {
                let cron = try CommandFailure.wrap { () throws(SchedulingError) in try CronExpression(expression) }
                let timeZone = try zone.zone()
                let start = try zone.start()
                print(CronExplainCommand.report(for: cron, in: timeZone, after: start))
            } catch let failure as CommandFailure {
                throw Self.exitReporting(failure)
            }
        }

        /// The whole report, as printed.
        static func report(for cron: CronExpression, in timeZone: TimeZone, after start: Date) -> String {
            var lines = ["\(cron.description): \(cron.explanation) (\(timeZone.identifier))"]
            let mode = cron.isFixedTime ? "fixed-time" : "periodic"
            let policy = cron.defaultDSTPolicy
            lines.append("DST: \(mode) (gap: \(policy.gap), fold: \(policy.fold))")
            for warning in cron.warnings(in: timeZone, from: start) {
                lines.append("warning: \(warning)")
            }
            lines.append("next:")
            var previous: Date?
            for date in cron.occurrences(after: start, in: timeZone).prefix(5) {
                var line = "  \(Timestamp.string(from: date))  \(localTime(date, in: timeZone))"
                if let note = dstNote(for: date, previous: previous, in: timeZone) { line += "  (\(note))" }
                lines.append(line)
                previous = date
            }
            return lines.joined(separator: "\n")
        }

        private static func localTime(_ date: Date, in timeZone: TimeZone) -> String {
            let offset = timeZone.secondsFromGMT(for: date)
            let local = Timestamp.string(from: date.addingTimeInterval(TimeInterval(offset)))
            let sign = offset < 0 ? "-" : "+"
            let magnitude = abs(offset)
            let hours = String(format: "%02d:%02d", magnitude / 3600, magnitude / 60 % 60)
            return local.dropLast().replacingOccurrences(of: "T", with: " ") + " \(sign)\(hours)"
        }

        /// Says when a fire time sits at a daylight-saving change.
        private static func dstNote(for date: Date, previous: Date?, in timeZone: TimeZone) -> String? {
            let before = timeZone.secondsFromGMT(for: date.addingTimeInterval(-1))
            let now = timeZone.secondsFromGMT(for: date)
            if now > before {
                return "at the end of a spring-forward gap"
            }
            let hourLater = timeZone.secondsFromGMT(for: date.addingTimeInterval(3600))
            if hourLater < now {
                return "in the hour that repeats when clocks fall back: first occurrence"
            }
            let hourEarlier = timeZone.secondsFromGMT(for: date.addingTimeInterval(-3600))
            if hourEarlier > now {
                return "in the hour that repeats when clocks fall back: second occurrence"
            }
            return nil
        }
    }
#endif
