#pragma once

#include <QTest>
#include <QtGlobal>

namespace ango::test {

// The kB of a "VmHWM:" or "VmRSS:" line of /proc/self/status; -1 where there is none. Tests
// that feed a lot of hostile input use it to show the memory stays bounded.
qint64 procStatusKb(const char *field);

} // namespace ango::test

// ASan's redzones and quarantine add to the resident size: memory bounds are asserted in the dev
// build only.
#if defined(__SANITIZE_ADDRESS__)
#define ANGO_SKIP_MEMORY_BOUNDS_UNDER_ASAN()                                                       \
    QSKIP("memory bounds are asserted in the dev build: ASan changes the resident size")
#else
#define ANGO_SKIP_MEMORY_BOUNDS_UNDER_ASAN()                                                       \
    do {                                                                                           \
    } while (false)
#endif
