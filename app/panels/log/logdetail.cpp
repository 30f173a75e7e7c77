#include "logdetail.h"

#include "panels/config/jsonhighlighter.h"

#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QVBoxLayout>

namespace ango::app {

namespace {

const logging::Redactor &defaultRedactor()
{
    static const logging::Redactor redactor; // masks secret-like keys even with no known secret
    return redactor;
}

} // namespace

QString logDetailHeaderText(const logging::LogEntry &original, const logging::Redactor &redactor)
{
    const logging::LogEntry entry = logging::redactEntry(redactor, original);
    QStringList lines;
    auto add = [&](const QString &name, const QString &value) {
        if (!value.isEmpty())
            lines << name.leftJustified(10) + value;
    };
    add(QStringLiteral("Time"),
        entry.time.isValid() ? entry.time.toUTC().toString(Qt::ISODateWithMs) : QString());
    add(QStringLiteral("Level"), logging::levelName(entry.level));
    add(QStringLiteral("Category"), entry.category);
    add(QStringLiteral("Direction"), entry.direction);
    add(QStringLiteral("Kind"), entry.kind);
    add(QStringLiteral("Session"), entry.session);
    add(QStringLiteral("Status"), entry.status);
    add(QStringLiteral("Duration"),
        entry.durationMs >= 0 ? QStringLiteral("%1 ms").arg(entry.durationMs) : QString());
    add(QStringLiteral("Size"),
        entry.sizeBytes >= 0 ? QStringLiteral("%1 bytes").arg(entry.sizeBytes) : QString());
    add(QStringLiteral("Id"), QString::number(entry.id));
    if (!entry.message.isEmpty())
        lines << QString() << entry.message;
    return lines.join(u'\n');
}

QString logDetailJsonText(const nlohmann::json &detail, const logging::Redactor &redactor)
{
    if (detail.is_null())
        return QString();
    const nlohmann::json redacted = redactor.redact(detail);
    return QString::fromStdString(
        redacted.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

LogDetailView::LogDetailView(QWidget *parent)
    : QWidget(parent)
    , m_header(new QPlainTextEdit(this))
    , m_json(new QPlainTextEdit(this))
{
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_header->setObjectName(QStringLiteral("logDetailHeader"));
    m_json->setObjectName(QStringLiteral("logDetailJson"));
    for (QPlainTextEdit *edit : {m_header, m_json}) {
        edit->setReadOnly(true);
        edit->setFont(fixed);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    m_header->setPlaceholderText(tr("Select an entry to see it in full."));
    m_json->setPlaceholderText(tr("No detail"));
    m_highlighter = new JsonHighlighter(m_json->document());

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_header);
    splitter->addWidget(m_json);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
}

void LogDetailView::setRedactor(const logging::Redactor *redactor)
{
    m_redactor = redactor;
}

void LogDetailView::setEntry(const std::optional<logging::LogEntry> &entry)
{
    if (!entry) {
        m_header->clear();
        m_json->clear();
        return;
    }
    const logging::Redactor &redactor = m_redactor ? *m_redactor : defaultRedactor();
    m_header->setPlainText(logDetailHeaderText(*entry, redactor));
    m_json->setPlainText(logDetailJsonText(entry->detail, redactor));
}

QString LogDetailView::headerText() const
{
    return m_header->toPlainText();
}

QString LogDetailView::jsonText() const
{
    return m_json->toPlainText();
}

} // namespace ango::app
