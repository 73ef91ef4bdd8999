//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Typed, checkpointed pipelines that run on ``Scheduling`` schedules.
///
/// The module is being built; this namespace anchors its documentation until the stages land.
public enum Pipelines {}
