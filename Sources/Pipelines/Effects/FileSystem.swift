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
}

extension ProcessExecutor: ProcessRunner {}
