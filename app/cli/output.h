#pragma once

#include <QByteArray>
#include <QString>

#include <cstdio>

// What the headless subcommands write, written at once: a CI log or a pipe sees each line when it
// happens, in order with the lines of the processes around it. Qt Core only.
namespace ango::cli {

inline void writeTo(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

// "ango-console <command>: <message>" on stderr, one line.
inline void printError(const char *command, const QString &message)
{
    writeTo(stderr, QByteArrayLiteral("ango-console ") + command + ": " + message.toUtf8() + '\n');
}

} // namespace ango::cli
