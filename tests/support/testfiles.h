#pragma once

#include <QByteArray>
#include <QString>

namespace ango::test {

// Writes `bytes` to `path` (replacing what is there); fails the running test where it cannot.
void writeFile(const QString &path, const QByteArray &bytes);

} // namespace ango::test
