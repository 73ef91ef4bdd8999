//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// A local time of day by which a run must have finished, such as 10:00 America/Chicago.
///
/// The deadline of an occurrence is the first instant at or after it whose wall-clock time in
/// ``timeZone`` is ``time`` (a time in a spring-forward gap means the transition). At the deadline
/// minus ``buffer`` an unfinished run raises "at risk". When a failed attempt leaves too little time
/// for another (its backoff plus the timeout, or the last attempt's duration when there is no
/// timeout), retries stop and the fallback runs. At the deadline an unfinished run is recorded as
/// missed: the attempt in progress is cancelled and the fallback runs.
///
/// ```swift
/// let deadline = try DeadlinePolicy(at: TimeOfDay("10:00"), in: .named("America/Chicago"), buffer: .seconds(3600))
/// ```
public struct DeadlinePolicy: Sendable, Hashable, Codable {
    /// The local time of day.
    public let time: TimeOfDay
    /// The zone of ``time``.
    public let timeZone: TimeZone
    /// How long before the deadline an unfinished run is "at risk".
    public let buffer: Duration

    /// Creates a deadline.
    ///
    /// - Parameters:
    ///   - time: The local time of day.
    ///   - timeZone: The zone of `time`. Defaults to UTC.
    ///   - buffer: How long before the deadline a run is at risk. Defaults to zero.
    public init(at time: TimeOfDay, in timeZone: TimeZone = .gmt, buffer: Duration = .zero) {
        self.time = time
        self.timeZone = timeZone
        self.buffer = buffer
    }

    /// The deadline of an occurrence: the first instant at or after it at ``time`` in ``timeZone``.
    public func deadline(for occurrence: Date) -> Date {
        // Built when needed rather than kept: a schedule stays small, and this runs once per run.
        time.dailyExpression.next(after: occurrence.addingTimeInterval(-1), in: timeZone) ?? occurrence
    }

    private enum CodingKeys: String, CodingKey { case time, timeZone, buffer }

    /// Decodes a deadline.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            at: try container.decode(TimeOfDay.self, forKey: .time),
            in: try TimeZone.named(container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"),
            buffer: try container.decodeIfPresent(Duration.self, forKey: .buffer) ?? .zero
        )
    }

    /// Encodes the deadline.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encode(timeZone.identifier, forKey: .timeZone)
        try container.encode(buffer, forKey: .buffer)
    }
}
