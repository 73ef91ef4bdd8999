//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation
public import Scheduling

/// Reads and writes files for stages.
public protocol FileSystem: Sendable {
    /// The contents of a file.
    func read(_ path: String) async throws -> Data
    /// Replaces a file's contents atomically, creating its folder if missing.
    func write(_ data: Data, to path: String) async throws
    /// Whether a file exists.
    func fileExists(_ path: String) async -> Bool
}

/// The local file system.
public struct LocalFileSystem: FileSystem {
    /// Creates the file system.
    public init() {}

    /// The contents of a file.
    public func read(_ path: String) async throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Writes atomically (a temporary file, then a rename), creating the folder if missing.
    public func write(_ data: Data, to path: String) async throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }

    /// Whether a file exists.
    public func fileExists(_ path: String) async -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}

/// Runs child processes for stages: an argument array, never a shell string.
public protocol ProcessRunner: Sendable {
    /// Runs a process and waits for it to exit with status 0.
    ///
    /// - Throws: When it cannot start or exits non-zero.
    func run(_ command: ProcessExecutor.Parameters) async throws -> ProcessExecutor.Output

    /// Runs a process as ``run(_:)`` does, handing over each line of its output as it is written.
    ///
    /// The default implementation runs ``run(_:)`` and then hands over the lines of the output it
    /// returned, standard output first; `ProcessExecutor` hands them over while the process runs.
    func run(
        _ command: ProcessExecutor.Parameters, onLine: @escaping @Sendable (ProcessExecutor.OutputLine) -> Void
    ) async throws -> ProcessExecutor.Output
}

extension ProcessRunner {
    /// Runs ``run(_:)``, then hands over the lines of its output, standard output first.
    public func run(
        _ command: ProcessExecutor.Parameters, onLine: @escaping @Sendable (ProcessExecutor.OutputLine) -> Void
    ) async throws -> ProcessExecutor.Output {
        let output = try await run(command)
        let streams: [(ProcessExecutor.OutputLine.Stream, String)] = [
            (.standardOutput, output.standardOutput), (.standardError, output.standardError),
        ]
        for (stream, text) in streams {
            // Split at `\n` and at `\r\n`, which a string holds as one character, as
            // `ProcessExecutor` splits the lines it hands over.
            var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            if lines.last?.isEmpty == true { lines.removeLast() }  // after the last line break
            for line in lines { onLine(ProcessExecutor.OutputLine(stream: stream, text: String(line))) }
        }
        return output
    }
}

extension ProcessExecutor: ProcessRunner {}
