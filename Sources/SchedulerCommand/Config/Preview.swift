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

    /// What `scheduler preview` lists: every due time t with from <= t < to of every enabled
    /// schedule, jitter applied, sorted by (t, name); a run-then-wait schedule once, at its first start.
    enum Preview {
        struct Entry: Equatable {
            var schedule: String
            var at: Date
        }

        static func entries(of schedules: [Schedule], from: Date, to: Date) -> [Entry] {
            var entries: [Entry] = []
            for schedule in schedules where schedule.isEnabled {
                let jitter = Double(schedule.jitter.components.seconds)
                var after = from.addingTimeInterval(-jitter - 1)
                search: while true {
                    let batch = schedule.nextOccurrences(after: after, count: 512)
                    for occurrence in batch {
                        if occurrence >= to { break search }
                        let due = schedule.dueTime(of: occurrence)
                        if due >= from && due < to { entries.append(Entry(schedule: schedule.name, at: due)) }
                    }
                    guard let last = batch.last, !schedule.trigger.dependsOnCompletion else { break }
                    after = last
                }
            }
            return entries.sorted { a, b in
                a.at != b.at ? a.at < b.at : a.schedule.utf8.lexicographicallyPrecedes(b.schedule.utf8)
            }
        }

        static func render(_ entries: [Entry], json: Bool) -> [UInt8] {
            var buffer: [UInt8] = []
            for entry in entries {
                if json {
                    buffer.append(contentsOf: Array(#"{"schedule": "#.utf8))
                    // A string always encodes.
                    // swift-format-ignore: NeverUseForceTry
                    buffer.append(contentsOf: Array(try! JSONEncoder().encode(entry.schedule)))
                    buffer.append(contentsOf: Array(#", "at": ""#.utf8))
                    Timestamp.append(entry.at, to: &buffer)
                    buffer.append(contentsOf: Array(#""}"#.utf8))
                } else {
                    Timestamp.append(entry.at, to: &buffer)
                    buffer.append(contentsOf: Array("  \(entry.schedule)".utf8))
                }
                buffer.append(10)
            }
            return buffer
        }
    }
#endif
