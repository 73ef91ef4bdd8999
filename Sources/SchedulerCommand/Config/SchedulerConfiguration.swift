//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    public import Foundation
    public import Scheduling

    /// A loaded configuration file: the daemon's input.
    public struct SchedulerConfiguration: Sendable {
        /// The file it came from.
        public var file: String
        /// The default zone of schedules (`timezone:`), UTC when absent.
        public var timeZone: TimeZone
        /// Where state lives (`state:`), relative to the file's folder; nil for the default.
        public var state: String?
        /// How many jobs run at once (`concurrency:`).
        public var concurrency: Int
        /// The schedules, in file order.
        public var schedules: [Schedule]
        /// Warnings: keys a compatibility shape does not document, named jobs nobody registered.
        public var warnings: [ConfigDiagnostic]

        /// The state file the daemon uses: `state:` resolved against the file's folder, or
        /// `.scheduler/state.sqlite` beside the file.
        public var statePath: String {
            let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
            let path = state ?? ".scheduler/state.sqlite"
            return path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
        }

        /// Loads and validates a file.
        ///
        /// - Throws: ``ConfigurationError`` with every error found.
        public static func load(file: String) throws(ConfigurationError) -> SchedulerConfiguration {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ConfigurationError(diagnostics: [
                    ConfigDiagnostic(
                        file: file, line: nil, key: nil, message: "cannot read the file: \(error.localizedDescription)",
                        suggestion: "check the path")
                ])
            }
            return try parse(text, file: file)
        }

        /// Parses and validates a configuration's text.
        ///
        /// - Throws: ``ConfigurationError`` with every error found.
        public static func parse(_ text: String, file: String) throws(ConfigurationError) -> SchedulerConfiguration {
            var parser = ConfigParser(file: file)
            let configuration = parser.parse(text)
            let errors = parser.diagnostics.filter { !$0.isWarning }
            guard errors.isEmpty, var configuration else {
                throw ConfigurationError(diagnostics: parser.diagnostics)
            }
            configuration.warnings = parser.diagnostics
            return configuration
        }
    }
#endif
