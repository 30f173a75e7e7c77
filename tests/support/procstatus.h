#pragma once

#include <QtGlobal>

namespace ango::test {

// The kB of a "VmHWM:" or "VmRSS:" line of /proc/self/status; -1 where there is none. Tests
// that feed a lot of hostile input use it to show the memory stays bounded.
qint64 procStatusKb(const char *field);

} // namespace ango::test
