//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import HeapStatistics
import Logging
import Scheduling
import SchedulingSQLite
import SchedulingTesting
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Release-mode measurements of the scheduler:
///
/// - throughput: 10,000 schedules (5,000 cron, 5,000 intervals) over 30 virtual days, no-op jobs,
///   in-memory store; occurrences processed per second of real time.
/// - lateness: 1,000 jobs due at the same second on the system clock; how late each starts. With
///   `ROUNDS=n` the jobs recur every second and the bursts after the first are reported too: the
///   first burst meets a cold process, the later ones a scheduler that has been running.
/// - memory: resident memory of 100,000 idle schedules in a running scheduler.
/// - soak: the throughput run, reporting every virtual day its throughput, the resident memory
///   and the heap in use.
///
/// `LEAD=ms` sets the schedulers' lead time (default 100 ms; 0 prepares nothing ahead), and
/// `CONCURRENCY=n` the throughput scheduler's concurrency limit (default 256). `KIND=cron` or
/// `KIND=interval` keeps only the 5,000 schedules of that kind: the cron schedules fall due 5,000 at
/// a time, the intervals about 83 at a time. `SCHEDULES=n` sets the throughput run's schedule count
/// (half cron, half intervals; default 10,000), to see how the cost per occurrence depends on how
/// much state the scheduler and the store keep.
///
/// The throughput run reports the processor time per occurrence too (user and system, all threads):
/// on a shared machine it varies less from run to run than the occurrences per second of real time.
/// `STORE=discarding` runs it on a store that keeps nothing but the schedules (see
/// `DiscardingJobStore`): the scheduler's own cost per occurrence, without the store's.
@main
struct SchedulerBenchmark {
    static let logger = Logger(label: "benchmark") { _ in SwiftLogNoOpLogHandler() }
    static let leadTime = Duration.milliseconds(ProcessInfo.processInfo.environment["LEAD"].flatMap(Int.init) ?? 100)

    static func main() async throws {
        let which = CommandLine.arguments.dropFirst().first ?? "all"
        if which == "all" || which == "throughput" { try await throughput() }
        if which == "soak" { try await throughput(soak: true) }
        if which == "all" || which == "lateness" { try await lateness() }
        if which == "all" || which == "memory" { try await memory() }
    }

