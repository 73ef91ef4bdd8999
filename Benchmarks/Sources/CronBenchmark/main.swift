//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling

// Nanoseconds per fire time for typical expressions in three zones, iterating lazily.
let expressions = [
    "* * * * *", "*/5 * * * *", "*/15 * * * *", "0 * * * *", "30 * * * *", "0 */2 * * *", "0 0 * * *",
    "30 2 * * *", "0 6 * * 1-5", "0 9-17 * * MON-FRI", "*/10 9-17 * * 1-5", "0 0 1 * *", "0 0 L * *",
    "0 12 * * 5L", "0 10 * * 1#2", "0 0 1 1 *", "15 14 1 * *", "0 0 * * 0", "0 30 2 * * *", "*/30 * * * * *",
]
let zones = ["UTC", "America/New_York", "Europe/Berlin"]
let firesPerRun = 100_000
let clock = ContinuousClock()
let start = try Timestamp.date(from: "2026-01-01T00:00:00Z")

print(
    "expression".padding(toLength: 22, withPad: " ", startingAt: 0),
    zones.map { $0.padding(toLength: 18, withPad: " ", startingAt: 0) }.joined())
var totals = [Duration](repeating: .zero, count: zones.count)
for text in expressions {
    let cron = try CronExpression(text)
    var row = text.padding(toLength: 22, withPad: " ", startingAt: 0)
    for (index, name) in zones.enumerated() {
        let zone = try TimeZone.named(name)
        _ = cron.next(after: start, in: zone)  // builds the zone table once, outside the timing
        var best = Duration.seconds(1_000)
        for _ in 0..<3 {
            var checksum = 0.0
            let elapsed = clock.measure {
                for date in cron.occurrences(after: start, in: zone).prefix(firesPerRun) {
                    checksum += date.timeIntervalSince1970
                }
            }
            precondition(checksum > 0)
            best = min(best, elapsed)
        }
        totals[index] += best
        let nanoseconds = Double(best.components.attoseconds) / 1e9 + Double(best.components.seconds) * 1e9
        row += String(format: "%8.1f ns/fire   ", nanoseconds / Double(firesPerRun))
    }
    print(row)
}
var summary = "mean".padding(toLength: 22, withPad: " ", startingAt: 0)
for total in totals {
    let nanoseconds = Double(total.components.attoseconds) / 1e9 + Double(total.components.seconds) * 1e9
    summary += String(format: "%8.1f ns/fire   ", nanoseconds / Double(firesPerRun * expressions.count))
}
print(summary)
