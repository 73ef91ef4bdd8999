//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Subprocess
import SystemPackage

/// Runs programs as jobs: an argument array (never a shell string), an environment and a working
/// directory, with standard output and error captured up to a size bound.
///
/// A process exiting with status 0 succeeds; the result is
/// `{"exitCode": 0, "stdout": "...", "stderr": "..."}` with the tail of each stream. A non-zero
/// status fails the attempt with ``SchedulingError/Code/processFailed``, naming the status and the
/// tail of standard error. Each process leads its own process group; a timeout or cancellation sends
/// SIGTERM to the group, waits ``Configuration/terminationGrace``, then sends SIGKILL.
///
/// ```swift
/// let job = JobReference.process(["swift", "run", "forecast", "infer"], environment: ["TIER": "T1"])
/// ```
public struct ProcessExecutor: Executor {
    /// The job name process jobs use.
    public static let jobName = "process"

    /// Limits of the process executor.
    public struct Configuration: Sendable, Hashable {
        /// Bytes kept from the end of each of standard output and standard error. Default 64 KiB.
        public var outputLimit: Int
        /// The wait between SIGTERM and SIGKILL. Default five seconds.
        public var terminationGrace: Duration

        /// Creates a configuration.
        public init(outputLimit: Int = 64 * 1024, terminationGrace: Duration = .seconds(5)) {
            self.outputLimit = max(0, outputLimit)
            self.terminationGrace = terminationGrace
        }
    }

    /// A process job's parameters.
    public struct Parameters: Sendable, Hashable, Codable {
        /// The program and its arguments; a program without a slash is looked up on `PATH`.
        public var arguments: [String]
        /// Variables added to (or, with a null value, removed from) the inherited environment.
        public var environment: [String: String?]?
        /// The working directory; the scheduler's own when nil.
        public var workingDirectory: String?

        /// Creates parameters.
        public init(arguments: [String], environment: [String: String?]? = nil, workingDirectory: String? = nil) {
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
        }
    }

    /// The executor's limits.
    public var configuration: Configuration

    /// Creates a process executor.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Whether the job is a process job.
    public func canExecute(_ jobName: String) -> Bool { jobName == Self.jobName }

    /// Runs the process and waits for it. At the `debug` log level each line of its output is
    /// logged as it is written, with `process.stream` (`stdout` or `stderr`) in the metadata.
    ///
    /// - Throws: ``SchedulingError/Code/invalidParameters`` for parameters without a program,
    ///   ``SchedulingError/Code/processFailed`` when it cannot start or exits non-zero, and
    ///   `CancellationError` when cancelled (after the process group was terminated).
    public func execute(_ job: JobReference, context: JobContext) async throws -> JSONValue? {
        let parameters = try Self.parameters(of: job)
        // At debug level the log shows the output as the process writes it.
        let logger = context.logger
        let output =
            logger.logLevel <= .debug
            ? try await run(parameters) { line in
                logger.debug(
                    "\(line.text)",
                    metadata: ["process.stream": "\(line.stream == .standardOutput ? "stdout" : "stderr")"])
            }
            : try await run(parameters)
        return ["exitCode": 0, "stdout": .string(output.standardOutput), "stderr": .string(output.standardError)]
    }

    /// Checks that the job's parameters name a program. As ``execute(_:context:)`` does, it
    /// takes the parameters of a job of any name: a registry may route another name here.
    ///
    /// - Throws: ``SchedulingError/Code/invalidParameters`` for parameters without a program.
    public func validate(_ job: JobReference) throws {
        _ = try Self.program(of: Self.parameters(of: job))
    }

    /// A process job's parameters.
    private static func parameters(of job: JobReference) throws -> Parameters {
        do {
            return try job.parameters.decode(Parameters.self)
        } catch {
            throw SchedulingError(
                .invalidParameters,
                message: "process job parameters do not decode: \(error)",
                suggestion: "give an argument array, such as {\"arguments\": [\"/bin/echo\", \"hello\"]}"
            )
        }
    }

    /// The program a process job runs: the first argument.
    private static func program(of parameters: Parameters) throws -> String {
        guard let program = parameters.arguments.first, !program.isEmpty else {
            throw SchedulingError(
                .invalidParameters,
                message: "process job has no program",
                suggestion: "put the program first in the argument array"
            )
        }
        return program
    }

    /// What a process that exited with status 0 wrote, each stream cut to its last
    /// ``Configuration/outputLimit`` bytes.
    public struct Output: Sendable, Hashable, Codable {
        /// The tail of standard output.
        public var standardOutput: String
        /// The tail of standard error.
        public var standardError: String

        /// Creates an output.
        public init(standardOutput: String, standardError: String) {
            self.standardOutput = standardOutput
            self.standardError = standardError
        }
    }

    /// A line a process wrote, handed over as soon as it is complete.
    public struct OutputLine: Sendable, Hashable {
        /// The stream a line comes from.
        public enum Stream: Sendable, Hashable {
            /// Standard output.
            case standardOutput
            /// Standard error.
            case standardError
        }

        /// The stream the line was written to.
        public var stream: Stream
        /// The line without its line break. A line longer than ``Configuration/outputLimit``
        /// bytes (at least 1 KiB) comes in pieces of at most that many bytes, cut between characters.
        public var text: String

        /// Creates a line.
        public init(stream: Stream, text: String) {
            self.stream = stream
            self.text = text
        }
    }

    /// Runs a process in its own process group and waits for it.
    ///
    /// ```swift
    /// let output = try await ProcessExecutor().run(.init(arguments: ["/bin/echo", "hello"]))
    /// ```
    ///
    /// - Parameter parameters: The argument array (program first), environment and working directory.
    /// - Returns: The tails of its output streams.
    /// - Throws: ``SchedulingError/Code/invalidParameters`` without a program,
    ///   ``SchedulingError/Code/processFailed`` when it cannot start or exits non-zero, and
    ///   `CancellationError` when cancelled (after the process group was terminated).
    public func run(_ parameters: Parameters) async throws -> Output {
        try await run(parameters, lines: nil)
    }

