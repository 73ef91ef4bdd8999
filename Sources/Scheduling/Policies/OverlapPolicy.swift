//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// What happens when an occurrence is due while a previous run of the same schedule is still active.
///
/// ```swift
/// let policy = OverlapPolicy.bufferAll(maximum: 5)
/// ```
public struct OverlapPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    enum Base: Sendable, Hashable {
        case skip, bufferOne, cancelOther
        case bufferAll(maximum: Int)
        case allowAll(maximum: Int)
    }

    let base: Base

    private init(base: Base) { self.base = base }

    /// Skip the new occurrence and record why (the default).
    public static let skip = OverlapPolicy(base: .skip)
    /// Keep one occurrence waiting and start it when the active run ends; skip further ones.
    public static let bufferOne = OverlapPolicy(base: .bufferOne)
    /// Keep up to `maximum` occurrences waiting, in order; skip further ones.
    public static func bufferAll(maximum: Int) -> OverlapPolicy {
        OverlapPolicy(base: .bufferAll(maximum: max(1, maximum)))
    }
    /// Cancel the active run (recorded as cancelled) and start the new occurrence once it has
    /// stopped; an occurrence still waiting for that is superseded by a newer one.
    public static let cancelOther = OverlapPolicy(base: .cancelOther)
    /// Run side by side, at most `maximum` runs of the schedule at once; skip beyond.
    public static func allowAll(maximum: Int) -> OverlapPolicy {
        OverlapPolicy(base: .allowAll(maximum: max(1, maximum)))
    }

    /// The policy's name, as the configuration file spells it.
    public var description: String {
        switch base {
        case .skip: "skip"
        case .bufferOne: "bufferOne"
        case .cancelOther: "cancelOther"
        case .bufferAll(let maximum): "bufferAll(maximum: \(maximum))"
        case .allowAll(let maximum): "allowAll(maximum: \(maximum))"
        }
    }

    /// How many runs of the schedule may be active at once.
    var concurrentRuns: Int {
        if case .allowAll(let maximum) = base { return maximum }
        return 1
    }

    /// How many occurrences may wait behind the active runs.
    var bufferCapacity: Int {
        switch base {
        case .bufferOne: 1
        case .bufferAll(let maximum): maximum
        default: 0
        }
    }

    /// Decodes a name (`skip`, `bufferOne`, `cancelOther`) or `{"bufferAll": n}` / `{"allowAll": n}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let object = try? container.decode([String: Int].self), object.count == 1, let (key, value) = object.first {
            switch key {
            case "bufferAll": self = .bufferAll(maximum: value)
            case "allowAll": self = .allowAll(maximum: value)
            default:
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "unknown overlap policy '\(key)'; use bufferAll or allowAll with a maximum"
                )
            }
            return
        }
        switch try container.decode(String.self) {
        case "skip": self = .skip
        case "bufferOne": self = .bufferOne
        case "cancelOther": self = .cancelOther
        case let other:
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription:
                    "unknown overlap policy '\(other)'; use skip, bufferOne, cancelOther, bufferAll or allowAll"
            )
        }
    }

    /// Encodes the policy as its name, or an object for the bounded ones.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch base {
        case .skip: try container.encode("skip")
        case .bufferOne: try container.encode("bufferOne")
        case .cancelOther: try container.encode("cancelOther")
        case .bufferAll(let maximum): try container.encode(["bufferAll": maximum])
        case .allowAll(let maximum): try container.encode(["allowAll": maximum])
        }
    }
}
