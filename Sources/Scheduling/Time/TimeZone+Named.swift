//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import Foundation

extension TimeZone {
    private static let knownIdentifiers = TimeZone.knownTimeZoneIdentifiers + ["UTC"]

    /// The zone with an IANA identifier such as `America/New_York` or `UTC`.
    ///
    /// Unlike `TimeZone(identifier:)`, this accepts only names from the IANA database, so
    /// offsets such as `GMT+5` and paths are rejected rather than guessed at.
    ///
    /// ```swift
    /// let chicago = try TimeZone.named("America/Chicago")
    /// ```
    ///
    /// - Parameter identifier: The IANA name, case-sensitive.
    /// - Returns: The zone.
    /// - Throws: ``SchedulingError`` with code ``SchedulingError/Code/unknownTimeZone`` when the
    ///   name is not known, suggesting a close name where there is one.
    public static func named(_ identifier: String) throws(SchedulingError) -> TimeZone {
        // Foundation also accepts offsets ("GMT+5" becomes "GMT+0500"); an IANA name comes back unchanged.
        if let zone = TimeZone(identifier: identifier), zone.identifier == identifier || identifier == "UTC" {
            return zone
        }
        let lowered = identifier.lowercased()
        let suggestion =
            knownIdentifiers.first { $0.lowercased() == lowered }
            ?? knownIdentifiers.first { $0.lowercased().hasSuffix("/" + lowered) }
        throw SchedulingError(
            .unknownTimeZone,
            message: "unknown time zone \"\(identifier)\"",
            suggestion: suggestion.map { "did you mean \($0)?" }
                ?? "use an IANA name such as America/New_York, Europe/Berlin or UTC"
        )
    }
}
