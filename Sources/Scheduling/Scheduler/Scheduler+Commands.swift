//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import DequeModule
import Foundation
import Logging

extension Scheduler {
    // MARK: Loading and commands

    /// Loads the store's schedules once.
    ///
    /// A command that comes in while ``run()`` waits for the store loads them too (the actor is
    /// reentrant); whichever finishes first installs its entries, and the other installs nothing,
    /// so that no schedule has two entries, one of them out of reach of later commands.
    func loadIfNeeded() async throws {
        guard !isLoaded else { return }
        let now = clock.now
        var loaded: [Entry] = []
        for stored in try await store.schedules() {
            var cursor = stored.cursor ?? now
            if stored.cursor == nil {
                try await store.advanceCursor(of: stored.schedule.name, to: now)
                cursor = now
            }
            let entry = Entry(
                schedule: stored.schedule, isPaused: stored.isPaused, cursor: cursor, nextEvent: nil, generation: 0)
            if stored.cursor != nil, stored.schedule.dependsOnCompletion {
                // Its last run's finish, which the wait counts from; none when it never finished
                // (it is recovered as interrupted), and then it starts at the next second.
                entry.lastFinish = try await store.runs(matching: RunQuery(schedule: stored.schedule.name, limit: 1))
                    .first?.finished
            }
            entry.nextEvent = entry.eventAfterCursor
            loaded.append(entry)
        }
        guard !isLoaded else { return }
        for entry in loaded { install(entry) }
        isLoaded = true
    }

    private func install(_ entry: Entry) {
        if let previous = entries[entry.schedule.name], previous !== entry {
            // Made by a load or a command that overlapped this one (the actor is reentrant): it
            // retires, so that its timers lapse instead of running a schedule that later commands
            // no longer reach.
            previous.generation &+= 1
            previous.isInstalled = false
        }
        entry.generation &+= 1
        entry.isInstalled = true
        walks[entry.schedule.name] = nil
        entries[entry.schedule.name] = entry
        scheduleDueTimer(for: entry)
    }

    func processCommands(now: Date) async {
        while let pending = commands.popFirst() {
            do {
                pending.continuation.resume(returning: try await apply(pending.command, now: now))
            } catch {
                pending.continuation.resume(throwing: error)
            }
        }
    }

    func apply(_ command: Command, now: Date) async throws -> UUID? {
        switch command {
        case .add(let schedule):
            guard entries[schedule.name] == nil else {
                throw SchedulingError(
                    .scheduleExists,
                    message: "a schedule named '\(schedule.name)' already exists",
                    suggestion: "use replace to change it, or choose another name"
                )
            }
            try checkJobs(of: schedule)
            try await store.saveSchedule(schedule)
            try await store.advanceCursor(of: schedule.name, to: now)
            // The store keeps a later cursor if it has one; claims refuse what it covers.
            let cursor = now
            install(
                Entry(
                    schedule: schedule, isPaused: false, cursor: cursor, nextEvent: schedule.nextEvent(after: cursor),
                    generation: 0))
            logger.info(
                "schedule added",
                metadata: ["scheduler.schedule": "\(schedule.name)", "scheduler.trigger": "\(schedule.trigger)"])
        case .replace(let schedule):
            guard let entry = entries[schedule.name] else { throw SchedulingError.scheduleNotFound(schedule.name) }
            try checkJobs(of: schedule)
            try await store.saveSchedule(schedule)
            redefine(entry, as: schedule)
        case .remove(let name):
            guard entries[name] != nil else { throw SchedulingError.scheduleNotFound(name) }
            _ = try await store.deleteSchedule(named: name)
            await forget(name, now: now)
        case .setEnabled(let name, let enabled):
            guard let entry = entries[name] else { throw SchedulingError.scheduleNotFound(name) }
            entry.schedule = entry.schedule.enabled(enabled)
            try await store.saveSchedule(entry.schedule)
            restartWalk(of: entry)
        case .setPaused(let name, let paused):
            guard let entry = entries[name] else { throw SchedulingError.scheduleNotFound(name) }
            try await store.setPaused(paused, schedule: name)
            entry.isPaused = paused
            restartWalk(of: entry)
        case .trigger(let name):
            guard let entry = entries[name] else { throw SchedulingError.scheduleNotFound(name) }
            // A stopping or stopped scheduler would never start it.
            guard phase != .draining, phase != .stopped else { return nil }
            let run = JobRun(
                id: runIdentifiers.nextIdentifier(), schedule: name, occurrence: now, origin: .manual,
                owner: configuration.instance, created: now)
            try await store.saveRun(run)
            admitClaimed(makeActiveRun(run, of: entry), now: now)
            return run.id
        case .synchronize:
            try await synchronize(now: now)
        }
        return nil
    }

    /// Starts an entry's walk over its due events again (see ``Walk``), so that a pause or a
    /// change of its enabled flag applies to all of them, as when it comes before the walk.
    private func restartWalk(of entry: Entry) {
        guard let walk = walks.removeValue(forKey: entry.schedule.name) else { return }
        entry.nextEvent = walk.start
    }

