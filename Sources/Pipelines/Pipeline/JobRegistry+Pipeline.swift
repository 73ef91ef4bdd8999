//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Scheduling

extension JobRegistry {
    /// Registers a pipeline as a job: the scheduler runs it with its parameters decoded from the
    /// schedule's JSON params, under the run's identifier (so a retry of the run resumes from its
    /// checkpoints), and stores the ``PipelineSummary`` as the run's result.
    ///
    /// ```swift
    /// var jobs = JobRegistry()
    /// jobs.register(newsletter, store: store, effects: Effects(mail: OutboxMailSender(folder: "outbox")))
    /// try await scheduler.add(Schedule("weekly", job: JobReference("newsletter", parameters: ["issue": 12]),
    ///                                  trigger: .cron("0 10 * * SUN", in: .named("America/New_York"))))
    /// ```
    ///
    /// - Parameters:
    ///   - pipeline: The pipeline; its input is the job's parameters.
    ///   - name: The job's name; defaults to the pipeline's name.
    ///   - store: Where checkpoints live: the scheduler's store.
    ///   - effects: The outside world.
    public mutating func register<Parameters: Decodable & Sendable, Output: Sendable>(
        _ pipeline: Pipeline<Parameters, Output>,
        as name: String? = nil,
        store: any JobStore,
        effects: Effects
    ) {
        register(name ?? pipeline.name, parameters: Parameters.self, result: PipelineSummary.self) {
            parameters, context in
            try await pipeline.run(
                parameters, id: context.runID, store: store, effects: effects, clock: context.clock,
                logger: context.logger
            ).summary
        }
    }
}
