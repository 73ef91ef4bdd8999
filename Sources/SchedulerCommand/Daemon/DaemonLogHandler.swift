//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import Foundation
    package import Logging

    /// Writes one line per message to standard error, stamped with the wall-clock time to the
    /// millisecond: `2026-11-25T16:00:10.006+0000 info scheduler: key=value ... [Module] message`.
    ///
    /// swift-log's `StreamLogHandler` writes the same line, but it stamps whole seconds from the
    /// system's coarse clock, which lags by up to a clock tick: a run that finishes a few
    /// milliseconds after its occurrence was logged in the second before it, as if it ran early.
    package struct DaemonLogHandler: LogHandler {
        /// The logger's label, written after the level.
        package let label: String
        /// The lowest level written.
        package var logLevel: Logger.Level = .info
        /// Metadata on every line of the logger.
        package var metadata: Logger.Metadata = [:]
        /// Metadata computed for each line, such as a task's context.
        package var metadataProvider: Logger.MetadataProvider?

        /// Creates a handler for a logger's label.
        package init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
            self.label = label
            self.metadataProvider = metadataProvider
        }

        /// One entry of the logger's metadata.
        package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        /// Writes the event's line.
        package func log(event: LogEvent) {
            // One write per line, so that lines of concurrent tasks do not interleave.
            FileHandle.standardError.write(Data(line(for: event, at: Date(), in: .current).utf8))
        }

        /// The line for an event: the handler's metadata, then the provider's, then the event's
        /// own, each overriding the one before, sorted by key.
        func line(for event: LogEvent, at instant: Date, in zone: TimeZone) -> String {
            var merged = metadata
            if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
            if let explicit = event.metadata { merged.merge(explicit) { $1 } }
            if let error = event.error { merged["error.message"] = "\(error)" }
            let pairs = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            let time = instant.formatted(
                Date.ISO8601FormatStyle(timeZone: zone).year().month().day().dateTimeSeparator(.standard)
                    .time(includingFractionalSeconds: true).timeZone(separator: .omitted))
            return "\(time) \(event.level) \(label):\(pairs) [\(event.source)] \(event.message)\n"
        }
    }
#endif
