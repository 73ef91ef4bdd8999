//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Pipelines
import Scheduling
import SchedulingTesting
import Synchronization

/// Shared helpers for the pipeline tests.
enum Fixture {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    /// Runs `body` while moving `clock` to each deadline once the sleepers stop changing, so that
    /// retries, backoff and timeouts happen in virtual time.
    static func driving<T: Sendable>(
        _ clock: ManualClock, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let done = Mutex(false)
        let task = Task {
            defer { done.withLock { $0 = true } }
            return try await body()
        }
        var stable = 0
        var last = (clock.sleeperCount, clock.nextDeadline)
        while !done.withLock({ $0 }) {
            await Task.yield()
            let now = (clock.sleeperCount, clock.nextDeadline)
            stable = now == last ? stable + 1 : 0
            last = now
            if stable >= 5, let deadline = clock.nextDeadline {
                clock.advance(to: deadline)
                stable = 0
            }
        }
        return try await task.value
    }

    /// Calls `body` with a new temporary folder, and removes it afterwards.
    static func withTemporaryFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipelines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder.path)
    }
}

/// Counts calls by name, and the most that were in flight at once.
final class Calls: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    private let inFlight = Mutex((current: 0, peak: 0))

    func record(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }
    func count(_ name: String) -> Int { counts.withLock { $0[name, default: 0] } }
    var all: [String: Int] { counts.withLock { $0 } }

    func enter() {
        inFlight.withLock {
            $0.current += 1
            $0.peak = max($0.peak, $0.current)
        }
    }

    func leave() { inFlight.withLock { $0.current -= 1 } }
    var peak: Int { inFlight.withLock { $0.peak } }
}

/// An HTTP client that answers from a table and counts requests.
struct StubHTTPClient: HTTPClient {
    let pages: [String: String]
    let calls: Calls

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        calls.record("http \(request.method) \(request.url.absoluteString)")
        guard let page = pages[request.url.absoluteString] else { return HTTPResponse(status: 404) }
        return HTTPResponse(status: 200, body: Data(page.utf8))
    }
}

/// An error a stage throws on purpose.
struct Boom: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// What a crashing store throws.
struct Crash: Error {}

extension Fixture {
    /// A store that fails one checkpoint write, as a process killed at that moment would: the
    /// checkpoint is lost (`before`) or stored (`after`), and the pipeline stops there.
    static func crashingStore(
        base: InMemoryJobStore, crashAt: Int, moment: InterceptingJobStore.Moment
    ) -> InterceptingJobStore {
        let writes = Mutex(0)
        return InterceptingJobStore(base: base) { operation, now in
            guard operation == .saveCheckpoint else { return }
            let index = writes.withLock { count in
                if now == .before { count += 1 }
                return count
            }
            if index == crashAt, now == moment { throw Crash() }
        }
    }
}
