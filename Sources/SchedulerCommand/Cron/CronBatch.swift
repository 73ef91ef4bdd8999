//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling

/// The `--batch` protocol of `scheduler cron next`: JSON lines in, JSON lines out, in order.
///
/// Each input line is `{"id","expr","tz","after","count"}` (other keys are ignored). Each output
/// line is `{"id": ..., "next": [...]}`, or `{"id": ..., "error": "..."}` for a query that
/// cannot be answered; a bad line never stops the batch. Instants are printed with integer
/// arithmetic into one buffer, never through Foundation's formatters.
enum CronBatch {
    /// The largest `count` a query may ask for.
    static let maximumCount = 1_000_000

    private struct Query: Decodable {
        var id: Identifier?
        var expr: String?
        var tz: String?
        var after: String?
        var count: Int?
    }

    /// A query id as given: a string or a number, echoed back unchanged.
    private enum Identifier: Decodable {
        case text(String)
        case number(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let integer = try? container.decode(Int.self) {
                self = .number(String(integer))
            } else {
                self = .number(String(try container.decode(Double.self)))
            }
        }
    }

    /// Answers every line of `input` on `output`, flushing as the buffer grows.
    static func run(input: Data, output: StandardOutput) {
        var output = output
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        let decoder = JSONDecoder()
        var lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines {
            answer(line: Data(line), decoder: decoder, into: &buffer)
            if buffer.count > 1 << 16 {
                output.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        output.write(buffer)
    }

    /// Appends the answer to one query line.
    static func answer(line: Data, decoder: JSONDecoder, into buffer: inout [UInt8]) {
        let query: Query
        do {
            query = try decoder.decode(Query.self, from: line)
        } catch {
            appendError(id: nil, "the line is not a JSON object with id, expr, tz, after and count", to: &buffer)
            return
        }
        do {
            guard let expr = query.expr else { throw CronBatchError("missing \"expr\"") }
            guard let after = query.after else { throw CronBatchError("missing \"after\"") }
            let count = query.count ?? 1
            guard (0...maximumCount).contains(count) else {
                throw CronBatchError("\"count\" must be from 0 to \(maximumCount)")
            }
            let cron = try CronExpression(expr)
            let zone = try TimeZone.named(query.tz ?? "UTC")
            let start = try Timestamp.date(from: after)

            let mark = buffer.count
            appendId(query.id, to: &buffer)
            buffer.append(contentsOf: #", "next": ["#.utf8)
            var iterator = cron.occurrences(after: start, in: zone).makeIterator()
            for index in 0..<count {
                guard let date = iterator.next() else {
                    buffer.removeSubrange(mark...)
                    throw CronBatchError("no occurrence within \(CronExpression.searchHorizonYears) years")
                }
                if index > 0 { buffer.append(contentsOf: #", ""#.utf8) } else { buffer.append(UInt8(ascii: "\"")) }
                Timestamp.append(date, to: &buffer)
                buffer.append(UInt8(ascii: "\""))
            }
            buffer.append(contentsOf: "]}\n".utf8)
        } catch let error as SchedulingError {
            appendError(id: query.id, error.description, to: &buffer)
        } catch {
            appendError(id: query.id, "\(error)", to: &buffer)
        }
    }

    private struct CronBatchError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private static func appendId(_ id: Identifier?, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"id": "#.utf8)
        switch id {
        case .text(let text): appendString(text, to: &buffer)
        case .number(let number): buffer.append(contentsOf: number.utf8)
        case nil: buffer.append(contentsOf: "null".utf8)
        }
    }

    private static func appendError(id: Identifier?, _ message: String, to buffer: inout [UInt8]) {
        appendId(id, to: &buffer)
        buffer.append(contentsOf: #", "error": "#.utf8)
        appendString(message, to: &buffer)
        buffer.append(contentsOf: "}\n".utf8)
    }

    /// Appends a JSON string literal.
    static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): buffer.append(contentsOf: #"\\"#.utf8)
            case 0x0A: buffer.append(contentsOf: #"\n"#.utf8)
            case 0x0D: buffer.append(contentsOf: #"\r"#.utf8)
            case 0x09: buffer.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.append(contentsOf: #"\u00"#.utf8)
                buffer.append(hex[Int(byte >> 4)])
                buffer.append(hex[Int(byte & 0xF)])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
