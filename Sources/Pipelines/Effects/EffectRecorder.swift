//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import Synchronization

/// The effects a dry run recorded, in order.
public final class EffectRecorder: Sendable, CustomStringConvertible {
    private let recorded = Mutex<[RecordedEffect]>([])

    /// Creates an empty recorder.
    public init() {}

    /// Every recorded effect.
    public var effects: [RecordedEffect] { recorded.withLock { $0 } }

    /// Appends an effect.
    public func record(_ effect: RecordedEffect) { recorded.withLock { $0.append(effect) } }

    /// One line per effect.
    public var description: String { effects.map(\.description).joined(separator: "\n") }
}

/// One effect of a dry run.
public struct RecordedEffect: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `http`, `mail`, `file` or `process`.
    public var kind: String
    /// What it was, for people.
    public var summary: String
    /// Whether it was performed (a read passed through) or only recorded.
    public var performed: Bool

    /// Creates a record.
    public init(kind: String, summary: String, performed: Bool) {
        self.kind = kind
        self.summary = summary
        self.performed = performed
    }

    /// "[mail, not performed] to a@example.com: Weekly picks"
    public var description: String { "[\(kind), \(performed ? "performed" : "not performed")] \(summary)" }
}

struct DryRunHTTPClient: HTTPClient {
    let live: any HTTPClient
    let recorder: EffectRecorder

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.isSafe else {
            recorder.record(
                RecordedEffect(
                    kind: "http", summary: "\(request.method) \(request.url.absoluteString)", performed: false))
            return HTTPResponse(status: 202)
        }
        let response = try await live.send(request)
        recorder.record(
            RecordedEffect(
                kind: "http", summary: "\(request.method) \(request.url.absoluteString) -> \(response.status)",
                performed: true))
        return response
    }
}

struct DryRunMailSender: MailSender {
    let recorder: EffectRecorder

    func send(_ mail: Mail) async throws {
        recorder.record(
            RecordedEffect(
                kind: "mail",
                summary: "to \(mail.to.joined(separator: ", ")): \(mail.subject) (\(mail.body.utf8.count) bytes)",
                performed: false))
    }
}

struct DryRunFileSystem: FileSystem {
    /// The files written in the run, shared by copies of the file system.
    private final class Overlay: Sendable {
        let files = Mutex<[String: Data]>([:])
    }

    let live: any FileSystem
    let recorder: EffectRecorder
    private let overlay = Overlay()

    init(live: any FileSystem, recorder: EffectRecorder) {
        self.live = live
        self.recorder = recorder
    }

    func read(_ path: String) async throws -> Data {
        if let data = overlay.files.withLock({ $0[path] }) { return data }
        return try await live.read(path)
    }

    func write(_ data: Data, to path: String) async throws {
        overlay.files.withLock { $0[path] = data }
        recorder.record(RecordedEffect(kind: "file", summary: "write \(data.count) bytes to \(path)", performed: false))
    }

    func fileExists(_ path: String) async -> Bool {
        if overlay.files.withLock({ $0[path] != nil }) { return true }
        return await live.fileExists(path)
    }
}

struct DryRunProcessRunner: ProcessRunner {
    let recorder: EffectRecorder

    func run(_ command: ProcessExecutor.Parameters) async throws -> ProcessExecutor.Output {
        recorder.record(
            RecordedEffect(
                kind: "process", summary: "run \(command.arguments.joined(separator: " "))", performed: false))
        return ProcessExecutor.Output(standardOutput: "", standardError: "")
    }
}
