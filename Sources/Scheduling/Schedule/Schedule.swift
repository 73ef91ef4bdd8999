//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// A named, immutable description of when a job runs and how: the job, its trigger, bounds,
/// jitter and policies.
///
/// Changing a schedule makes a new value; give it to ``Scheduler/replace(_:)``.
///
/// ```swift
/// let schedule = try Schedule(
///     "inference",
///     job: JobReference("forecast.infer"),
///     trigger: .cron("0 6 * * *", in: .named("America/Chicago")),
///     retry: .retries(2, backoff: .seconds(600)),
///     timeout: .seconds(7200),
///     priority: .critical,
///     deadline: DeadlinePolicy(at: TimeOfDay("10:00"), in: .named("America/Chicago"), buffer: .seconds(3600)),
///     fallback: JobReference("forecast.use_previous")
/// )
/// ```
public struct Schedule: Sendable, Hashable, Codable, Identifiable {
    /// The longest schedule name, in characters.
    public static let maximumNameLength = 128

    /// The schedule's unique name; with an occurrence's instant it identifies the occurrence.
    public var name: String { storage.name }
    /// The job it runs.
    public var job: JobReference { storage.job }
    /// When it runs.
    public var trigger: Trigger { storage.trigger }
    /// Whether it runs; a disabled schedule records each occurrence as skipped (`disabled`).
    public var isEnabled: Bool { storage.isEnabled }
    /// Occurrences before this instant are ignored (inclusive bound).
    public var start: Date? { storage.start }
    /// Occurrences at or after this instant are ignored (exclusive bound).
    public var end: Date? { storage.end }
    /// The largest delay added to each occurrence; the delay is derived from the schedule name and
    /// the occurrence, so every instance computes the same one. Whole seconds.
    public var jitter: Duration { storage.policies.values.jitter }
    /// Occurrences missed while down, paused or busy.
    public var catchUp: CatchUpPolicy { storage.policies.values.catchUp }
    /// Occurrences due while a run is active.
    public var overlap: OverlapPolicy { storage.policies.values.overlap }
    /// Attempts and backoff.
    public var retry: RetryPolicy { storage.policies.values.retry }
    /// The longest an attempt may run before it is cancelled; nil for no limit.
    public var timeout: Duration? { storage.policies.values.timeout }
    /// Order among ready runs when the concurrency limit is reached.
    public var priority: Priority { storage.policies.values.priority }
    /// A local time of day by which runs must finish.
    public var deadline: DeadlinePolicy? { storage.policies.values.deadline }
    /// The job to run when a run finally fails or its deadline forces it.
    public var fallback: JobReference? { storage.policies.values.fallback }

    /// The definition, shared by every copy (see ``ScheduleStorage``).
    private let storage: ScheduleStorage

    /// Whether the trigger's occurrences depend on when runs finish: ``Trigger/dependsOnCompletion``
    /// without copying the trigger.
    var dependsOnCompletion: Bool { storage.dependsOnCompletion }

    /// The schedule's name.
    public var id: String { name }

