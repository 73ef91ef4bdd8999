//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// Sends HTTP requests for stages.
///
/// Conform a client of your choice (AsyncHTTPClient, URLSession) in your application; this module
/// has no HTTP transport of its own.
public protocol HTTPClient: Sendable {
    /// Sends a request and returns the response, whatever its status.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// An HTTP request.
public struct HTTPRequest: Sendable, Hashable {
    /// The method, such as `GET`.
    public var method: String
    /// The URL.
    public var url: URL
    /// Header fields.
    public var headers: [String: String]
    /// The body.
    public var body: Data?

    /// Creates a request; by default a `GET`.
    public init(method: String = "GET", url: URL, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Whether the request only reads (`GET` or `HEAD`), so a dry run may send it.
    public var isSafe: Bool { ["GET", "HEAD"].contains(method.uppercased()) }
}

/// An HTTP response.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// Header fields.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The HTTP client of ``Effects`` when none was given: every request fails with
/// ``PipelineError/Code/effectUnavailable``.
public struct UnavailableHTTPClient: HTTPClient {
    /// Creates the client.
    public init() {}

    /// Fails.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        throw PipelineError(
            .effectUnavailable,
            message: "no HTTP client is configured for \(request.method) \(request.url)",
            suggestion: "pass one to Effects(http:)"
        )
    }
}
