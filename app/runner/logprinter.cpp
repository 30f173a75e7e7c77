#include "logprinter.h"

#include <unistd.h>

#include <cerrno>

namespace ango::app {

LogPrinter::LogPrinter(LogFormat format, logging::Level minimumLevel)
    : m_format(format)
    , m_minimumLevel(minimumLevel)
{}

void LogPrinter::print(const logging::LogEntry &entry) const
{
    if (entry.level < m_minimumLevel)
        return;
    QByteArray line = m_format == LogFormat::Jsonl ? logging::toJsonLine(entry)
                                                   : logging::formatText(entry).toUtf8() + '\n';
    if (!line.endsWith('\n'))
        line.append('\n');
    // Unbuffered: a supervisor tailing the output sees each line as it happens, and a line is
    // never split across two writes unless the kernel says so (then the rest follows at once).
    const char *data = line.constData();
    qsizetype left = line.size();
    while (left > 0) {
        const ssize_t written = ::write(STDOUT_FILENO, data, size_t(left));
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return; // stdout is gone; nothing sensible to do
        }
        data += written;
        left -= written;
    }
}

} // namespace ango::app
