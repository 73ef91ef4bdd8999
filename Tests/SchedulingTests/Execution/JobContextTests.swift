//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Scheduling
import SchedulingTesting
import Testing

@Suite("Job context")
struct JobContextTests {
    @Test("the logger carries the schedule, the run and the attempt, over the metadata it was given")
    func loggerMetadata() throws {
        var logger = Logger(label: "test") { StreamLogHandler.standardError(label: $0) }
        logger[metadataKey: "service"] = "reports"
        let id = try #require(UUID(uuidString: "6F1C3A52-2B7D-4E1A-9C3B-0D8E5F6A7B8C"))
        var context = JobContext(
            runID: id, schedule: "nightly", occurrence: Date(timeIntervalSince1970: 0), attempt: 2,
            clock: ManualClock(), logger: logger)
        #expect(context.logger[metadataKey: "scheduler.schedule"] == "nightly")
        #expect(context.logger[metadataKey: "scheduler.run"]?.description == "6F1C3A52-2B7D-4E1A-9C3B-0D8E5F6A7B8C")
        #expect(context.logger[metadataKey: "scheduler.attempt"]?.description == "2")
        #expect(context.logger[metadataKey: "service"] == "reports")
        // A logger set on the context gets the same metadata, from the context's current values.
        context.attempt = 3
        context.logger = Logger(label: "other") { StreamLogHandler.standardError(label: $0) }
        #expect(context.logger[metadataKey: "scheduler.attempt"]?.description == "3")
        #expect(context.logger[metadataKey: "service"] == nil)
    }
}
