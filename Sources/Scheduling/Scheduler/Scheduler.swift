//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import DequeModule
public import Foundation
import HeapModule
public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs schedules: claims each occurrence once, runs it through an ``Executor`` under the
/// schedule's policies, and records every run and every skip in a ``JobStore``.
///
/// A scheduler is a swift-service-lifecycle `Service`: ``run()`` works until graceful shutdown,
/// then stops claiming, lets running attempts finish within
/// ``Configuration/shutdownGracePeriod``, cancels the rest and records them. All time comes from
/// its ``SchedulerClock``, so `ManualClock` drives the same code through a year in milliseconds.
///
/// ```swift
/// var jobs = JobRegistry()
/// jobs.register("report.weekly") { context in
///     context.logger.info("building the weekly report")
/// }
/// let scheduler = Scheduler(store: InMemoryJobStore(), executor: jobs, logger: logger)
/// try await scheduler.add(
///     Schedule("weekly", job: JobReference("report.weekly"), trigger: .cron("0 10 * * SUN", in: .named("America/New_York")))
/// )
/// let group = ServiceGroup(services: [scheduler], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
///
/// Operations (``add(_:)``, ``pause(_:)``, ``trigger(_:)`` ...) work before ``run()`` starts and
/// while it runs; while it runs they are applied by its loop, in order.
public actor Scheduler: Service {
    /// How a scheduler runs.
    public struct Configuration: Sendable {
        /// This instance's name: the owner of its claims and runs, and the holder of its lease.
        /// Defaults to `scheduler-` and eight random hexadecimal digits.
        ///
        /// A scheduler that starts takes the runs left unfinished under its name for its previous
        /// life's and retries them, so two live processes must never share a name. A fixed name
        /// (to recover at once after a restart) needs a guard against a second process: on SQLite,
        /// `SQLiteJobStore.lockInstance(_:)`.
        public var instance: String
        /// How many attempts execute at once; ready runs beyond wait in priority order. Default 4.
        /// Attempts run on worker tasks that the scheduler starts as needed, up to this many, and
        /// keeps between attempts.
        public var concurrency: Int
        /// How long running attempts may take to finish after shutdown begins. Default 30 seconds.
        public var shutdownGracePeriod: Duration
        /// How long this instance's lease lasts; it is renewed while runs are active. Default 60 seconds.
        public var leaseDuration: Duration
        /// How often the running scheduler reads the store for changes that other processes made
        /// (see ``Scheduler/synchronize()``); nil, the default, never. A daemon whose store the
        /// `scheduler` command line or other instances change sets it, typically to one second.
        public var storePollInterval: Duration?
        /// How long before an occurrence falls due the scheduler claims it and prepares its run,
        /// so that its job starts on time even when many fall due at once. Default 100
        /// milliseconds; zero decides each occurrence when it falls due.
        ///
        /// The run is written to the store, and its job starts, when the occurrence is due: never
        /// earlier. Until then the claim stands for it, the run does not count against the overlap
        /// policy, and the schedule's cursor stays before it. At the due time the scheduler decides
        /// again what it decided early: pausing, disabling or removing the schedule in the meantime
        /// still skips or cancels the occurrence, replacing it applies the new definition (whose
        /// occurrences before this one are handled as without a lead time), a run triggered by hand
        /// meets the overlap policy, and a process that stood still past the catch-up grace leaves
        /// it to the catch-up policy. The store ends up with the same runs and skip entries as
        /// without a lead time. A graceful shutdown begins once the prepared occurrences have
        /// started, at most the lead time after it is requested. An occurrence is prepared ahead
        /// only when none of its schedule's runs is active or prepared.
        public var leadTime: Duration

        /// Creates a configuration.
        public init(
            instance: String? = nil,
            concurrency: Int = 4,
            shutdownGracePeriod: Duration = .seconds(30),
            leaseDuration: Duration = .seconds(60),
            storePollInterval: Duration? = nil,
            leadTime: Duration = .milliseconds(100)
        ) {
            self.instance = instance ?? "scheduler-" + UUID().uuidString.prefix(8).lowercased()
            self.concurrency = max(1, concurrency)
            self.shutdownGracePeriod = shutdownGracePeriod
            self.leaseDuration = max(.seconds(1), leaseDuration)
            self.storePollInterval = storePollInterval.map { max(.milliseconds(10), $0) }
            self.leadTime = max(.zero, leadTime)
        }
    }

    /// Where the scheduler's loop stands.
    enum Phase { case idle, running, draining, stopped }

    /// A schedule the scheduler knows, with its runtime state. A class, so that the loop updates
    /// it in place instead of copying a schedule per occurrence; only the actor touches it.
    ///
    /// The flags follow the next event, whose last byte leaves room for them: an idle schedule's
    /// entry then takes a smaller allocation (100,000 schedules hold one each).
    final class Entry {
        var schedule: Schedule
        var cursor: Date
        var nextEvent: Trigger.Event?
        var isPaused: Bool
        /// Whether the scheduler runs this entry; false once its schedule is removed.
        var isInstalled = false
        /// Whether a run of it is prepared ahead and not due yet (see ``Configuration/leadTime``);
        /// there is at most one. Until due it is not among the active runs: the overlap policy
        /// counts it from then on, as without a lead time.
        var hasPreparedRun = false
        /// Changes whenever the entry is redefined or removed, so that its older due timers lapse.
        var generation: Int
        /// Runs admitted (ready, executing or waiting for a retry), oldest first.
        var activeRuns: [UUID] = []
        /// Runs claimed while others were active, waiting under the overlap policy.
        var buffered: Deque<UUID> = []
        /// When its last run finished, as far as this scheduler knows: a run-then-wait schedule
        /// starts again its delay later.
        var lastFinish: Date?

        init(schedule: Schedule, isPaused: Bool, cursor: Date, nextEvent: Trigger.Event?, generation: Int) {
            self.schedule = schedule
            self.isPaused = isPaused
            self.cursor = cursor
            self.nextEvent = nextEvent
            self.generation = generation
        }

        /// The first event after the cursor under the current definition: for a run-then-wait
        /// schedule whose last run finished, its delay after that finish, so that a restart or a
        /// new definition does not start it early.
        var eventAfterCursor: Trigger.Event? {
            guard case .runThenWait(let delay) = schedule.trigger.kind, let lastFinish else {
                return schedule.nextEvent(after: cursor)
            }
            return Scheduler.event(waiting: delay, after: lastFinish, cursor: cursor, end: schedule.end)
        }
    }

    /// Why an executing attempt was told to stop.
    enum CancelReason: Equatable {
        case timeout, deadline, overlap, shutdown
    }

    /// A run that has not finished; a class for the same reason as ``Entry``.
    final class ActiveRun {
        var record: JobRun
        /// The schedule's entry; the run keeps the definition it was admitted under in `schedule`.
        let entry: Entry
        let schedule: Schedule
        var due: Date
        let deadline: Date?
        var executingAttempt: Int?
        var attemptStart: Date?
        /// How long the last attempt took, in seconds.
        var lastDuration: TimeInterval?
        var signal: Doorbell?
        var cancelReason: CancelReason?
        var retryAt: Date?
        var readyToken: UInt64?
        /// Why the next attempt runs the fallback; set once the fallback is chosen.
        var fallbackReason: String?
        /// Whether ``PendingWrites`` holds the run for the next flush.
        var isWritePending = false
        /// Whether the run's record was ever noted for the store (written, or pending in
        /// ``PendingWrites``); a run prepared ahead is not until it is due.
        var isRecorded = false
        /// Whether the scheduler's active runs hold this object: set when it is put there, cleared
        /// when it finishes or a new object takes its place.
        var isActive = false

        init(record: JobRun, entry: Entry, due: Date, deadline: Date?) {
            self.record = record
            self.entry = entry
            self.schedule = entry.schedule
            self.due = due
            self.deadline = deadline
        }
    }

    enum TimerKind {
        case due(Entry, generation: Int)
        /// The instant that runs prepared ahead wait for: they become ready.
        case release
        case retry(UUID)
        /// The attempt's number is an `Int32` so that no case's payload is larger than 16 bytes,
        /// which keeps every timer, one per idle schedule, 8 bytes smaller.
        case timeout(UUID, attempt: Int32)
        case atRisk(UUID)
        case deadline(UUID)
        case lease
        case grace
        case poll
        /// A pass to write again what the store failed to take.
        case writes
    }

    struct TimerItem: Comparable {
        var at: Date
        var sequence: UInt64
        var kind: TimerKind

        static func < (lhs: TimerItem, rhs: TimerItem) -> Bool { (lhs.at, lhs.sequence) < (rhs.at, rhs.sequence) }
        static func == (lhs: TimerItem, rhs: TimerItem) -> Bool { lhs.sequence == rhs.sequence }
    }

    /// A run in the ready queue: by priority, then due time, then the order it became ready
    /// (runs due together become ready in schedule name order when they cannot all start at once).
    struct ReadyItem: Comparable {
        var priority: Priority
        var due: Date
        var sequence: UInt64
        var run: ActiveRun

        static func < (lhs: ReadyItem, rhs: ReadyItem) -> Bool {
            if lhs.priority != rhs.priority { return lhs.priority < rhs.priority }
            if lhs.due != rhs.due { return lhs.due < rhs.due }
            return lhs.sequence < rhs.sequence
        }

        static func == (lhs: ReadyItem, rhs: ReadyItem) -> Bool { lhs.sequence == rhs.sequence }
    }

    struct Completion {
        var runID: UUID
        var attempt: Int
        var outcome: Result<JSONValue?, any Error>
    }

    enum Command {
        case add(Schedule)
        case replace(Schedule)
        case remove(String)
        case setEnabled(String, Bool)
        case setPaused(String, Bool)
        case trigger(String)
        case synchronize
    }

    struct PendingCommand {
        var command: Command
        var continuation: CheckedContinuation<UUID?, any Error>
    }

    let store: any JobStore
    let executor: any Executor
    let clock: any SchedulerClock
    let configuration: Configuration
    /// The configuration's lead time in seconds, which every occurrence's timer needs.
    let leadSeconds: TimeInterval
    let logger: Logger

    nonisolated let doorbell: Doorbell
    nonisolated let shared = Shared()
    nonisolated let workers: AttemptWorkers

    var phase = Phase.idle
    var isLoaded = false
    var entries: [String: Entry] = [:]
    /// The runs that have not finished; change it through ``activate(_:)`` and ``finish(_:status:now:message:)``.
    var active: [UUID: ActiveRun] = [:]
    var ready = Heap<ReadyItem>()
    /// Runs claimed ahead of their due time, by that time (see ``Configuration/leadTime``).
    var staged: [Date: [ActiveRun]] = [:]
    /// Runs prepared ahead whose due time passed beyond the catch-up grace while the process
    /// stood still (a suspended machine), by schedule name: the schedule's next plan lets the
    /// catch-up policy decide about them together with its other missed occurrences.
    var overdue: [String: [ActiveRun]] = [:]
    /// Walks over more due events than one pass handles, by schedule name, to go on with in the
    /// schedule's next plan (see ``eventsPerPass``).
    var walks: [String: Walk] = [:]
    var timers = Heap<TimerItem>()
    /// The loop's wake-up for the earliest timer while it waits; see ``Alarm``.
    var alarm: Alarm?
    var commands: Deque<PendingCommand> = []
    var executing = 0
    /// Runs whose executing attempt was told to stop and has not completed yet.
    var stopping: Set<UUID> = []
    var sequence: UInt64 = 0
    var leaseExpiry: Date?
    var leaseTimerPending = false
    /// When polling next looks for runs that stopped instances left behind.
    var nextRecovery: Date?
    /// Claims that failed in a row; the next attempt waits longer after each.
    var claimFailures = 0
    /// Writes of runs and cursors that failed in a row; the next attempt waits longer after each.
    var writeFailures = 0
    /// After a failed write, when the next may be tried; until then the writes wait.
    var writesWaitUntil: Date?
    var runIdentifiers = RunIdentifiers()
    var pendingWrites = PendingWrites()
    /// Stored schedules that ``synchronize()`` left out because no executor knows their job.
    var leftOut: [String: Schedule] = [:]

    /// Creates a scheduler.
    ///
    /// - Parameters:
    ///   - store: Where state lives. Defaults to a new ``InMemoryJobStore``.
    ///   - executor: What runs the jobs, such as a ``JobRegistry``.
    ///   - clock: The source of time. Defaults to ``SystemClock``.
    ///   - configuration: Concurrency, shutdown grace and instance name.
    ///   - logger: Where the scheduler logs (info and below, `scheduler.*` metadata keys).
    public init(
        store: any JobStore = InMemoryJobStore(),
        executor: any Executor,
        clock: any SchedulerClock = SystemClock(),
        configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.store = store
        self.executor = executor
        self.clock = clock
        self.configuration = configuration
        self.leadSeconds = configuration.leadTime.seconds
        let doorbell = Doorbell()
        self.doorbell = doorbell
        self.workers = AttemptWorkers(limit: configuration.concurrency, doorbell: doorbell)
        var logger = logger
        logger[metadataKey: "scheduler.instance"] = "\(configuration.instance)"
        self.logger = logger
    }

    // MARK: Operations

    /// Adds a schedule. Its first occurrence is the first one after now: earlier ones are not caught up.
    ///
    /// - Throws: ``SchedulingError/Code/scheduleExists`` when the name is taken,
    ///   ``SchedulingError/Code/jobNotFound`` when the executor does not know its job or fallback,
    ///   or a store error.
    public func add(_ schedule: Schedule) async throws {
        _ = try await perform(.add(schedule))
    }

    /// Replaces a schedule with a new definition of the same name, keeping its cursor and paused
    /// state; runs in flight finish under the old definition (a new `cancelOther` overlap policy
    /// does not stop them: the next occurrence waits for them).
    ///
    /// - Throws: ``SchedulingError/Code/scheduleNotFound``, ``SchedulingError/Code/jobNotFound``, or a store error.
    public func replace(_ schedule: Schedule) async throws {
        _ = try await perform(.replace(schedule))
    }

    /// Removes a schedule. Runs in flight finish; runs waiting behind them are cancelled; its
    /// history stays in the store.
    ///
    /// - Throws: ``SchedulingError/Code/scheduleNotFound`` or a store error.
    public func remove(_ name: String) async throws {
        _ = try await perform(.remove(name))
    }

    /// Enables a disabled schedule.
    ///
    /// - Throws: ``SchedulingError/Code/scheduleNotFound`` or a store error.
    public func enable(_ name: String) async throws {
        _ = try await perform(.setEnabled(name, true))
    }

    /// Disables a schedule: its occurrences are recorded as skipped (`disabled`) until enabled.
    ///
    /// - Throws: ``SchedulingError/Code/scheduleNotFound`` or a store error.
    public func disable(_ name: String) async throws {
        _ = try await perform(.setEnabled(name, false))
    }

    /// Pauses a schedule: its occurrences are recorded as skipped (`paused`) until resumed.
    ///
    /// - Throws: ``SchedulingError/Code/scheduleNotFound`` or a store error.
    public func pause(_ name: String) async throws {
        _ = try await perform(.setPaused(name, true))
    }

    /// Resumes a paused schedule from its next occurrence.
    ///
    /// - Throws: ``SchedulingError/Code/scheduleNotFound`` or a store error.
    public func resume(_ name: String) async throws {
        _ = try await perform(.setPaused(name, false))
    }

    /// Runs a schedule's job now, outside its trigger. A manual run obeys the concurrency limit
    /// and the retry, timeout and fallback policies, but not the overlap policy: it was asked for.
    ///
    /// - Returns: The new run's identifier.
    /// - Throws: ``SchedulingError/Code/scheduleNotFound``, ``SchedulingError/Code/notRunning``
    ///   during or after shutdown, or a store error.
    @discardableResult
    public func trigger(_ name: String) async throws -> UUID {
        guard let id = try await perform(.trigger(name)) else { throw Self.notRunning() }
        return id
    }

    /// Applies the changes that other processes made to the store: schedules added, replaced,
    /// removed, enabled, disabled, paused or resumed there, and requested runs
    /// (``JobRun/isRequest``), which this scheduler takes and runs.
    ///
    /// A running scheduler calls it every ``Configuration/storePollInterval``, and ``run()`` calls
    /// it once at start. A stored schedule whose job the executor does not know is left out, with
    /// an error in the log. A polling scheduler also takes over, every half
    /// ``Configuration/leaseDuration``, the runs that other instances left when they stopped (their
    /// lease expired): it marks them interrupted and retries them where the retry policy allows.
    ///
    /// - Throws: A store error.
    public func synchronize() async throws {
        _ = try await perform(.synchronize)
    }

    /// The schedules with their state, ordered by name.
    public func schedules() async throws -> [StoredSchedule] {
        try await loadIfNeeded()
        return entries.values
            .map { StoredSchedule(schedule: $0.schedule, isPaused: $0.isPaused, cursor: $0.cursor) }
            .sorted { $0.schedule.name.utf8.lexicographicallyPrecedes($1.schedule.name.utf8) }
    }

    /// The next nominal occurrences of a schedule that have not been handled yet, including one
    /// prepared ahead (see ``Configuration/leadTime``) that is not due yet.
    ///
    /// - Throws: ``SchedulingError/Code/scheduleNotFound``.
    public func nextOccurrences(of name: String, count: Int) async throws -> [Date] {
        try await loadIfNeeded()
        guard let entry = entries[name] else { throw SchedulingError.scheduleNotFound(name) }
        // A prepared occurrence moves the cursor when it is due, so the trigger lists it too.
        let prepared = staged.values.joined().filter { $0.entry === entry }.map(\.record.occurrence)
        let upcoming = Set(prepared + entry.schedule.nextOccurrences(after: entry.cursor, count: count))
        return Array(upcoming.sorted().prefix(count))
    }

    /// Runs from the store, newest occurrence first.
    public func runs(_ query: RunQuery = RunQuery()) async throws -> [JobRun] {
        try await store.runs(matching: query)
    }

    /// Skip entries from the store, newest occurrence first.
    public func skips(_ query: SkipQuery = SkipQuery()) async throws -> [SkipRecord] {
        try await store.skips(matching: query)
    }

    /// A stream of the scheduler's events from now on.
    ///
    /// The stream ends when the scheduler stops. A consumer slower than the scheduler loses the
    /// oldest events beyond `bufferingNewest`.
    ///
    /// - Parameter limit: How many undelivered events to keep. Default 1,024.
    public nonisolated func events(bufferingNewest limit: Int = 1_024) -> AsyncStream<SchedulerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: SchedulerEvent.self,
            bufferingPolicy: .bufferingNewest(max(1, limit))
        )
        let key = shared.subscribers.withLock { subscribers in
            let key = (subscribers.keys.max() ?? 0) + 1
            subscribers[key] = continuation
            return key
        }
        shared.hasSubscribers.store(true, ordering: .releasing)
        continuation.onTermination = { [shared] _ in
            shared.subscribers.withLock { subscribers in
                subscribers[key] = nil
                shared.hasSubscribers.store(!subscribers.isEmpty, ordering: .releasing)
            }
        }
        return stream
    }

    /// Applies a command now when the loop is not running, or hands it to the loop.
    private func perform(_ command: Command) async throws -> UUID? {
        switch phase {
        case .idle, .stopped:
            try await loadIfNeeded()
            let result: Result<UUID?, any Error>
            do {
                result = .success(try await apply(command, now: clock.now))
            } catch {
                result = .failure(error)
            }
            await flushWrites(now: clock.now)
            return try result.get()
        case .running, .draining:
            return try await withCheckedThrowingContinuation { continuation in
                commands.append(PendingCommand(command: command, continuation: continuation))
                doorbell.ring()
            }
        }
    }

    static func notRunning() -> SchedulingError {
        SchedulingError(
            .notRunning,
            message: "the scheduler is shutting down or has stopped",
            suggestion: "trigger runs before shutdown begins"
        )
    }
}

