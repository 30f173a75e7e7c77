#pragma once

#include "logging/logentry.h"
#include "runoptions.h"

// Writes log entries to stdout, one whole line per write() so lines never interleave with other
// writers, in the chosen format and from the chosen level up.
namespace ango::app {

class LogPrinter
{
public:
    LogPrinter(LogFormat format, logging::Level minimumLevel);

    void print(const logging::LogEntry &entry) const;

private:
    LogFormat m_format;
    logging::Level m_minimumLevel;
};

} // namespace ango::app
