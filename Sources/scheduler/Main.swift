//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import SchedulerCommand

@main
struct Main {
    static func main() async {
        await SchedulerCommand.runCommandLine()
    }
}