    /// Creates a schedule.
    ///
    /// - Parameters:
    ///   - name: A unique name: not empty, no control characters, at most ``maximumNameLength`` characters.
    ///   - job: The job to run.
    ///   - trigger: When to run it.
    ///   - enabled: Whether it runs. Defaults to true.
    ///   - start: The first instant occurrences may have (inclusive).
    ///   - end: The instant occurrences must be before (exclusive).
    ///   - jitter: The largest deterministic delay added to occurrences. Defaults to none.
    ///   - catchUp: Missed occurrences. Defaults to ``CatchUpPolicy/default``.
    ///   - overlap: Overlapping occurrences. Defaults to ``OverlapPolicy/skip``.
    ///   - retry: Attempts. Defaults to ``RetryPolicy/none``.
    ///   - timeout: The limit per attempt. Defaults to none.
    ///   - priority: Defaults to ``Priority/medium``.
    ///   - deadline: Defaults to none.
    ///   - fallback: Defaults to none.
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` naming the problem: a bad name, an end not
    ///   after the start, a negative jitter or timeout.
    public init(
        _ name: String,
        job: JobReference,
        trigger: Trigger,
        enabled: Bool = true,
        start: Date? = nil,
        end: Date? = nil,
        jitter: Duration = .zero,
        catchUp: CatchUpPolicy = .default,
        overlap: OverlapPolicy = .skip,
        retry: RetryPolicy = .none,
        timeout: Duration? = nil,
        priority: Priority = .medium,
        deadline: DeadlinePolicy? = nil,
        fallback: JobReference? = nil
    ) throws(SchedulingError) {
        try Self.validate(name: name)
        if let start, let end, end <= start {
            throw SchedulingError(
                .invalidSchedule,
                message:
                    "schedule '\(name)' ends at \(Timestamp.string(from: end)), not after its start \(Timestamp.string(from: start))",
                suggestion: "make end later than start, or remove one of them"
            )
        }
        guard jitter >= .zero else {
            throw SchedulingError(
                .invalidSchedule, message: "schedule '\(name)' has a negative jitter, \(jitter)",
                suggestion: "use a jitter of zero or more")
        }
        if let timeout, timeout <= .zero {
            throw SchedulingError(
                .invalidSchedule, message: "schedule '\(name)' has a timeout of \(timeout), not above zero",
                suggestion: "use a timeout above zero, or none for no limit")
        }
        storage = ScheduleStorage(
            name: name, job: job, trigger: trigger, isEnabled: enabled, start: start, end: end,
            policies: .shared(
                ScheduleStorage.PolicyValues(
                    jitter: jitter, catchUp: catchUp, overlap: overlap, retry: retry, timeout: timeout,
                    priority: priority, deadline: deadline, fallback: fallback)))
    }

    /// Checks a schedule name.
    ///
    /// - Throws: ``SchedulingError/Code/invalidSchedule`` saying what is wrong and where.
    public static func validate(name: String) throws(SchedulingError) {
        guard !name.isEmpty else {
            throw SchedulingError(
                .invalidSchedule, message: "schedule name is empty", suggestion: "give the schedule a name")
        }
        if let index = name.unicodeScalars.firstIndex(where: { $0.properties.generalCategory == .control }) {
            let position = name.unicodeScalars.distance(from: name.unicodeScalars.startIndex, to: index) + 1
            throw SchedulingError(
                .invalidSchedule,
                message: "schedule name \(name.debugDescription) contains a control character",
                suggestion: "use letters, digits, spaces and punctuation only",
                position: position
            )
        }
        guard name.count <= maximumNameLength else {
            throw SchedulingError(
                .invalidSchedule,
                message: "schedule name is \(name.count) characters long",
                suggestion: "use at most \(maximumNameLength) characters",
                position: maximumNameLength + 1
            )
        }
    }

    /// A copy with ``isEnabled`` set.
    public func enabled(_ isEnabled: Bool) -> Schedule {
        guard isEnabled != self.isEnabled else { return self }
        return Schedule(
            storage: ScheduleStorage(
                name: name, job: job, trigger: trigger, isEnabled: isEnabled, start: start, end: end,
                policies: storage.policies))
    }

    private init(storage: ScheduleStorage) {
        self.storage = storage
    }

    /// Whether two schedules have the same definition.
    public static func == (lhs: Schedule, rhs: Schedule) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.hasSameDefinition(as: rhs.storage)
    }

    /// Hashes the definition.
    public func hash(into hasher: inout Hasher) {
        storage.hash(into: &hasher)
    }

    /// When an occurrence is due: its nominal instant plus the schedule's deterministic jitter.
    ///
    /// - Parameter occurrence: A nominal instant of this schedule.
    /// - Returns: An instant between `occurrence` and `occurrence + jitter`, the same in every process.
    public func dueTime(of occurrence: Date) -> Date {
        guard jitter >= .seconds(1) else { return occurrence }
        let maximum = jitter.components.seconds
        let seconds = Int64(occurrence.timeIntervalSince1970.rounded(.down))
        let offset = StableHash.hash(name, seconds) % UInt64(maximum + 1)
        return occurrence.addingTimeInterval(TimeInterval(offset))
    }

    /// The next `count` nominal occurrences strictly after an instant, within ``start`` and ``end``.
    ///
    /// Jitter does not move nominal instants; ``dueTime(of:)`` gives when each is due.
    ///
    /// - Parameters:
    ///   - date: The instant to search after.
    ///   - count: How many at most.
    /// - Returns: The occurrences in order; fewer than `count` when the schedule ends.
    public func nextOccurrences(after date: Date, count: Int) -> [Date] {
        var result: [Date] = []
        var instant = date
        while result.count < count, let event = nextEvent(after: instant) {
            instant = event.instant
            if !event.isSkippedByGap { result.append(event.instant) }
            if trigger.dependsOnCompletion { break }
        }
        return result
    }

    /// The next occurrence or gap skip strictly after an instant, within the bounds.
    func nextEvent(after date: Date) -> Trigger.Event? {
        var after = date
        if let start, start.addingTimeInterval(-1) > after {
            after = start.addingTimeInterval(-1)
        }
        guard let event = trigger.nextEvent(after: after) else { return nil }
        if let start, event.instant < start { return nextEvent(after: event.instant) }
        if let end, event.instant >= end { return nil }
        return event
    }
}

extension Schedule {
    private enum CodingKeys: String, CodingKey {
        case name, job, trigger, isEnabled = "enabled", start, end, jitter, catchUp, overlap, retry, timeout
        case priority, deadline, fallback
    }

    /// Encodes the definition; absent optional values are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(job, forKey: .job)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(isEnabled, forKey: .isEnabled)
        try container.encodeIfPresent(start, forKey: .start)
        try container.encodeIfPresent(end, forKey: .end)
        try container.encode(jitter, forKey: .jitter)
        try container.encode(catchUp, forKey: .catchUp)
        try container.encode(overlap, forKey: .overlap)
        try container.encode(retry, forKey: .retry)
        try container.encodeIfPresent(timeout, forKey: .timeout)
        try container.encode(priority, forKey: .priority)
        try container.encodeIfPresent(deadline, forKey: .deadline)
        try container.encodeIfPresent(fallback, forKey: .fallback)
    }

    /// Decodes a schedule, validating it as ``init(_:job:trigger:enabled:start:end:jitter:catchUp:overlap:retry:timeout:priority:deadline:fallback:)`` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            try container.decode(String.self, forKey: .name),
            job: try container.decode(JobReference.self, forKey: .job),
            trigger: try container.decode(Trigger.self, forKey: .trigger),
            enabled: try container.decodeIfPresent(Bool.self, forKey: .isEnabled) ?? true,
            start: try container.decodeIfPresent(Date.self, forKey: .start),
            end: try container.decodeIfPresent(Date.self, forKey: .end),
            jitter: try container.decodeIfPresent(Duration.self, forKey: .jitter) ?? .zero,
            catchUp: try container.decodeIfPresent(CatchUpPolicy.self, forKey: .catchUp) ?? .default,
            overlap: try container.decodeIfPresent(OverlapPolicy.self, forKey: .overlap) ?? .skip,
            retry: try container.decodeIfPresent(RetryPolicy.self, forKey: .retry) ?? .none,
            timeout: try container.decodeIfPresent(Duration.self, forKey: .timeout),
            priority: try container.decodeIfPresent(Priority.self, forKey: .priority) ?? .medium,
            deadline: try container.decodeIfPresent(DeadlinePolicy.self, forKey: .deadline),
            fallback: try container.decodeIfPresent(JobReference.self, forKey: .fallback)
        )
    }
}
