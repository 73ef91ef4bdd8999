//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Stable 64-bit hashing: the same value in every process and on every machine, unlike `Hasher`.
///
/// Deterministic jitter needs it: every instance must compute the same jittered instant.
enum StableHash {
    /// FNV-1a over the bytes of a string, then ``mix(_:)``.
    static func hash(_ text: String, _ value: Int64) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return mix(hash ^ UInt64(bitPattern: value))
    }

    /// The SplitMix64 finaliser: spreads every input bit over the output.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
