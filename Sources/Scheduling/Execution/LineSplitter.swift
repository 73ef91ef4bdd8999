//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Cuts a byte stream into lines as its bytes arrive: each line goes out, without its line break
/// (`\n` or `\r\n`), once complete. A line longer than `limit` bytes (at least 1 KiB) goes out in
/// pieces of that many bytes, so that a process that never writes a line break cannot make it
/// grow without bound.
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
                if pending.count >= limit { flush() }
            }
        }
    }

    /// Hands over the last line when the stream ended without a line break.
    mutating func finish() {
        if !pending.isEmpty { flush() }
    }

    private mutating func flush() {
        emit(String(decoding: pending, as: UTF8.self))
        pending.removeAll(keepingCapacity: true)
    }
}
