#pragma once

#include <QString>

namespace ango::test {

// The source tree (peers, fixtures, resources) and the build tree, as configured by CMake.
inline QString sourcePath(const QString &relative)
{
    return QStringLiteral(ANGO_SOURCE_DIR "/") + relative;
}

inline QString binaryPath(const QString &relative)
{
    return QStringLiteral(ANGO_BINARY_DIR "/") + relative;
}

} // namespace ango::test
