//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    /// A problem in a configuration file, with where it is and how to fix it.
    public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
        /// The file.
        public var file: String
        /// The line, from 1, when known.
        public var line: Int?
        /// The key involved, when one is.
        public var key: String?
        /// What is wrong.
        public var message: String
        /// How to fix it.
        public var suggestion: String?
        /// Whether it is only a warning (the file still loads).
        public var isWarning: Bool

        /// Creates a diagnostic.
        public init(
            file: String, line: Int?, key: String?, message: String, suggestion: String? = nil, isWarning: Bool = false
        ) {
            self.file = file
            self.line = line
            self.key = key
            self.message = message
            self.suggestion = suggestion
            self.isWarning = isWarning
        }

        /// `FILE:LINE: error: message; suggestion`.
        public var description: String {
            let place = line.map { "\(file):\($0)" } ?? file
            let text = suggestion.map { "\(message); \($0)" } ?? message
            return "\(place): \(isWarning ? "warning" : "error"): \(text)"
        }
    }

    /// A configuration file that does not load: every error found, in file order.
    public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
        /// The errors and warnings.
        public var diagnostics: [ConfigDiagnostic]

        /// One line per diagnostic.
        public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
    }
#endif
