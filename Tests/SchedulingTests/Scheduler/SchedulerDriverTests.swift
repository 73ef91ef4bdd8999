//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import SchedulingTesting
import Testing

/// The test driver itself: it gives up, with an error that says why, instead of waiting forever.
@Suite("Scheduler driver")
struct SchedulerDriverTests {
    @Test("a job that waits on something other than the clock makes the driver give up with an error")
    func givesUpOnAJobThatIgnoresTheClock() async throws {
        var jobs = JobRegistry(processes: nil)
        // Real time, which the driver does not move: the attempt never sleeps on the clock.
        jobs.register("stuck") { _ in try await Task.sleep(for: .seconds(60)) }
        var (driver, _) = Fixture.scheduler(jobs: jobs)
        driver.settleLimit = .milliseconds(20)
        let error = await #expect(throws: DriverError.self) {
            try await driver.run { driver in
                try await driver.scheduler.add(
                    Schedule(
                        "stuck", job: JobReference("stuck"), trigger: .once(at: Fixture.date("2026-01-01T00:01:00Z"))))
                try await driver.advance(to: Fixture.date("2026-01-01T00:02:00Z"))
            }
        }
        // On a loaded machine the limit may run out at an earlier step; the error still says why.
        #expect(error?.message.hasPrefix("the scheduler did not settle at 2026-01-01T00:") == true)
        #expect(error?.message.hasSuffix("do the jobs wait on something other than the clock?") == true)
    }
}
