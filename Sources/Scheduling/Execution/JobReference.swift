//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The job a schedule runs: a job name that an ``Executor`` knows, and the JSON parameters to pass.
///
/// ```swift
/// let job = JobReference("newsletter.send", parameters: ["audience": "subscribers"])
/// ```
public struct JobReference: Sendable, Hashable, Codable {
    /// The name an executor registered the job under, such as `forecast.infer`.
    public let name: String
    /// The parameters, decoded by the job into its own type.
    public let parameters: JSONValue

    /// Creates a reference to a job.
    ///
    /// - Parameters:
    ///   - name: The registered job name.
    ///   - parameters: The job's parameters; `null` when it takes none.
    public init(_ name: String, parameters: JSONValue = .null) {
        self.name = name
        self.parameters = parameters
    }
}
