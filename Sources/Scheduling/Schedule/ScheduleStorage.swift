//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation

/// A ``Schedule``'s definition, shared by every copy of it.
///
/// A schedule is copied into the scheduler, its store and every active run. Keeping its values in
/// one immutable instance makes a copy a reference, and keeping the policies in a second one lets
/// every schedule with the default policies share a single instance: an idle schedule then costs
/// its name, job and trigger.
final class ScheduleStorage: Sendable {
    let name: String
    let job: JobReference
    let trigger: Trigger
    let isEnabled: Bool
    let start: Date?
    let end: Date?
    let policies: Policies
    /// The trigger's ``Trigger/dependsOnCompletion``, which the scheduler reads at every
    /// occurrence: kept here, it costs no copy of the trigger.
    let dependsOnCompletion: Bool

    init(
        name: String, job: JobReference, trigger: Trigger, isEnabled: Bool, start: Date?, end: Date?,
        policies: Policies
    ) {
        self.name = name
        self.job = job
        self.trigger = trigger
        self.isEnabled = isEnabled
        self.start = start
        self.end = end
        self.policies = policies
        self.dependsOnCompletion = trigger.dependsOnCompletion
    }

    /// Whether two definitions are equal, value by value.
    func hasSameDefinition(as other: ScheduleStorage) -> Bool {
        name == other.name && job == other.job && trigger == other.trigger && isEnabled == other.isEnabled
            && start == other.start && end == other.end
            && (policies === other.policies || policies.values == other.policies.values)
    }

    /// Hashes every value.
    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(job)
        hasher.combine(trigger)
        hasher.combine(isEnabled)
        hasher.combine(start)
        hasher.combine(end)
        hasher.combine(policies.values)
    }

    /// A schedule's policies.
    struct PolicyValues: Sendable, Hashable {
        var jitter: Duration
        var catchUp: CatchUpPolicy
        var overlap: OverlapPolicy
        var retry: RetryPolicy
        var timeout: Duration?
        var priority: Priority
        var deadline: DeadlinePolicy?
        var fallback: JobReference?

        /// The defaults of ``Schedule/init(_:job:trigger:enabled:start:end:jitter:catchUp:overlap:retry:timeout:priority:deadline:fallback:)``.
        static let defaults = PolicyValues(
            jitter: .zero, catchUp: .default, overlap: .skip, retry: .none, timeout: nil, priority: .medium,
            deadline: nil, fallback: nil)
    }

    /// Policies in an instance of their own, so that equal defaults are shared.
    final class Policies: Sendable {
        let values: PolicyValues

        private init(_ values: PolicyValues) { self.values = values }

        private static let defaults = Policies(.defaults)

        /// The shared instance for the default policies, a new one otherwise.
        static func shared(_ values: PolicyValues) -> Policies {
            values == PolicyValues.defaults ? defaults : Policies(values)
        }
    }
}
