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

    /// `scheduler validate --config FILE`: every error and warning, with file, line and key.
    struct ValidateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a configuration file and print every problem with its line."
        )

        @Option(name: .long, help: "The configuration file (YAML).")
        var config: String

        func run() throws {
            do {
                let loaded = try SchedulerConfiguration.load(file: config)
                let warnings = loaded.warnings + Self.unregisteredJobs(in: loaded)
                for warning in warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
                let count = loaded.schedules.count
                print("\(config): \(count) schedule\(count == 1 ? "" : "s"), no errors")
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }

        /// Warnings for jobs by name: the plain daemon runs processes only.
        static func unregisteredJobs(in configuration: SchedulerConfiguration) -> [ConfigDiagnostic] {
            configuration.schedules.flatMap { schedule in
                [schedule.job] + (schedule.fallback.map { [$0] } ?? [])
            }
            .filter { $0.name != ProcessExecutor.jobName }
            .map(\.name)
            .reduce(into: [String]()) { names, name in if !names.contains(name) { names.append(name) } }
            .map { name in
                ConfigDiagnostic(
                    file: configuration.file, line: nil, key: "job",
                    message:
                        "job '\(name)' is a Swift job; the plain 'scheduler run' has none registered and will refuse it",
                    suggestion: "run it from an application that registers '\(name)', or use 'job: { process: [...] }'",
                    isWarning: true)
            }
        }
    }

    /// `scheduler preview --config FILE --from INSTANT --to INSTANT [--json]`.
    struct PreviewCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "List when each enabled schedule would run between two instants, without running anything."
        )

        @Option(name: .long, help: "The configuration file (YAML).")
        var config: String

        @Option(name: .long, help: "The first instant (RFC 3339), included.")
        var from: String

        @Option(name: .long, help: "The last instant (RFC 3339), excluded.")
        var to: String

        @Flag(name: .long, help: "Print one JSON object per line.")
        var json = false

        func run() throws {
            let start: Date
            let end: Date
            do {
                start = try Timestamp.date(from: from)
                end = try Timestamp.date(from: to)
            } catch {
                throw ValidationError("\(error)")
            }
            guard start <= end else { throw ValidationError("--from must not be after --to") }
            let loaded = try SchedulerConfiguration.loadForCommand(file: config)
            for warning in loaded.warnings + ValidateCommand.unregisteredJobs(in: loaded) {
                FileHandle.standardError.write(Data("\(warning)\n".utf8))
            }
            var output = StandardOutput()
            output.write(Preview.render(Preview.entries(of: loaded.schedules, from: start, to: end), json: json))
        }
    }

    extension SchedulerConfiguration {
        /// Loads a file for a command, or prints every error to standard error and exits 1.
        static func loadForCommand(file: String) throws -> SchedulerConfiguration {
            do {
                return try load(file: file)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
#endif
