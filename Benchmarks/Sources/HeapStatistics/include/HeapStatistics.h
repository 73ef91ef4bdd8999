//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

// The allocator's own count of the bytes it has handed out, for the scheduler benchmark's soak
// report: resident memory that grows while this stays flat is fragmentation, not a leak.
#ifndef HEAP_STATISTICS_H
#define HEAP_STATISTICS_H

#include <stddef.h>

/// Bytes allocated and not freed, or 0 where the allocator does not tell.
size_t heap_statistics_bytes_in_use(void);

#endif
