//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import ArgumentParser

    /// A duration on the command line, written as in configuration files: `90s`, `5m`, `1h30m`, `2d`.
    package struct DurationArgument: ExpressibleByArgument, Sendable, Hashable {
        /// The duration.
        package var duration: Duration

        /// Creates an argument from a duration.
        package init(_ duration: Duration) {
            self.duration = duration
        }

        /// Parses `90s`, `5m`, `1h30m` or `2d`; nil for anything else.
        package init?(argument: String) {
            guard let seconds = ConfigParser.seconds(argument), seconds > 0 else { return nil }
            duration = .seconds(seconds)
        }

        /// The text it was parsed from, in its shortest form.
        package var defaultValueDescription: String {
            let seconds = duration.components.seconds
            for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds % size == 0 {
                return "\(seconds / size)\(unit)"
            }
            return "\(seconds)s"
        }
    }
#endif
