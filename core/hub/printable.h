#pragma once

#include <QString>
#include <QStringView>

// Text from the network (request paths, queries, plugin ids, event names) on its way into a log
// line or a terminal: C0 and C1 control characters, DEL and the line/paragraph separators are
// written as \xNN / \uNNNN escapes, so ESC, NUL or CR from a stranger never reach a terminal or
// a log file raw.
namespace ango::hub {

QString printable(QStringView text);

} // namespace ango::hub
