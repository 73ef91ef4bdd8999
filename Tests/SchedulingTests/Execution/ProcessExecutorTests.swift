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
import Synchronization
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

    @Test("lines reach the handler while the process runs, from both streams, the last one unterminated")
    func linesAsWritten() async throws {
        let directory = try Self.makeTemporaryDirectory("lines")
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("marker").path
        // The process goes on only once the handler has seen its first line: handed over at the
        // end, the lines would come too late, and the process would give up after five seconds.
        let script = """
            echo one; echo two >&2; printf 'crlf\\r\\n'
            i=0; while [ ! -f \(marker) ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
            [ -f \(marker) ] && printf 'saw the marker'
            """
        let lines = Mutex<[ProcessExecutor.OutputLine]>([])
        let output = try await ProcessExecutor().run(.init(arguments: ["/bin/sh", "-c", script])) { line in
            lines.withLock { $0.append(line) }
            if line.text == "one" { _ = FileManager.default.createFile(atPath: marker, contents: nil) }
        }
        let seen = lines.withLock { $0 }
        #expect(seen.filter { $0.stream == .standardOutput }.map(\.text) == ["one", "crlf", "saw the marker"])
        #expect(seen.filter { $0.stream == .standardError }.map(\.text) == ["two"])
        #expect(output.standardOutput == "one\ncrlf\r\nsaw the marker")
    }

    @Test("at debug level a process job logs each line of its output, naming the stream")
    func debugLogging() async throws {
        let messages = CapturingLogHandler.Messages()
        var logger = Logger(label: "test") { _ in CapturingLogHandler(messages: messages) }
        let job = JobReference.process(["/bin/sh", "-c", "echo out; echo err >&2"])
        let context = { (logger: Logger) in
            JobContext(
                runID: UUID(), schedule: "p", occurrence: Date(timeIntervalSince1970: 0), attempt: 1,
                clock: ManualClock(), logger: logger)
        }
        _ = try await JobRegistry().execute(job, context: context(logger))
        #expect(messages.value.withLock { $0 }.isEmpty, "logged below debug level")
        logger.logLevel = .debug
        _ = try await JobRegistry().execute(job, context: context(logger))
        #expect(messages.value.withLock { $0 }.sorted() == ["err stderr", "out stdout"])
    }

    @Test("a line longer than the output limit comes in pieces")
    func longLines() async throws {
        let executor = ProcessExecutor(configuration: .init(outputLimit: 1024))
        let lines = Mutex<[String]>([])
        _ = try await executor.run(.init(arguments: ["/bin/sh", "-c", "head -c 3000 /dev/zero | tr '\\0' x"])) {
            line in lines.withLock { $0.append(line.text) }
        }
        #expect(lines.withLock { $0.map(\.count) } == [1024, 1024, 952])
    }

    @Test("a long line is cut between characters, never inside one")
    func longLinesOfWideCharacters() async throws {
        let executor = ProcessExecutor(configuration: .init(outputLimit: 1024))
        // One byte, then 1,000 two-byte characters: a cut every 1,024 bytes would split one.
        let text = "x" + String(repeating: "é", count: 1_000)
        let lines = Mutex<[String]>([])
        _ = try await executor.run(.init(arguments: ["/bin/sh", "-c", "printf '%s' \"$0\"", text])) { line in
            lines.withLock { $0.append(line.text) }
        }
        let pieces = lines.withLock { $0 }
        #expect(pieces.map(\.utf8.count) == [1023, 978])
        #expect(pieces.joined() == text)
    }

    @Test("a missing program and missing arguments are clear errors")
    func badInput() async throws {
        let missing = await #expect(throws: SchedulingError(.processFailed, message: "")) {
            _ = try await JobRegistry().execute(.process(["no-such-program-here"]), context: Self.context())
        }
        // One sentence: the reason, then the fix, without a full stop between them.
        #expect(missing?.message.hasPrefix("could not run no-such-program-here: ") == true)
        #expect(missing?.description.contains(".;") == false, "\(String(describing: missing))")
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
        let directory = try Self.makeTemporaryDirectory("process")
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

/// Keeps each message with its `process.stream` metadata.
struct CapturingLogHandler: LogHandler {
    final class Messages: Sendable {
        let value = Mutex<[String]>([])
    }

    let messages: Messages
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let stream = event.metadata?["process.stream"].map { " \($0)" } ?? ""
        messages.value.withLock { $0.append("\(event.message)\(stream)") }
    }
}

extension ProcessExecutorTests {
    /// A new empty folder for one test; the test removes it.
    static func makeTemporaryDirectory(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

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
