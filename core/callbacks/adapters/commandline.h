#pragma once

#include "common/result.h"

#include <QStringList>

// exec:COMMAND and the python interpreter setting are command lines as a shell reads them, so
// `sh -c 'echo a b'` means what it says. QProcess::splitCommand knows only double quotes.
namespace ango::callbacks::adapters {

// POSIX shell word splitting without expansions: blanks separate words; '…' is literal; "…" is
// literal but for \" \\ \$ \` and \newline; a backslash outside quotes takes the next character
// as is. An unterminated quote or a trailing backslash is an error naming the command.
Result<QStringList> splitShellWords(const QString &command);

} // namespace ango::callbacks::adapters
