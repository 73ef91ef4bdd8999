//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

/// One occurrence of a schedule: the unit a store's claim makes exclusive.
public struct Occurrence: Sendable, Hashable {
    /// The schedule's name.
    public var schedule: String
    /// The occurrence's nominal instant.
    public var instant: Date

    /// Creates an occurrence.
    public init(schedule: String, instant: Date) {
        self.schedule = schedule
        self.instant = instant
    }
}
