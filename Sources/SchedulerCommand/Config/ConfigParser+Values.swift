//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import Foundation
    import Scheduling
    import Yams

    /// Reading typed values out of YAML nodes, reporting what does not fit.
    extension ConfigParser {
        var errorCount: Int { diagnostics.count { !$0.isWarning } }

        mutating func report(
            _ key: String?, line: Int?, message: String, suggestion: String? = nil, warning: Bool = false
        ) {
            diagnostics.append(
                ConfigDiagnostic(
                    file: file, line: line, key: key, message: message, suggestion: suggestion, isWarning: warning))
        }

        func line(_ node: Node) -> Int? { node.mark?.line }

        /// A mapping's entries, or nil (reported) when the node is not a mapping with string keys.
        mutating func entries(_ node: Node, context: String) -> Entries? {
            guard case .mapping(let mapping) = node else {
                report(
                    nil, line: line(node), message: "\(context) is not a mapping (line \(line(node) ?? 0))",
                    suggestion: "write 'key: value' lines")
                return nil
            }
            var result: Entries = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    report(nil, line: line(key), message: "a key in \(context) is not a plain name")
                    continue
                }
                result.append((name, key, value))
            }
            return result
        }

        func value(_ entries: Entries, _ key: String) -> Node? {
            entries.first { $0.key == key }?.value
        }

        /// Reports keys outside `allowed`, suggesting the closest one; warnings only for the
        /// compatibility shapes, whose files were written for other tools.
        mutating func check(_ entries: Entries, allowed: [String], context: String, warning: Bool = false) {
            for entry in entries where !allowed.contains(entry.key) {
                let line = line(entry.keyNode)
                let suggestion = Self.closest(entry.key, among: allowed).map { "did you mean '\($0)'?" }
                report(
                    entry.key, line: line,
                    message: "unknown key '\(entry.key)' in \(context) (line \(line ?? 0))"
                        + (warning ? ", ignored" : ""),
                    suggestion: suggestion ?? (warning ? nil : "known keys: \(allowed.joined(separator: ", "))"),
                    warning: warning)
            }
        }

        mutating func string(_ node: Node, key: String, context: String) -> String? {
            guard case .scalar(let scalar) = node else {
                report(
                    key, line: line(node),
                    message: "'\(key)' in \(context) is not a single value (line \(line(node) ?? 0))")
                return nil
            }
            return scalar.string
        }

        mutating func integer(_ node: Node, key: String, context: String, minimum: Int) -> Int? {
            guard let text = string(node, key: key, context: context) else { return nil }
            guard let value = Int(text), value >= minimum else {
                report(
                    key, line: line(node),
                    message:
                        "'\(key)' in \(context) is '\(text)', not a whole number of at least \(minimum) (line \(line(node) ?? 0))"
                )
                return nil
            }
            return value
        }

        mutating func number(_ node: Node, key: String, context: String) -> Double? {
            guard let text = string(node, key: key, context: context) else { return nil }
            guard let value = Double(text), value.isFinite else {
                report(
                    key, line: line(node),
                    message: "'\(key)' in \(context) is '\(text)', not a number (line \(line(node) ?? 0))")
                return nil
            }
            return value
        }

        mutating func boolean(_ node: Node, key: String, context: String) -> Bool? {
            guard let text = string(node, key: key, context: context) else { return nil }
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default:
                report(
                    key, line: line(node),
                    message: "'\(key)' in \(context) is '\(text)', not true or false (line \(line(node) ?? 0))")
                return nil
            }
        }

        /// `90s`, `5m`, `2h`, `1d` (86,400 s), or compounds such as `1h30m`.
        /// A duration such as `90s`, `5m`, `2h` or `1h30m`.
        ///
        /// - Parameter isPositive: Whether zero is refused too (an interval, a timeout).
        mutating func duration(_ node: Node, key: String, context: String, isPositive: Bool = false) -> Duration? {
            guard let text = string(node, key: key, context: context) else { return nil }
            guard let seconds = Self.seconds(text) else {
                report(
                    key, line: line(node),
                    message: "'\(key)' in \(context) is '\(text)', not a duration (line \(line(node) ?? 0))",
                    suggestion: "write a number and a unit of s, m, h or d, such as 90s, 5m, 2h or 1h30m")
                return nil
            }
            guard seconds > 0 || !isPositive else {
                report(
                    key, line: line(node),
                    message:
                        "'\(key)' in \(context) is '\(text)', and it must be at least one second (line \(line(node) ?? 0))",
                    suggestion: "write a duration above zero, such as 30s or 5m")
                return nil
            }
            return .seconds(seconds)
        }

        static func seconds(_ text: String) -> Int64? {
            var total: Int64 = 0
            var digits = ""
            var sawUnit = false
            for character in text {
                if character.isASCII, character.isNumber {
                    digits.append(character)
                    continue
                }
                let unit: Int64
                switch character {
                case "s": unit = 1
                case "m": unit = 60
                case "h": unit = 3_600
                case "d": unit = 86_400
                default: return nil
                }
                guard let value = Int64(digits) else { return nil }
                let (product, overflow) = value.multipliedReportingOverflow(by: unit)
                guard !overflow, product <= 100 * 365 * 86_400 else { return nil }
                total += product
                digits = ""
                sawUnit = true
            }
            return sawUnit && digits.isEmpty ? total : nil
        }

        mutating func instant(_ node: Node, key: String, context: String) -> Date? {
            guard let text = string(node, key: key, context: context) else { return nil }
            do {
                return try Timestamp.date(from: text)
            } catch {
                report(
                    key, line: line(node),
                    message: "'\(key)' in \(context) is '\(text)', not an instant (line \(line(node) ?? 0))",
                    suggestion: "write RFC 3339, such as 2026-12-01T06:00:00Z")
                return nil
            }
        }

        mutating func zone(_ node: Node, key: String, context: String) -> TimeZone? {
            guard let text = string(node, key: key, context: context) else { return nil }
            do {
                return try TimeZone.named(text)
            } catch {
                report(
                    key, line: line(node),
                    message: "unknown time zone '\(text)' in \(context) (line \(line(node) ?? 0))",
                    suggestion: error.suggestion ?? "use an IANA name such as America/Chicago")
                return nil
            }
        }

        /// A YAML value as JSON: tagged scalars become numbers, booleans and null.
        static func json(_ node: Node) -> JSONValue {
            switch node {
            case .scalar(let scalar):
                guard scalar.style == .plain else { return .string(scalar.string) }
                if node.null != nil { return .null }
                if let value = node.bool { return .bool(value) }
                if let value = node.int { return .number(Double(value)) }
                if let value = node.float { return .number(value) }
                return .string(scalar.string)
            case .sequence(let sequence): return .array(sequence.map(json))
            case .mapping(let mapping):
                var object: [String: JSONValue] = [:]
                for (key, value) in mapping { object[key.string ?? ""] = json(value) }
                return .object(object)
            case .alias: return .null
            }
        }

        /// The allowed word within two edits of `word`, if any.
        static func closest(_ word: String, among candidates: [String]) -> String? {
            let scored = candidates.map { ($0, distance(Array(word), Array($0))) }
            guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
            return best.0
        }

        private static func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var current = [i + 1]
                for (j, y) in b.enumerated() {
                    current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }

        static func line(of error: YamlError) -> Int? {
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
            case .duplicatedKeysInMapping(_, let context): return context.mark.line
            default: return nil
            }
        }

        static func problem(of error: YamlError) -> String {
            switch error {
            case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
                return problem
            case .duplicatedKeysInMapping(let duplicates, _):
                return
                    "\(duplicates.map { "'\($0)'" }.joined(separator: ", ")) defined twice in one mapping; rename or remove one"
            default: return "\(error)"
            }
        }
    }
#endif
