//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Testing

@testable import Scheduling

@Suite("Run identifiers")
struct RunIdentifiersTests {
    @Test("identifiers are version 4 UUIDs, distinct, and repeat only for the same seed")
    func identifiers() {
        var generator = RunIdentifiers()
        var seen = Set<UUID>()
        for _ in 0..<10_000 {
            let id = generator.nextIdentifier()
            let text = id.uuidString
            let version = text[text.index(text.startIndex, offsetBy: 14)]
            let variant = text[text.index(text.startIndex, offsetBy: 19)]
            #expect(version == "4", "\(text)")
            #expect("89AB".contains(variant), "\(text)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
        var first = RunIdentifiers(seed: (1, 2, 3, 4))
        var second = RunIdentifiers(seed: (1, 2, 3, 4))
        #expect(first.nextIdentifier() == second.nextIdentifier())
        var third = RunIdentifiers()
        var fourth = RunIdentifiers()
        #expect(third.nextIdentifier() != fourth.nextIdentifier())
        var zero = RunIdentifiers(seed: (0, 0, 0, 0))
        #expect(zero.next() != zero.next())
    }
}