    /// - Parameter soak: Whether to report every virtual day: its throughput, and the resident
    ///   memory and the heap in use at its end. Memory that keeps growing over days shows a leak;
    ///   resident memory growing while the heap in use stays flat shows fragmentation.
    static func throughput(soak: Bool = false) async throws {
        // The jobs count themselves: the figure is what ran, not what should have.
        let executed = Atomic<Int>(0)
        var jobs = JobRegistry(processes: nil)
        jobs.register("noop") { _ in executed.add(1, ordering: .relaxed) }
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let clock = ManualClock(now: start)
        let concurrency = ProcessInfo.processInfo.environment["CONCURRENCY"].flatMap(Int.init) ?? 256
        let store: any JobStore =
            ProcessInfo.processInfo.environment["STORE"] == "discarding"
            ? DiscardingJobStore() : InMemoryJobStore(configuration: .init(runsPerSchedule: 4, skipsPerSchedule: 4))
        let scheduler = Scheduler(
            store: store,
            executor: jobs,
            clock: clock,
            configuration: .init(
                instance: "benchmark", concurrency: concurrency, leaseDuration: .seconds(3600), leadTime: leadTime),
            logger: logger
        )
        let zones = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"].map {
            try! TimeZone.named($0)
        }
        let kind = ProcessInfo.processInfo.environment["KIND"] ?? "both"
        let perKind = ProcessInfo.processInfo.environment["SCHEDULES"].flatMap(Int.init).map { max(1, $0 / 2) } ?? 5_000
        let schedules = kind == "cron" || kind == "interval" ? perKind : 2 * perKind
        for index in 0..<perKind {
            if kind != "interval" {
                try await scheduler.add(
                    Schedule(
                        "cron-\(index)", job: JobReference("noop"),
                        trigger: .cron("*/30 * * * *", in: zones[index % zones.count]))
                )
            }
            let anchor = start.addingTimeInterval(Double(index % 60) * 60)
            if kind != "cron" {
                try await scheduler.add(
                    Schedule(
                        "interval-\(index)", job: JobReference("noop"), trigger: .every(.seconds(3600), anchor: anchor))
                )
            }
        }
        let driver = SchedulerDriver(scheduler: scheduler, clock: clock, settleLimit: .seconds(60))
        // Whole days, or a fraction of one (`DAYS=0.1`) for a quick look under a profiler.
        let days = ProcessInfo.processInfo.environment["DAYS"].flatMap(Double.init) ?? 30
        let end = start.addingTimeInterval(days * 86_400)
        let processorBefore = processorSeconds()
        let elapsed = try await driver.run { driver in
            let began = ContinuousClock.now
            guard soak else {
                try await driver.advance(to: end)
                return ContinuousClock.now - began
            }
            // One line per virtual day: what ran that day, how fast, and the memory held at its end.
            var day = start
            var dayBegan = began
            var ranBefore = 0
            while day < end {
                day = min(end, day.addingTimeInterval(86_400))
                try await driver.advance(to: day)
                let now = ContinuousClock.now
                let ran = executed.load(ordering: .relaxed)
                print(
                    "soak: day \(Int(day.timeIntervalSince(start) / 86_400)): \(ran - ranBefore) occurrences, "
                        + "\(Int(Double(ran - ranBefore) / seconds(now - dayBegan))) per second; "
                        + "resident \(megabytes(residentBytes())) MB, heap in use \(megabytes(heapInUse())) MB"
                )
                ranBefore = ran
                dayBegan = now
            }
            return ContinuousClock.now - began
        }
        let processorTime = processorSeconds() - processorBefore
        let occurrences = executed.load(ordering: .relaxed)
        print(
            "throughput (\(type(of: store))): \(occurrences) occurrences of \(schedules.formatted()) schedules over \(days.formatted()) virtual days in \(String(format: "%.2f", seconds(elapsed))) s"
        )
        print("throughput: \(Int(Double(occurrences) / seconds(elapsed))) occurrences per second")
        print(
            "throughput: \(String(format: "%.2f", processorTime / Double(max(1, occurrences)) * 1e6)) µs of processor time per occurrence "
                + "(\(String(format: "%.2f", processorTime)) s in all threads)"
        )
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func lateness() async throws {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["JOBS"].flatMap(Int.init) ?? 1_000
        let rounds = max(1, environment["ROUNDS"].flatMap(Int.init) ?? 1)
        // How late each job started, in milliseconds, by burst.
        let starts = Mutex<[Int: [Double]]>([:])
        var jobs = JobRegistry(processes: nil)
        jobs.register("stamp") { context in
            let lateness = context.clock.now.timeIntervalSince(context.occurrence) * 1000
            starts.withLock { $0[Int(context.occurrence.timeIntervalSince1970), default: []].append(lateness) }
        }
        let clock = SystemClock()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lateness-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store: any JobStore =
            ProcessInfo.processInfo.environment["STORE"] == "sqlite"
            ? try SQLiteJobStore(path: folder.appendingPathComponent("state.sqlite").path) : InMemoryJobStore()
        let scheduler = Scheduler(
            store: store,
            executor: jobs,
            clock: clock,
            configuration: .init(instance: "benchmark", concurrency: count, leadTime: leadTime),
            logger: logger
        )
        let due = Date(timeIntervalSince1970: (clock.now.timeIntervalSince1970 + 2).rounded(.up))
        let trigger: Trigger = rounds == 1 ? .once(at: due) : try .every(.seconds(1), anchor: due)
        for index in 0..<count {
            try await scheduler.add(Schedule("job-\(index)", job: JobReference("stamp"), trigger: trigger))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await scheduler.run() }
            while starts.withLock({ $0.values.reduce(0) { $0 + $1.count } }) < count * rounds {
                try await Task.sleep(for: .milliseconds(10))
            }
            group.cancelAll()
        }
        let bursts = starts.withLock { $0 }.sorted { $0.key < $1.key }.map(\.value)
        let name = "lateness (\(type(of: store))): \(count) jobs due at one second"
        print("\(name): \(summary(of: bursts[0]))")
        if bursts.count > 1 {
            print("\(name), bursts 2 to \(bursts.count) together: \(summary(of: bursts.dropFirst().flatMap { $0 }))")
        }
    }

    /// Minimum, median, 99th percentile and maximum of lateness figures in milliseconds.
    static func summary(of lateness: [Double]) -> String {
        let sorted = lateness.sorted()
        func percentile(_ p: Double) -> String {
            String(format: "%.2f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
        }
        return "min \(percentile(0)) ms, p50 \(percentile(0.5)) ms, p99 \(percentile(0.99)) ms, max \(percentile(1)) ms"
    }

    static func memory() async throws {
        var jobs = JobRegistry(processes: nil)
        jobs.register("noop") { _ in }
        let before = residentBytes()
        let scheduler = Scheduler(executor: jobs, configuration: .init(instance: "benchmark"), logger: logger)
        let expressions = ["0 3 1 1 *", "15 4 * * 1", "0 0 29 2 *", "30 2 1 */3 *", "0 12 L * *"]
        let zones = ["UTC", "America/Chicago", "Europe/Berlin", "Asia/Kolkata"].map { try! TimeZone.named($0) }
        for index in 0..<100_000 {
            let trigger: Trigger =
                index % 2 == 0
                ? try .cron(expressions[index % expressions.count], in: zones[index % zones.count])
                : try .every(.seconds(86_400 * 30), anchor: Date(timeIntervalSince1970: Double(index)))
            try await scheduler.add(Schedule("schedule-\(index)", job: JobReference("noop"), trigger: trigger))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await scheduler.run() }
            try await Task.sleep(for: .seconds(1))
            let after = residentBytes()
            print(
                "memory: 100,000 idle schedules: \(megabytes(after - before)) MB resident above the baseline "
                    + "(\((after - before) / 100_000) bytes each; \(megabytes(after)) MB in all)"
            )
            group.cancelAll()
        }
    }

    /// Bytes in mebibytes, with one decimal.
    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }

    /// Bytes that the allocator has handed out and not taken back; 0 where it does not tell.
    static func heapInUse() -> Int {
        Int(heap_statistics_bytes_in_use())
    }

    /// The processor time that the process used so far, user and system, in seconds.
    static func processorSeconds() -> Double {
        var usage = rusage()
        guard getrusage(usageOfSelf, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    #if canImport(Glibc)
        /// `RUSAGE_SELF`, which Glibc imports as an enumeration case rather than the number `getrusage` takes.
        private static let usageOfSelf = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
        private static let usageOfSelf = RUSAGE_SELF
    #endif

    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
