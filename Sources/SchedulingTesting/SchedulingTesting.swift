//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Test support for code that uses `Scheduling`: a manual clock, test executors and the store
/// conformance suite, as they land.
public enum SchedulingTesting {}
