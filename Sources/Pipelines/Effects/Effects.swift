//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Scheduling

/// The outside world as a stage may touch it: HTTP, mail, files and processes.
///
/// Stages use nothing else, so that a dry run can swap every effect for a recording one:
///
/// ```swift
/// let live = Effects(mail: OutboxMailSender(folder: "outbox"), files: LocalFileSystem())
/// let dry = Effects.dryRun(over: live)
/// let result = try await pipeline.run(input, store: store, effects: dry, logger: logger)
/// print(dry.recorder!)     // every effect the run would have had; no mail was sent
/// ```
public struct Effects: Sendable {
    /// HTTP requests.
    public var http: any HTTPClient
    /// Outgoing mail.
    public var mail: any MailSender
    /// Files.
    public var files: any FileSystem
    /// Child processes.
    public var processes: any ProcessRunner
    /// The recorder of a dry run; nil for live effects.
    public let recorder: EffectRecorder?

    /// Live effects. HTTP and mail have no built-in transport (this module stays free of
    /// networking packages): pass a client and a sender, or stages that use them fail with
    /// ``PipelineError/Code/effectUnavailable``.
    ///
    /// - Parameters:
    ///   - http: The HTTP client.
    ///   - mail: The mail sender, such as ``OutboxMailSender``.
    ///   - files: The file system; defaults to ``LocalFileSystem``.
    ///   - processes: The process runner; defaults to `ProcessExecutor`.
    public init(
        http: any HTTPClient = UnavailableHTTPClient(),
        mail: any MailSender = UnavailableMailSender(),
        files: any FileSystem = LocalFileSystem(),
        processes: any ProcessRunner = ProcessExecutor()
    ) {
        self.http = http
        self.mail = mail
        self.files = files
        self.processes = processes
        self.recorder = nil
    }

    private init(recording live: Effects, recorder: EffectRecorder) {
        http = DryRunHTTPClient(live: live.http, recorder: recorder)
        mail = DryRunMailSender(recorder: recorder)
        files = DryRunFileSystem(live: live.files, recorder: recorder)
        processes = DryRunProcessRunner(recorder: recorder)
        self.recorder = recorder
    }

    /// Effects that record instead of acting, over live ones.
    ///
    /// Reads go through (HTTP `GET` and `HEAD`, file reads), so the run produces every
    /// intermediate output; everything else is recorded and not performed: no mail is sent, no
    /// file written (later reads in the run see the recorded content), no process started (it
    /// "succeeds" with empty output), no other HTTP request sent (it "succeeds" with status 202).
    public static func dryRun(over live: Effects) -> Effects {
        Effects(recording: live, recorder: EffectRecorder())
    }

    /// Whether effects are recorded instead of performed.
    public var isDryRun: Bool { recorder != nil }
}
