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
    import Testing

    @testable import SchedulerCommand

    /// `scheduler export`: exact translations stay active; anything inexact carries a comment.
    struct ExportTests {
        static let configuration: SchedulerConfiguration = {
            // The literal is a valid configuration.
            // swift-format-ignore: NeverUseForceTry
            try! SchedulerConfiguration.parse(
                """
                timezone: America/Chicago
                schedules:
                  inference:
                    job: { process: [swift, run, forecast, infer], env: { MODE: "fast 100%" }, cwd: /srv/forecast }
                    cron: "0 6 * * 1-5"
                    timeout: 2h
                    retry: { attempts: 3, backoff: 10m }
                  video: { job: { process: [render.sh, "a b"] }, every: 5h }
                  quarter: { job: { process: ["true"] }, every: 15m }
                  six: { job: { process: ["true"] }, every: 6h, anchor: "2026-01-01T01:30:00Z" }
                  secs: { job: { process: ["true"] }, cron: "*/10 * * * * *" }
                  twice: { job: { process: ["true"] }, times: ["01:00", "13:30"], timezone: Europe/Berlin }
                  lastday: { job: { name: report.monthly }, cron: "0 9 L * *" }
                  either: { job: { process: ["true"] }, cron: "0 0 1,15 * MON" }
                  both: { job: { process: ["true"] }, cron: "0 0 */2 * MON" }
                  once: { job: { process: ["true"] }, at: "2026-12-01T06:00:00Z" }
                """, file: "export.yaml")
        }()

        /// The lines of one schedule's block in a crontab.
        static func block(_ name: String, in text: String) -> [String] {
            let blocks = text.components(separatedBy: "\n\n")
            return blocks.first { $0.hasPrefix("# \(name):") }?.split(separator: "\n").map(String.init) ?? []
        }

        @Test func crontabKeepsExactSchedulesActiveAndCommentsOutTheRest() {
            let text = CrontabExport.render(Self.configuration)
            #expect(
                Self.block("inference", in: text).suffix(2) == [
                    "CRON_TZ=America/Chicago",
                    "0 6 * * 1-5 cd /srv/forecast && env 'MODE=fast 100\\%' swift run forecast infer",
                ])
            let video = Self.block("video", in: text)
            #expect(video.contains { $0.hasPrefix("# not exact: an interval of 18000s") })
            #expect(video.last == "# 0 */5 * * * render.sh 'a b'")
            #expect(Self.block("quarter", in: text).last == "0,15,30,45 * * * * true")
            #expect(Self.block("six", in: text).last == "30 1,7,13,19 * * * true")
            #expect(Self.block("secs", in: text).last == "# * * * * * true")
            #expect(
                Self.block("twice", in: text).suffix(3) == [
                    "CRON_TZ=Europe/Berlin", "0 1 * * * true", "30 13 * * * true",
                ])
            let lastday = Self.block("lastday", in: text)
            #expect(lastday.contains { $0.contains("Swift job 'report.monthly'") })
            #expect(lastday.last?.hasPrefix("# ") == true)
            #expect(Self.block("either", in: text).last == "0 0 1,15 * 1 true")
            #expect(Self.block("both", in: text).last == "0 0 */2 * 1 true")
            #expect(Self.block("once", in: text).last == "# 0 6 1 12 * true")
        }

        @Test func systemdTranslatesCalendarsExactlyAndNamesWhatItCannot() throws {
            let units = SystemdExport.units(Self.configuration)
            #expect(units.count == 20)
            func timer(_ name: String) -> [String] {
                (units.first { $0.name == "scheduler-\(name).timer" }?.text ?? "").split(separator: "\n").map(
                    String.init)
            }
            #expect(timer("inference").contains("OnCalendar=Mon..Fri *-*-* 06:00:00 America/Chicago"))
            #expect(timer("quarter").contains("OnCalendar=*-*-* *:00,15,30,45:00 UTC"))
            #expect(timer("six").contains("OnCalendar=*-*-* 01,07,13,19:30:00 UTC"))
            #expect(timer("secs").contains("OnCalendar=*-*-* *:*:00,10,20,30,40,50 America/Chicago"))
            #expect(timer("either").filter { $0.hasPrefix("OnCalendar=") }.count == 2)
            #expect(timer("once").contains("OnCalendar=2026-12-01 06:00:00 UTC"))
            #expect(timer("video").contains { $0.hasPrefix("# not exact:") })
            #expect(timer("video").contains("OnUnitActiveSec=18000s"))
            #expect(timer("lastday").contains { $0.hasPrefix("# not exact:") })
            let service = try #require(units.first { $0.name == "scheduler-inference.service" }).text
            #expect(service.contains("ExecStart=swift run forecast infer\n"))
            #expect(service.contains("Environment=\"MODE=fast 100%%\"\n"))
            #expect(service.contains("TimeoutStartSec=7200\n"))
            #expect(service.contains("# not carried over: retries (3 attempts)\n"))
            #expect(timer("quarter").allSatisfy { !$0.hasPrefix("#") })
        }
    }
#endif
