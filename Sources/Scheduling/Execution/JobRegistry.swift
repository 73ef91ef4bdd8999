//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// An ``Executor`` that maps job names to Swift closures with typed parameters.
///
/// A schedule's JSON parameters are decoded into the type a job declares; parameters that do not
/// decode fail the attempt with ``SchedulingError/Code/invalidParameters`` naming the job.
///
/// ```swift
/// struct Send: Codable, Sendable { var audience: String }
///
/// var jobs = JobRegistry()
/// jobs.register("newsletter.send", parameters: Send.self) { parameters, context in
///     context.logger.info("sending", metadata: ["newsletter.audience": "\(parameters.audience)"])
/// }
/// ```
///
/// By default the registry also runs processes: jobs made with ``JobReference/process(_:environment:workingDirectory:)``.
public struct JobRegistry: Executor {
    /// A job body: decoded parameters in, JSON result out.
    public typealias Body = @Sendable (JSONValue, JobContext) async throws -> JSONValue?

    /// A registered job: what runs it, and what checks its parameters before a schedule that
    /// names it is accepted.
    private struct Job {
        var body: Body
        var validate: @Sendable (JSONValue) throws -> Void = { _ in }
    }

    private var jobs: [String: Job] = [:]

    /// Creates a registry.
    ///
    /// - Parameter processes: The executor for process jobs, or nil to refuse them. Defaults to
    ///   a ``ProcessExecutor`` with its default configuration.
    public init(processes: ProcessExecutor? = ProcessExecutor()) {
        if let processes {
            register(ProcessExecutor.jobName, executor: processes)
        }
    }

    /// Registers a job whose parameters decode into `P`.
    ///
    /// - Parameters:
    ///   - name: The job name schedules refer to; registering a name again replaces the job.
    ///   - parameters: The parameters' type.
    ///   - body: The job.
    public mutating func register<P: Decodable & Sendable>(
        _ name: String,
        parameters: P.Type,
        _ body: @escaping @Sendable (P, JobContext) async throws -> Void
    ) {
        jobs[name] = Job(
            body: { json, context in
                try await body(Self.decode(json, as: P.self, job: name), context)
                return nil
            },
            validate: Self.decodes(P.self, job: name))
    }

    /// Registers a job with typed parameters and an `Encodable` result stored with the run.
    ///
    /// - Parameters:
    ///   - name: The job name schedules refer to.
    ///   - parameters: The parameters' type.
    ///   - result: The result's type.
    ///   - body: The job.
    public mutating func register<P: Decodable & Sendable, R: Encodable & Sendable>(
        _ name: String,
        parameters: P.Type,
        result: R.Type,
        _ body: @escaping @Sendable (P, JobContext) async throws -> R
    ) {
        jobs[name] = Job(
            body: { json, context in
                try JSONValue(encoding: try await body(Self.decode(json, as: P.self, job: name), context))
            },
            validate: Self.decodes(P.self, job: name))
    }

    /// Registers a job that takes no parameters.
    ///
    /// - Parameters:
    ///   - name: The job name schedules refer to.
    ///   - body: The job.
    public mutating func register(_ name: String, _ body: @escaping @Sendable (JobContext) async throws -> Void) {
        jobs[name] = Job { _, context in
            try await body(context)
            return nil
        }
    }

    /// Routes a job name to another executor.
    public mutating func register(_ name: String, executor: some Executor) {
        jobs[name] = Job(
            body: { json, context in
                try await executor.execute(JobReference(name, parameters: json), context: context)
            },
            validate: { json in try executor.validate(JobReference(name, parameters: json)) })
    }

    /// The registered job names, sorted.
    public var jobNames: [String] { jobs.keys.sorted() }

    /// Runs the job registered under the reference's name.
    ///
    /// - Throws: ``SchedulingError/Code/jobNotFound`` for an unknown name, ``SchedulingError/Code/invalidParameters``
    ///   when the parameters do not decode, or what the job throws.
    public func execute(_ job: JobReference, context: JobContext) async throws -> JSONValue? {
        guard let registered = jobs[job.name] else { throw SchedulingError.jobNotFound(job.name) }
        return try await registered.body(job.parameters, context)
    }

    /// Whether a job name is registered.
    public func canExecute(_ jobName: String) -> Bool { jobs[jobName] != nil }

    /// Checks that the job is registered and that its parameters decode into the type it was
    /// registered with (a job registered without parameters takes any).
    ///
    /// - Throws: ``SchedulingError/Code/jobNotFound`` or ``SchedulingError/Code/invalidParameters``.
    public func validate(_ job: JobReference) throws {
        guard let registered = jobs[job.name] else { throw SchedulingError.jobNotFound(job.name) }
        try registered.validate(job.parameters)
    }

    /// A check that parameters decode as `P`.
    private static func decodes<P: Decodable & Sendable>(_ type: P.Type, job: String)
        -> @Sendable (JSONValue) throws -> Void
    {
        { json in _ = try decode(json, as: P.self, job: job) }
    }

    private static func decode<P: Decodable>(_ json: JSONValue, as type: P.Type, job: String) throws -> P {
        do {
            return try json.decode(P.self)
        } catch {
            throw SchedulingError(
                .invalidParameters,
                message: "parameters of job '\(job)' do not decode as \(P.self): \(error)",
                suggestion: "fix the schedule's params to match what the job expects"
            )
        }
    }
}
