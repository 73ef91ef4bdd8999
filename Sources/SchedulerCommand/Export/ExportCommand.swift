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

    /// `scheduler export crontab|systemd --config FILE [--output DIR]`.
    struct ExportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Translate the configuration's schedules for system cron or systemd timers.",
            discussion: """
                Each schedule the target cannot express exactly gets a comment saying why; crontab \
                lines that would fire at other times are commented out.
                """
        )

        /// The export formats.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case crontab, systemd
        }

        @Argument(help: "crontab or systemd.")
        var format: Format

        @Option(name: .long, help: "The configuration file (YAML).")
        var config: String

        @Option(name: .long, help: "systemd only: write each unit into this folder instead of printing them.")
        var output: String?

        func run() throws {
            let loaded = try SchedulerConfiguration.loadForCommand(file: config)
            var standardOutput = StandardOutput()
            switch format {
            case .crontab:
                if output != nil { throw ValidationError("--output applies to systemd only") }
                standardOutput.write(Array(CrontabExport.render(loaded).utf8))
            case .systemd:
                guard let output else {
                    standardOutput.write(Array(SystemdExport.render(loaded).utf8))
                    return
                }
                let folder = URL(fileURLWithPath: output)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for unit in SystemdExport.units(loaded) {
                    try Data(unit.text.utf8).write(to: folder.appendingPathComponent(unit.name))
                    print(folder.appendingPathComponent(unit.name).path)
                }
            }
        }
    }
#endif