/// State the scheduler shares with code outside its isolation: signal handlers, event
/// subscribers, test drivers.
final class Shared: Sendable {
    let activity = Mutex(SchedulerActivity())
    /// Attempts that finished, for the loop to handle; attempts append without entering the actor.
    let completions = Mutex<[Scheduler.Completion]>([])
    let subscribers = Mutex<[Int: AsyncStream<SchedulerEvent>.Continuation]>([:])
    let hasSubscribers = Atomic<Bool>(false)
    let shutdownRequested = Atomic<Bool>(false)
    /// Rung when the loop stops or parks again on the alarm it has, and by a test driver's clock
    /// whenever a task starts to sleep on it (a parked loop's new alarm among them), for test drivers.
    let activityBell = Doorbell()
}

/// What a test driver needs to know to tell when a scheduler has nothing left to do at the
/// current instant.
@_spi(Testing) public struct SchedulerActivity: Sendable {
    /// Whether the loop waits for the clock or a command.
    public var isParked = false
    /// Attempts started whose completion the loop has not handled yet.
    public var attempts = 0
    /// Attempts among those told to stop (timeout, deadline, overlap, shutdown): their task may
    /// still be winding down, so the loop is not at rest until their completion is handled.
    public var stoppingAttempts = 0
    /// Whether ``Scheduler/run()`` returned.
    public var isStopped = false
    /// Changes with every change of the other properties.
    public var version: UInt64 = 0
}

extension Scheduler {
    /// The loop's activity, for test drivers.
    @_spi(Testing) public nonisolated var currentActivity: SchedulerActivity {
        var snapshot = shared.activity.withLock { $0 }
        if doorbell.isPending { snapshot.isParked = false }
        return snapshot
    }

    /// Rings when the loop stops, and when it parks again on the alarm it already has; a driver
    /// registers it with its clock, which rings it whenever a task starts to sleep (a parked
    /// loop's new alarm among them). Those are the moments ``currentActivity`` may show the
    /// scheduler at rest.
    @_spi(Testing) public nonisolated var activityBell: Doorbell { shared.activityBell }
}
