#pragma once

#include "logging/logentry.h"
#include "logging/redact.h"

#include <QWidget>

#include <optional>

class QPlainTextEdit;

namespace ango::app {

class JsonHighlighter;

// The fields of one entry, one per line, with the message in full; redacted.
QString logDetailHeaderText(const logging::LogEntry &entry, const logging::Redactor &redactor);
// The detail JSON indented, with secret-like keys and known secrets masked; empty when none.
QString logDetailJsonText(const nlohmann::json &detail, const logging::Redactor &redactor);

// The detail pane under the log table.
class LogDetailView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogDetailView)

public:
    explicit LogDetailView(QWidget *parent = nullptr);

    void setRedactor(const logging::Redactor *redactor); // not owned; null: keys only
    void setEntry(const std::optional<logging::LogEntry> &entry);
    QString headerText() const;
    QString jsonText() const;

private:
    QPlainTextEdit *m_header = nullptr;
    QPlainTextEdit *m_json = nullptr;
    JsonHighlighter *m_highlighter = nullptr;
    const logging::Redactor *m_redactor = nullptr;
};

} // namespace ango::app
