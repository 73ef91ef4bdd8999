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

    /// `scheduler cron next`: the next fire times of one expression, or of a batch file.
    struct CronNextCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next",
            abstract: "Print the next fire times of a cron expression.",
            discussion: """
                With --batch FILE, reads one JSON query per line, {"id","expr","tz","after","count"}, and \
                prints one JSON line per query, in order: {"id": ..., "next": [...]} or {"id": ..., "error": "..."}.
                """
        )

        @Argument(help: "The cron expression, quoted: \"0 6 * * MON-FRI\".")
        var expression: String?

        @OptionGroup var zone: ZoneOptions

        @Option(name: .long, help: "How many fire times to print.")
        var count: Int = 5

        @Flag(name: .long, help: "Print one JSON object per line.")
        var json = false

        @Option(name: .long, help: "Answer the JSON-lines queries in FILE ('-' for standard input).")
        var batch: String?

        func validate() throws {
            if batch == nil && expression == nil { throw ValidationError("give a cron expression or --batch FILE") }
            if batch != nil && expression != nil {
                throw ValidationError("give either a cron expression or --batch FILE, not both")
            }
            if !(0...CronBatch.maximumCount).contains(count) {
                throw ValidationError("--count must be from 0 to \(CronBatch.maximumCount)")
            }
        }

        func run() async throws {
            if let batch {
                let input: Data
                do {
                    input =
                        try batch == "-"
                        ? FileHandle.standardInput.readToEnd() ?? Data() : Data(contentsOf: URL(fileURLWithPath: batch))
                } catch {
                    throw Self.exitReporting(
                        CommandFailure(description: "error: cannot read \(batch): \(error.localizedDescription)"))
                }
                CronBatch.run(input: input, output: StandardOutput())
                return
            }
            do {
                let cron = try CommandFailure.wrap { () throws(SchedulingError) in try CronExpression(expression ?? "")
                }
                let timeZone = try zone.zone()
                var output = StandardOutput()
                var buffer: [UInt8] = []
                var found = 0
                for date in cron.occurrences(after: try zone.start(), in: timeZone).prefix(count) {
                    if json { buffer.append(contentsOf: Array(#"{"at": ""#.utf8)) }
                    Timestamp.append(date, to: &buffer)
                    if json { buffer.append(contentsOf: Array(#""}"#.utf8)) }
                    buffer.append(10)
                    found += 1
                }
                output.write(buffer)
                if found < count {
                    throw CommandFailure(
                        description: "error: no further occurrence within \(CronExpression.searchHorizonYears) years")
                }
            } catch let failure as CommandFailure {
                throw Self.exitReporting(failure)
            }
        }
    }

#endif
