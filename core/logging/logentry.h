#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

// One line of the console's log, shared by the runner, the log panel and the export. Values only:
// no state, no locking, so any thread may format its own entries.
namespace ango::logging {

class Redactor;

enum class Level { Debug, Info, Warning, Error };

QString levelName(Level level); // "debug", "info", "warning", "error"
std::optional<Level> levelFromName(QStringView name);

struct LogEntry
{
    QDateTime time;
    Level level = Level::Info;
    QString category;  // "hub", "callback", "rest", "runtime", ...
    QString direction; // "in", "out" or empty
    QString kind;      // event name or REST method
    QString session;
    QString status;
    qint64 durationMs = -1; // -1: not measured
    qint64 sizeBytes = -1;  // -1: not known
    QString message;
    nlohmann::json detail; // null: none
    quint64 id = 0;
};

// {"id", "time" (ISO-8601 UTC with milliseconds), "level", ...}; empty fields are left out.
nlohmann::json toJson(const LogEntry &entry);
Result<LogEntry> logEntryFromJson(const nlohmann::json &json);
// toJson() as one line of a JSON-lines file, newline included.
QByteArray toJsonLine(const LogEntry &entry);

// One readable line: "2024-05-01T12:00:00.123Z INFO hub in plugin session=s1 200 12 ms 340 B
// Plugin session is started! {detail}". Line breaks inside the message are shown as \n.
QString formatText(const LogEntry &entry);

// Callers redact before formatting: every text field and the detail.
LogEntry redactEntry(const Redactor &redactor, LogEntry entry);

} // namespace ango::logging
