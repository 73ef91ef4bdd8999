//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import ArgumentParser
    import Foundation
    import Scheduling
    import SchedulingSQLite

    /// Where the operations commands find the state: `--state PATH`, or the state of `--config FILE`.
    struct StateOptions: ParsableArguments {
        @Option(name: .long, help: "The state file (SQLite).")
        var state: String?

        @Option(name: .long, help: "A configuration file; its state is used when --state is absent.")
        var config: String?

        func validate() throws {
            if state == nil && config == nil { throw ValidationError("give --state PATH or --config FILE") }
        }

        /// Opens an existing store, or fails with the reason on standard error. It never creates
        /// one: a command that inspects or changes state has nothing to work on before a daemon ran.
        func open() throws -> any JobStore {
            do {
                let path = try state ?? SchedulerConfiguration.load(file: config ?? "").statePath
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CommandFailure(
                        description:
                            "no state at \(path); nothing has run with this state yet (check --state, or the config's 'state:')"
                    )
                }
                return try SQLiteJobStore(path: path)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    /// A value printed as one JSON object whose keys keep a documented order.
    protocol JSONLine {
        /// The object's keys and values, in order.
        var fields: [(String, JSONValue)] { get }
    }

    /// Writes JSON lines with keys in their documented order and absent values as null.
    enum JSONLines {
        static func write(_ lines: [some JSONLine]) throws {
            var output = StandardOutput()
            output.write(try encode(lines))
        }

        static func encode(_ lines: [some JSONLine]) throws -> [UInt8] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            var buffer: [UInt8] = []
            for line in lines {
                buffer.append(UInt8(ascii: "{"))
                for (index, (key, value)) in line.fields.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    buffer.append(contentsOf: Array(try encoder.encode(key)))
                    buffer.append(UInt8(ascii: ":"))
                    buffer.append(contentsOf: Array(try encoder.encode(value)))
                }
                buffer.append(contentsOf: Array("}\n".utf8))
            }
            return buffer
        }
    }

    extension Optional where Wrapped == String {
        /// The string, or JSON null.
        var json: JSONValue { map(JSONValue.string) ?? .null }
    }

    extension Optional where Wrapped == Date {
        /// `YYYY-MM-DDTHH:MM:SSZ`, or nil.
        var timestamp: String? { map { Timestamp.string(from: $0) } }
    }
#endif
