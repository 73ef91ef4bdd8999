//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation

/// Random run identifiers (version 4 UUIDs) drawn from a generator seeded once.
///
/// `UUID()` reads the system's random source for every identifier, which costs more than the
/// rest of a no-op run. The scheduler instead seeds xoshiro256** once from the system's random
/// source and draws 122 random bits per run from it: identifiers stay unique across processes
/// and machines without a system call each.
struct RunIdentifiers: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator seeded from the system's random source.
    init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: (system.next(), system.next(), system.next(), system.next()))
    }

    /// Creates a generator with a fixed seed (tests); an all-zero seed is replaced by a fixed one.
    init(seed: (UInt64, UInt64, UInt64, UInt64)) {
        state = seed
        if state == (0, 0, 0, 0) { state = (0x9e37_79b9_7f4a_7c15, 1, 2, 3) }
    }

    /// The next 64 random bits (xoshiro256**).
    mutating func next() -> UInt64 {
        let result = (state.1 &* 5).rotatedLeft(by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = state.3.rotatedLeft(by: 45)
        return result
    }

    /// A new random (version 4, RFC 9562 variant) identifier.
    mutating func nextIdentifier() -> UUID {
        let high = next()
        let low = next()
        let version = (high & ~0xF000) | 0x4000
        let variant = (low & ~(0xC000 << 48)) | (0x8000 << 48)
        return withUnsafeBytes(of: (version.bigEndian, variant.bigEndian)) { bytes in
            UUID(
                uuid: (
                    bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                    bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
                )
            )
        }
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
