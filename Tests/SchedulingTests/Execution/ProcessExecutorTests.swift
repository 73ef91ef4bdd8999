//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Scheduling
import SchedulingTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Process executor")
struct ProcessExecutorTests {
    static func context() -> JobContext {
        JobContext(
            runID: UUID(), schedule: "p", occurrence: Date(timeIntervalSince1970: 0), attempt: 1, clock: ManualClock(),
            logger: Fixture.logger)
    }

    @Test("runs an argument array with environment and working directory, capturing output")
    func success() async throws {
        let job = JobReference.process(
            ["/bin/sh", "-c", "echo \"$GREETING from $(pwd)\"; echo warn >&2", "ignored-argument"],
            environment: ["GREETING": "hello"],
            workingDirectory: "/tmp"
        )
        let result = try await JobRegistry().execute(job, context: Self.context())
        #expect(result == ["exitCode": 0, "stdout": "hello from /tmp\n", "stderr": "warn\n"])
    }

    @Test("arguments are never a shell string: metacharacters reach the program as text")
    func noShell() async throws {
        let result = try await JobRegistry().execute(
            .process(["/bin/echo", "$HOME; rm -rf /"]), context: Self.context())
        #expect(result?.stdout == "$HOME; rm -rf /\n")
    }

    @Test("a non-zero exit fails the attempt with the status and the tail of standard error")
    func failure() async throws {
        let job = JobReference.process(["/bin/sh", "-c", "echo first >&2; echo 'disk full' >&2; exit 3"])
        do {
            _ = try await JobRegistry().execute(job, context: Self.context())
            Issue.record("a failing process succeeded")
        } catch let error as SchedulingError {
            #expect(error.code == .processFailed)
            #expect(error.message == "/bin/sh exited with status 3: first | disk full")
        }
    }

    @Test("output beyond the limit keeps its tail")
    func outputLimit() async throws {
        let executor = ProcessExecutor(configuration: .init(outputLimit: 10))
        let job = JobReference.process(["/bin/sh", "-c", "seq 1 20000"])
        let result = try await executor.execute(job, context: Self.context())
        #expect(result?.stdout == "998\n19999\n20000\n".suffix(10).description)
    }

    @Test("a missing program and missing arguments are clear errors")
    func badInput() async throws {
        await #expect(throws: SchedulingError(.processFailed, message: "")) {
            _ = try await JobRegistry().execute(.process(["no-such-program-here"]), context: Self.context())
        }
        await #expect(throws: SchedulingError(.invalidParameters, message: "")) {
            _ = try await JobRegistry().execute(.process([]), context: Self.context())
        }
        await #expect(throws: SchedulingError(.invalidParameters, message: "")) {
            _ = try await JobRegistry().execute(
                JobReference("process", parameters: ["arguments": 5]), context: Self.context())
        }
    }

    @Test("cancellation terminates the whole process group")
    func cancellation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("child").path
        // The shell starts a child that ignores nothing; both must die with the group.
        let job = JobReference.process(["/bin/sh", "-c", "sleep 30 & echo $! > \(pidFile); wait"])
        let executor = ProcessExecutor(configuration: .init(terminationGrace: .milliseconds(200)))
        let task = Task { try await executor.execute(job, context: Self.context()) }
        var childPID: pid_t?
        for _ in 0..<500 where childPID == nil {
            try await Task.sleep(for: .milliseconds(2))
            childPID = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        let pid = try #require(childPID)
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        var alive = true
        for _ in 0..<250 where alive {
            alive = kill(pid, 0) == 0 && !Self.isZombie(pid)
            if alive { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(!alive, "the child process \(pid) survived")
    }
}

extension ProcessExecutorTests {
    /// A killed process whose new parent has not reaped it yet still answers `kill(pid, 0)`.
    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }
}

extension JSONValue {
    fileprivate var stdout: String? {
        if case .object(let object) = self, case .string(let text) = object["stdout"] { return text }
        return nil
    }
}
