//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import Foundation
    import Logging
    import Testing

    @testable import SchedulerCommand

    @Suite("Daemon log lines")
    struct DaemonLogHandlerTests {
        static let instant = Date(timeIntervalSince1970: 1_795_622_410.0064)  // 2026-11-25T16:00:10.006Z

        static func event(_ metadata: Logger.Metadata?, error: (any Error)? = nil) -> LogEvent {
            LogEvent(
                level: .info, message: "run succeeded", error: error, metadata: metadata, source: "Scheduling",
                file: #fileID, function: #function, line: #line)
        }

        @Test("a line is stamped to the millisecond in the local zone, with its offset")
        func timestamp() throws {
            let handler = DaemonLogHandler(label: "scheduler", metadataProvider: nil)
            let newYork = try #require(TimeZone(identifier: "America/New_York"))
            #expect(
                handler.line(for: Self.event(nil), at: Self.instant, in: newYork)
                    == "2026-11-25T11:00:10.006-0500 info scheduler: [Scheduling] run succeeded\n")
            let utc = try #require(TimeZone(identifier: "UTC"))
            #expect(
                handler.line(for: Self.event(nil), at: Self.instant, in: utc).hasPrefix("2026-11-25T16:00:10.006Z "))
        }

        @Test("metadata of the handler, the provider and the event merge, the later winning, sorted by key")
        func metadata() throws {
            var handler = DaemonLogHandler(
                label: "scheduler", metadataProvider: Logger.MetadataProvider { ["b": "provider", "c": "provider"] })
            handler[metadataKey: "a"] = "handler"
            handler[metadataKey: "b"] = "handler"
            let utc = try #require(TimeZone(identifier: "UTC"))
            let line = handler.line(for: Self.event(["c": "event", "d": "event"]), at: Self.instant, in: utc)
            #expect(line.contains("scheduler: a=handler b=provider c=event d=event [Scheduling] run succeeded"))
            struct Broken: Error, CustomStringConvertible { var description: String { "disk full" } }
            let failed = handler.line(for: Self.event(nil, error: Broken()), at: Self.instant, in: utc)
            #expect(failed.contains("error.message=disk full"))
        }
    }
#endif