    /// Gives an entry a new definition; runs in flight keep the old one.
    private func redefine(_ entry: Entry, as schedule: Schedule) {
        entry.schedule = schedule
        if !(schedule.dependsOnCompletion && !entry.activeRuns.isEmpty) {
            entry.nextEvent = entry.eventAfterCursor
        }
        install(entry)
    }

    /// Stops running a schedule: runs in flight finish; runs waiting behind them, or overdue after
    /// a stall (see ``Scheduler/overdue``), are cancelled.
    private func forget(_ name: String, now: Date) async {
        guard let entry = entries.removeValue(forKey: name) else { return }
        entry.generation &+= 1
        walks[name] = nil
        entry.isInstalled = false
        let waiting = entry.buffered + (overdue.removeValue(forKey: name) ?? []).map(\.record.id)
        for id in waiting {
            finish(id, status: .cancelled, now: now, message: "its schedule was removed")
        }
        logger.info("schedule removed", metadata: ["scheduler.schedule": "\(name)"])
    }

    /// Brings the entries in line with the store and takes the requested runs.
    private func synchronize(now: Date) async throws {
        let stored = try await store.schedules()
        let names = Set(stored.map(\.schedule.name))
        for name in entries.keys.sorted() where !names.contains(name) {
            await forget(name, now: now)
        }
        for item in stored {
            let schedule = item.schedule
            do {
                // A definition this scheduler runs already had its parameters checked, unless it
                // was loaded at start: each poll checks only that its jobs are known.
                try checkJobs(of: schedule, parameters: entries[schedule.name]?.schedule != schedule)
                leftOut[schedule.name] = nil
            } catch {
                // Said once per definition, not at every poll.
                if leftOut.updateValue(schedule, forKey: schedule.name) != schedule {
                    logger.error(
                        "stored schedule left out",
                        metadata: ["scheduler.schedule": "\(schedule.name)", "scheduler.error": "\(error)"])
                }
                continue
            }
            if let entry = entries[schedule.name] {
                if entry.schedule != schedule {
                    redefine(entry, as: schedule)
                    logger.info("schedule changed in the store", metadata: ["scheduler.schedule": "\(schedule.name)"])
                }
                if entry.isPaused != item.isPaused {
                    entry.isPaused = item.isPaused
                    restartWalk(of: entry)
                    logger.info(
                        item.isPaused ? "schedule paused" : "schedule resumed",
                        metadata: ["scheduler.schedule": "\(schedule.name)"])
                }
            } else {
                let cursor = item.cursor ?? now
                if item.cursor == nil { try await store.advanceCursor(of: schedule.name, to: now) }
                install(
                    Entry(
                        schedule: schedule, isPaused: item.isPaused, cursor: cursor,
                        nextEvent: schedule.nextEvent(after: cursor), generation: 0))
                logger.info("schedule added in the store", metadata: ["scheduler.schedule": "\(schedule.name)"])
            }
        }
        guard phase == .running else { return }
        for var run in try await store.takeRequestedRuns(owner: configuration.instance) {
            guard let entry = entries[run.schedule] else {
                run.status = .cancelled
                run.finished = now
                try await store.saveRun(run)
                logger.error(
                    "requested run cancelled: no schedule of that name runs here",
                    metadata: ["scheduler.schedule": "\(run.schedule)", "scheduler.run": "\(run.id)"])
                continue
            }
            logger.info(
                "requested run taken",
                metadata: ["scheduler.schedule": "\(run.schedule)", "scheduler.run": "\(run.id)"])
            admitClaimed(makeActiveRun(run, of: entry), now: now)
        }
    }

    /// Synchronizes with the store, then sets the next poll, when polling is configured. Every
    /// half lease, a polling scheduler also takes over the runs of instances that stopped.
    func poll(now: Date) async {
        do {
            try await synchronize(now: now)
        } catch {
            logger.error("could not read the store for changes", metadata: ["scheduler.error": "\(error)"])
        }
        guard let interval = configuration.storePollInterval else { return }
        // The first poll only sets the time: run() has just recovered.
        let recoveryDue = nextRecovery.map { $0 <= now } ?? false
        if recoveryDue, phase == .running { await recoverInterruptedRuns(now: now, atStart: false) }
        if recoveryDue || nextRecovery == nil {
            nextRecovery = now.addingTimeInterval(configuration.leaseDuration.seconds / 2)
        }
        addTimer(at: now.addingTimeInterval(interval.seconds), .poll)
    }

    /// Refuses a schedule whose job or fallback no executor knows, or cannot take its parameters.
    ///
    /// - Parameter parameters: Whether to check the jobs' parameters too (``Executor/validate(_:)``).
    func checkJobs(of schedule: Schedule, parameters: Bool = true) throws {
        for job in [schedule.job, schedule.fallback].compactMap({ $0 }) {
            guard executor.canExecute(job.name) else {
                throw SchedulingError(
                    .jobNotFound,
                    message: "schedule '\(schedule.name)' runs job '\(job.name)', which no executor knows",
                    suggestion: "register '\(job.name)' with the executor before adding the schedule"
                )
            }
            guard parameters else { continue }
            do {
                try executor.validate(job)
            } catch let error as SchedulingError {
                throw SchedulingError(
                    error.code, message: "schedule '\(schedule.name)': \(error.message)", suggestion: error.suggestion)
            }
        }
    }
}
