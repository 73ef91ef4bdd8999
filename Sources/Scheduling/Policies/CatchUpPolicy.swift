//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// What to do with occurrences whose time passed while the process was down, paused or busy.
///
/// An occurrence late by at most ``grace`` simply runs. Older ones are *missed*: those older than
/// ``window`` are dropped, and ``mode`` picks which of the rest run. Every occurrence that does not
/// run gets a skip record.
///
/// The default runs the latest missed occurrence once if it is at most a day old:
///
/// ```swift
/// let policy = CatchUpPolicy(mode: .all(maximum: 3), window: .seconds(6 * 3600))
/// ```
public struct CatchUpPolicy: Sendable, Hashable, Codable {
    /// Which missed occurrences run.
    public struct Mode: Sendable, Hashable, Codable, CustomStringConvertible {
        enum Base: Sendable, Hashable {
            case none, latest, earliest
            case all(maximum: Int)
        }

        let base: Base

        private init(base: Base) { self.base = base }

        /// Run none of them.
        public static let none = Mode(base: .none)
        /// Run the latest one (the default).
        public static let latest = Mode(base: .latest)
        /// Run the earliest one.
        public static let earliest = Mode(base: .earliest)
        /// Run each, oldest first; when more than `maximum` were missed, only the latest `maximum`.
        public static func all(maximum: Int) -> Mode { Mode(base: .all(maximum: max(1, maximum))) }

        /// The mode's name: `none`, `latest`, `earliest` or `all(maximum: n)`.
        public var description: String {
            switch base {
            case .none: "none"
            case .latest: "latest"
            case .earliest: "earliest"
            case .all(let maximum): "all(maximum: \(maximum))"
            }
        }

        /// Decodes a mode name; `all` takes `{"all": n}`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let maximum = try? container.decode([String: Int].self)["all"] {
                self = .all(maximum: maximum)
                return
            }
            switch try container.decode(String.self) {
            case "none": self = .none
            case "latest": self = .latest
            case "earliest": self = .earliest
            case let other:
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "unknown catch-up mode '\(other)'; use none, latest, earliest or {\"all\": n}"
                )
            }
        }

        /// Encodes the mode's name.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch base {
            case .none: try container.encode("none")
            case .latest: try container.encode("latest")
            case .earliest: try container.encode("earliest")
            case .all(let maximum): try container.encode(["all": maximum])
            }
        }
    }

    /// Which missed occurrences run. Default ``Mode/latest``.
    public var mode: Mode
    /// How late an occurrence may start and still count as on time. Default one minute.
    public var grace: Duration
    /// Missed occurrences older than this are dropped. Default one day.
    public var window: Duration

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - mode: Which missed occurrences run.
    ///   - grace: How late an occurrence may be and still run as on time.
    ///   - window: How old a missed occurrence may be and still be considered.
    public init(mode: Mode = .latest, grace: Duration = .seconds(60), window: Duration = .seconds(86_400)) {
        self.mode = mode
        self.grace = grace
        self.window = window
    }

    /// Run the latest missed occurrence within a day; one minute of grace.
    public static let `default` = CatchUpPolicy()

    /// Decides which of the missed occurrences (oldest first) run.
    ///
    /// - Returns: The indices of `missed` to run, in order.
    func selection(ofMissed count: Int) -> Range<Int> {
        guard count > 0 else { return 0..<0 }
        switch mode.base {
        case .none: return 0..<0
        case .latest: return (count - 1)..<count
        case .earliest: return 0..<1
        case .all(let maximum): return max(0, count - maximum)..<count
        }
    }
}