    /// Runs a process as ``run(_:)`` does, handing over each line of its output as it is written:
    /// a long step's progress shows while it runs, not only when it ends.
    ///
    /// ```swift
    /// let output = try await ProcessExecutor().run(.init(arguments: ["./render.sh"])) { line in
    ///     logger.info("render: \(line.text)")
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - parameters: The argument array (program first), environment and working directory.
    ///   - onLine: Called with each complete line of either stream, in the order of that stream,
    ///     and with an unterminated last line when the stream ends. The two streams are read at
    ///     once, so calls for a line of each may overlap.
    /// - Returns: The tails of its output streams.
    /// - Throws: As ``run(_:)``.
    public func run(
        _ parameters: Parameters, onLine: @escaping @Sendable (OutputLine) -> Void
    ) async throws -> Output {
        try await run(parameters, lines: onLine)
    }

    private func run(_ parameters: Parameters, lines: (@Sendable (OutputLine) -> Void)?) async throws -> Output {
        let program = try Self.program(of: parameters)
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        var environment = Environment.inherit
        if let variables = parameters.environment {
            var updates: [Environment.Key: String?] = [:]
            for (name, value) in variables {
                guard let key = Environment.Key(rawValue: name) else { continue }
                updates[key] = value
            }
            environment = environment.updating(updates)
        }
        var options = PlatformOptions()
        options.processGroupID = 0  // its own group, so signals reach its children too
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: configuration.terminationGrace)
        ]
        let limit = configuration.outputLimit
        let outcome: ExecutionResult<(String, String), SequenceOutput, SequenceOutput>
        do {
            outcome = try await Subprocess.run(
                executable,
                arguments: Arguments(Array(parameters.arguments.dropFirst())),
                environment: environment,
                workingDirectory: parameters.workingDirectory.map { FilePath($0) },
                platformOptions: options,
                input: .none,
                output: .sequence,
                error: .sequence
            ) { execution in
                async let output = Self.tail(
                    of: execution.standardOutput, limit: limit, lines: lines.map { Self.lines(.standardOutput, to: $0) }
                )
                let error = try await Self.tail(
                    of: execution.standardError, limit: limit, lines: lines.map { Self.lines(.standardError, to: $0) })
                return (try await output, error)
            }
        } catch let error as SubprocessError {
            try Task.checkCancellation()
            // Its text ends with a full stop, and the suggestion follows after "; ".
            let reason = String(describing: error)
            throw SchedulingError(
                .processFailed,
                message: "could not run \(program): \(reason.hasSuffix(".") ? String(reason.dropLast()) : reason)",
                suggestion: "check that the program exists and is executable"
            )
        }
        try Task.checkCancellation()
        let (output, error) = outcome.closureResult
        switch outcome.terminationStatus {
        case .exited(0):
            return Output(standardOutput: output, standardError: error)
        case .exited(let code):
            throw SchedulingError(
                .processFailed,
                message: "\(program) exited with status \(code)" + Self.summary(of: error),
                suggestion: "see the run's standard error"
            )
        case .signaled(let signal):
            throw SchedulingError(
                .processFailed,
                message: "\(program) was terminated by signal \(signal)" + Self.summary(of: error),
                suggestion: "see the run's standard error"
            )
        }
    }

    /// Reads a stream to its end, keeping only its last `limit` bytes, and hands its lines to
    /// `lines` as they complete.
    private static func tail(
        of stream: SubprocessOutputSequence, limit: Int, lines: (@Sendable (String) -> Void)?
    ) async throws -> String {
        var kept: [UInt8] = []
        var splitter = lines.map { LineSplitter(limit: limit, emit: $0) }
        for try await buffer in stream {
            buffer.withUnsafeBytes { bytes in
                kept.append(contentsOf: bytes)
                splitter?.append(bytes)
            }
            if kept.count > 2 * limit + 4096 { kept.removeFirst(kept.count - limit) }
        }
        splitter?.finish()
        if kept.count > limit { kept.removeFirst(kept.count - limit) }
        return String(decoding: kept, as: UTF8.self)
    }

    /// A handler of one stream's lines, from a handler of lines of either stream.
    private static func lines(
        _ stream: OutputLine.Stream, to handler: @escaping @Sendable (OutputLine) -> Void
    ) -> @Sendable (String) -> Void {
        { handler(OutputLine(stream: stream, text: $0)) }
    }

    /// The last lines of standard error, for an error message.
    private static func summary(of error: String) -> String {
        let lines = error.split(whereSeparator: \.isNewline).suffix(5)
        return lines.isEmpty ? "" : ": " + lines.joined(separator: " | ")
    }
}

extension JobReference {
    /// A job that runs a program.
    ///
    /// - Parameters:
    ///   - arguments: The program and its arguments; never a shell string.
    ///   - environment: Variables added to the inherited environment; a nil value removes one.
    ///   - workingDirectory: The working directory.
    /// - Returns: A reference to the ``ProcessExecutor`` job.
    public static func process(
        _ arguments: [String],
        environment: [String: String?]? = nil,
        workingDirectory: String? = nil
    ) -> JobReference {
        let parameters = ProcessExecutor.Parameters(
            arguments: arguments,
            environment: environment,
            workingDirectory: workingDirectory
        )
        // Strings and arrays of strings always encode.
        // swift-format-ignore: NeverUseForceTry
        return JobReference(ProcessExecutor.jobName, parameters: try! JSONValue(encoding: parameters))
    }
}
