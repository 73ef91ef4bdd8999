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

    /// Loading configuration files: the canonical format, the compatibility shapes and the errors.
    struct ConfigurationTests {
        static func load(_ text: String) throws(ConfigurationError) -> SchedulerConfiguration {
            try SchedulerConfiguration.parse(text, file: "test.yaml")
        }

        static func errors(_ text: String) -> [String] {
            do {
                _ = try load(text)
                return []
            } catch {
                return error.diagnostics.filter { !$0.isWarning }.map(\.description)
            }
        }

        static func date(_ text: String) -> Date {
            // Test literals are valid RFC 3339.
            // swift-format-ignore: NeverUseForceTry
            try! Timestamp.date(from: text)
        }

        @Test func canonicalFormat() throws {
            let configuration = try Self.load(
                """
                timezone: America/Chicago
                state: data/state.sqlite
                concurrency: 2
                schedules:
                  inference:
                    job: { process: [swift, run, forecast, infer], env: { MODE: fast }, cwd: /srv }
                    cron: "0 6 * * *"
                    timeout: 2h
                    retry: { attempts: 3, backoff: 10m, max_backoff: 1h }
                    priority: critical
                    deadline: { at: "10:00", buffer: 60m }
                    fallback: { name: forecast.use_previous }
                    overlap: skip
                    catch_up: { mode: latest, window: 6h, grace: 1m }
                    enabled: true
                  render:
                    job: { name: video.render, params: { quality: high, frames: 24, draft: false, note: "24" } }
                    every: 1h30m
                    anchor: "2026-01-01T00:00:00Z"
                    start: "2026-02-01T00:00:00Z"
                    enabled: false
                """)
            #expect(configuration.concurrency == 2)
            #expect(configuration.state == "data/state.sqlite")
            #expect(configuration.schedules.map(\.name) == ["inference", "render"])
            let inference = configuration.schedules[0]
            #expect(
                inference.job
                    == .process(
                        ["swift", "run", "forecast", "infer"], environment: ["MODE": "fast"], workingDirectory: "/srv"))
            #expect(inference.trigger == (try Trigger.cron("0 6 * * *", in: .named("America/Chicago"))))
            #expect(inference.timeout == .seconds(7_200))
            #expect(
                inference.retry
                    == RetryPolicy(
                        maxAttempts: 3, backoff: .exponential(initial: .seconds(600), maximum: .seconds(3_600))))
            #expect(inference.priority == .critical)
            #expect(
                inference.deadline
                    == DeadlinePolicy(
                        at: try TimeOfDay("10:00"), in: try .named("America/Chicago"), buffer: .seconds(3_600)))
            #expect(inference.fallback == JobReference("forecast.use_previous"))
            #expect(inference.catchUp == CatchUpPolicy(mode: .latest, grace: .seconds(60), window: .seconds(21_600)))
            let render = configuration.schedules[1]
            #expect(render.job.parameters == ["quality": "high", "frames": 24, "draft": false, "note": "24"])
            #expect(render.trigger == (try Trigger.every(.seconds(5_400), anchor: Self.date("2026-01-01T00:00:00Z"))))
            #expect(!render.isEnabled)
        }

        @Test func everyErrorIsReportedWithItsLine() {
            let errors = Self.errors(
                """
                schedules:
                  inference:
                    job: { process: [echo] }
                    cron: "0 6 * * *"
                    every: 5h
                  inference2:
                    job: { process: [echo] }
                    cronn: "0 6 * * *"
                  durations:
                    job: { process: [echo] }
                    every: 5 hours
                  zone:
                    job: { process: [echo] }
                    cron: "0 6 * * *"
                    timezone: Mars/Base
                  bounds:
                    job: { process: [echo] }
                    every: 1h
                    start: "2026-02-01T00:00:00Z"
                    end: "2026-01-01T00:00:00Z"
                  clock:
                    job: { process: [echo] }
                    times: ["25:00"]
                  nojob:
                    cron: "@daily"
                  noprogram:
                    job: { process: [] }
                    every: 1h
                  shell:
                    job: { process: "echo hi" }
                    every: 1h
                """)
            #expect(errors.count == 10)
            #expect(
                errors.contains { $0.hasPrefix("test.yaml:27: error: 'process' in schedule 'noprogram' is empty;") })
            #expect(
                errors.contains {
                    $0.hasPrefix("test.yaml:30: error: 'process' in schedule 'shell' is not a list of arguments")
                })
            #expect(errors.contains { $0.hasPrefix("test.yaml:5: error: schedule 'inference' has two trigger keys") })
            #expect(
                errors.contains(
                    "test.yaml:8: error: unknown key 'cronn' in schedule 'inference2' (line 8); did you mean 'cron'?"))
            #expect(
                errors.contains {
                    $0.hasPrefix("test.yaml:11: error: 'every' in schedule 'durations' is '5 hours', not a duration")
                })
            #expect(
                errors.contains {
                    $0.hasPrefix("test.yaml:15: error: unknown time zone 'Mars/Base' in schedule 'zone'")
                })
            #expect(
                errors.contains { $0.hasPrefix("test.yaml:20: error: schedule 'bounds' ends at 2026-01-01T00:00:00Z") })
            #expect(errors.contains { $0.hasPrefix("test.yaml:23: error: schedule 'clock'") })
            #expect(errors.contains { $0.hasPrefix("test.yaml:24: error: schedule 'nojob' has no 'job'") })
        }

        @Test func zeroIntervalsAndTimeoutsNameTheirKey() {
            let errors = Self.errors(
                """
                schedules:
                  a:
                    job: { process: [echo] }
                    every: 0s
                  b:
                    job: { process: [echo] }
                    every: 1h
                    timeout: 0m
                  c:
                    job: { process: [echo] }
                    after_completion: 0s
                """)
            #expect(
                errors == [
                    "test.yaml:4: error: 'every' in schedule 'a' is '0s', and it must be at least one second (line 4); "
                        + "write a duration above zero, such as 30s or 5m",
                    "test.yaml:8: error: 'timeout' in schedule 'b' is '0m', and it must be at least one second (line 8); "
                        + "write a duration above zero, such as 30s or 5m",
                ])
        }

        @Test func duplicateNamesAndBrokenYAML() {
            let duplicate = Self.errors(
                """
                schedules:
                  a:
                    job: { process: [echo] }
                    every: 1h
                  a:
                    job: { process: [echo] }
                    every: 2h
                """)
            #expect(duplicate.count == 1)
            #expect(duplicate.first?.contains("'a'") == true)
            let broken = Self.errors("schedules:\n  a: [unclosed\n")
            #expect(broken.count == 1)
            #expect(broken.first?.contains("not valid YAML") == true)
        }

        @Test func listShape() throws {
            let configuration = try Self.load(
                """
                schedules:
                  - name: daily_finra
                    pipeline: finra.ingest_week
                    cron: "0 6 * * 1-5"
                    timezone: America/New_York
                    params: { tier: T1 }
                  - name: hourly_prices
                    pipeline: prices.ingest
                    interval: 60
                    owner: data-team
                """)
            #expect(configuration.schedules.map(\.name) == ["daily_finra", "hourly_prices"])
            #expect(configuration.schedules[0].job == JobReference("finra.ingest_week", parameters: ["tier": "T1"]))
            #expect(
                configuration.schedules[0].trigger == (try Trigger.cron("0 6 * * 1-5", in: .named("America/New_York"))))
            #expect(configuration.schedules[1].trigger == (try Trigger.every(.seconds(3_600))))
            #expect(configuration.warnings.map(\.key) == ["owner"])
        }

        @Test func taskMapShape() throws {
            let configuration = try Self.load(
                """
                scheduled_tasks:
                  enabled: true
                  tasks:
                    podcast_index_download:
                      name: "Podcast Index & Download"
                      enabled: true
                      schedule: { type: time_of_day, hours: [0, 8, 16] }
                      executor: { type: cli, command: python, args: ["-m", "indexer", "--steps", "download"] }
                      timeout_seconds: 3600
                    cleanup:
                      schedule: { type: run_then_wait, seconds: 600 }
                    poll:
                      schedule: { type: interval, seconds: 3600 }
                      executor: { type: cli, command: poll }
                """)
            #expect(configuration.schedules.map(\.name) == ["podcast_index_download", "cleanup", "poll"])
            let podcast = configuration.schedules[0]
            #expect(podcast.job == .process(["python", "-m", "indexer", "--steps", "download"]))
            #expect(
                podcast.trigger
                    == (try Trigger.timesOfDay([TimeOfDay("00:00"), TimeOfDay("08:00"), TimeOfDay("16:00")])))
            #expect(podcast.timeout == .seconds(3_600))
            #expect(configuration.schedules[1].trigger == (try Trigger.runThenWait(.seconds(600))))
            #expect(configuration.schedules[2].trigger == (try Trigger.every(.seconds(3_600))))
        }

        @Test func perTaskCronShape() throws {
            let configuration = try Self.load(
                """
                scheduler:
                  inference:
                    enabled: true
                    cron_expression: "0 6 * * *"
                    timeout_minutes: 120
                    retry_count: 2
                    priority: critical
                error_recovery:
                  inference: { retry_delay_seconds: 600, max_retries: 2, fallback: use_previous_forecast }
                deadlines:
                  dam_closure: { time: "10:00", buffer_minutes: 60, alert_on_risk: true, fallback_on_miss: true }
                """)
            let inference = try #require(configuration.schedules.first)
            #expect(inference.job == JobReference("inference"))
            #expect(inference.timeout == .seconds(7_200))
            #expect(inference.retry == .retries(2, backoff: .seconds(600)))
            #expect(inference.priority == .critical)
            #expect(inference.fallback == JobReference("use_previous_forecast"))
            #expect(configuration.warnings.contains { $0.message.contains("dam_closure") })
        }

        @Test func previewSortsByInstantThenNameAndCrossesDST() throws {
            let configuration = try Self.load(
                """
                timezone: America/New_York
                schedules:
                  b-night:
                    job: { process: [echo] }
                    cron: "30 2 * * *"
                  a-night:
                    job: { process: [echo] }
                    cron: "30 2 * * *"
                  hourly:
                    job: { process: [echo] }
                    every: 12h
                  off:
                    job: { process: [echo] }
                    every: 1h
                    enabled: false
                """)
            let entries = Preview.entries(
                of: configuration.schedules, from: Self.date("2026-03-07T12:00:00Z"),
                to: Self.date("2026-03-09T12:00:00Z"))
            let lines = String(decoding: Preview.render(entries, json: true), as: UTF8.self).split(separator: "\n")
            #expect(
                lines
                    == [
                        #"{"schedule": "hourly", "at": "2026-03-07T12:00:00Z"}"#,
                        #"{"schedule": "hourly", "at": "2026-03-08T00:00:00Z"}"#,
                        #"{"schedule": "a-night", "at": "2026-03-08T07:00:00Z"}"#,
                        #"{"schedule": "b-night", "at": "2026-03-08T07:00:00Z"}"#,
                        #"{"schedule": "hourly", "at": "2026-03-08T12:00:00Z"}"#,
                        #"{"schedule": "hourly", "at": "2026-03-09T00:00:00Z"}"#,
                        #"{"schedule": "a-night", "at": "2026-03-09T06:30:00Z"}"#,
                        #"{"schedule": "b-night", "at": "2026-03-09T06:30:00Z"}"#,
                    ].map { Substring($0) })
        }
    }
#endif
