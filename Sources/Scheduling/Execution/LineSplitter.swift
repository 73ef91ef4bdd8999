//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Cuts a byte stream into lines as its bytes arrive: each line goes out, without its line break
/// (`\n` or `\r\n`), once complete. A line longer than `limit` bytes (at least 1 KiB) goes out in
/// pieces of at most that many bytes, cut between UTF-8 characters, so that a process that never
/// writes a line break cannot make it grow without bound.
struct LineSplitter {
    private var pending: [UInt8] = []
    private let limit: Int
    private let emit: (String) -> Void

    /// Creates a splitter that hands each line to `emit`.
    init(limit: Int, emit: @escaping (String) -> Void) {
        self.limit = max(1024, limit)
        self.emit = emit
    }

    /// Takes the next bytes of the stream, handing over the lines they complete.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                flush()
            } else {
                pending.append(byte)
                if pending.count >= limit { flushPiece() }
            }
        }
    }

    /// Hands over the last line when the stream ended without a line break.
    mutating func finish() {
        if !pending.isEmpty { flush() }
    }

    /// Hands over a full piece of a long line, cut before a character that the limit would
    /// split, so that every piece decodes as the text it holds.
    private mutating func flushPiece() {
        // The last character begins at its lead byte, before its continuation bytes.
        var lead = pending.count - 1
        while lead > 0, pending[lead] & 0xC0 == 0x80 { lead -= 1 }
        // A character still incomplete goes with the next piece.
        let cut = pending.count - lead < Self.length(leading: pending[lead]) ? lead : pending.count
        guard cut > 0 else { return flush() }
        emit(String(decoding: pending[..<cut], as: UTF8.self))
        pending.removeFirst(cut)
    }

    /// How many bytes the UTF-8 character that `byte` leads takes (1 for anything else).
    private static func length(leading byte: UInt8) -> Int {
        switch byte {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }

    private mutating func flush() {
        emit(String(decoding: pending, as: UTF8.self))
        pending.removeAll(keepingCapacity: true)
    }
}
