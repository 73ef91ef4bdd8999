//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation

/// Sends mail for stages.
///
/// Senders should deliver a ``Mail/idempotencyKey`` at most once, so that a stage that runs again
/// after a crash does not send twice.
public protocol MailSender: Sendable {
    /// Sends a message, or does nothing when a message with the same key was already sent.
    func send(_ mail: Mail) async throws
}

/// An e-mail message.
public struct Mail: Sendable, Hashable, Codable {
    /// The sender.
    public var from: String
    /// The recipients.
    public var to: [String]
    /// The subject.
    public var subject: String
    /// The plain-text body.
    public var body: String
    /// A key that is the same each time the same message is sent: use ``StageContext/idempotencyKey``.
    public var idempotencyKey: String

    /// Creates a message.
    public init(from: String, to: [String], subject: String, body: String, idempotencyKey: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.idempotencyKey = idempotencyKey
    }
}

/// Delivers mail as `.eml` files in a folder (an outbox that a mail transfer agent or a person
/// picks up), once per idempotency key.
///
/// ```swift
/// let mail = OutboxMailSender(folder: "/var/spool/newsletter")
/// ```
public struct OutboxMailSender: MailSender {
    /// The folder.
    public let folder: String

    /// Creates a sender writing into `folder` (created if missing).
    public init(folder: String) {
        self.folder = folder
    }

    /// The file a message goes to: its idempotency key with every character outside `[A-Za-z0-9._-]` replaced.
    public func path(for mail: Mail) -> String {
        let safe = String(
            mail.idempotencyKey.unicodeScalars.map { scalar -> Character in
                let allowed =
                    CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII
                    || "._-".unicodeScalars.contains(scalar)
                return allowed ? Character(scalar) : "_"
            })
        return URL(fileURLWithPath: folder).appendingPathComponent("\(safe).eml").path
    }

    /// Writes the message atomically, unless a message with the same key is already there.
    public func send(_ mail: Mail) async throws {
        let path = path(for: mail)
        guard !FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let message = """
            From: \(mail.from)\r
            To: \(mail.to.joined(separator: ", "))\r
            Subject: \(mail.subject)\r
            X-Idempotency-Key: \(mail.idempotencyKey)\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(mail.body)
            """
        try Data(message.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// The mail sender of ``Effects`` when none was given: every message fails with
/// ``PipelineError/Code/effectUnavailable``.
public struct UnavailableMailSender: MailSender {
    /// Creates the sender.
    public init() {}

    /// Fails.
    public func send(_ mail: Mail) async throws {
        throw PipelineError(
            .effectUnavailable,
            message: "no mail sender is configured for '\(mail.subject)'",
            suggestion: "pass one to Effects(mail:), such as OutboxMailSender"
        )
    }
}
