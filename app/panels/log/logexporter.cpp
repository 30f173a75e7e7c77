#include "logexporter.h"

#include "logmodel.h"

#include <QSaveFile>
#include <QTimer>

namespace ango::app {

LogExporter::LogExporter(const LogModel *model, std::vector<quint64> seqs, QString path,
                         logging::Redactor redactor, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_seqs(std::move(seqs))
    , m_path(std::move(path))
    , m_redactor(std::move(redactor))
{}

LogExporter::~LogExporter() = default;

QByteArray LogExporter::jsonLines(const LogModel &model, const std::vector<quint64> &seqs,
                                  const logging::Redactor &redactor)
{
    QByteArray lines;
    for (quint64 seq : seqs) {
        const int row = model.rowOfSeq(seq);
        if (row >= 0)
            lines += logging::toJsonLine(logging::redactEntry(redactor, model.entry(row)));
    }
    return lines;
}

void LogExporter::start()
{
    m_file = std::make_unique<QSaveFile>(m_path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        // Reported from the event loop, like every other outcome, so callers connect first.
        QTimer::singleShot(0, this, [this, error = m_file->errorString()] {
            fail(tr("Cannot write %1: %2").arg(m_path, error));
        });
        return;
    }
    QTimer::singleShot(0, this, &LogExporter::writeSlice);
}

void LogExporter::cancel()
{
    if (m_done)
        return;
    if (m_file)
        m_file->cancelWriting();
    fail(tr("Export cancelled"));
}

void LogExporter::writeSlice()
{
    if (m_done)
        return;
    if (!m_model) {
        m_file->cancelWriting();
        fail(tr("The log was closed during the export"));
        return;
    }
    const std::size_t end = std::min(m_seqs.size(), m_next + std::size_t(kEntriesPerSlice));
    QByteArray chunk;
    for (; m_next < end; ++m_next) {
        const int row = m_model->rowOfSeq(m_seqs[m_next]);
        if (row < 0) {
            ++m_skipped;
            continue;
        }
        chunk += logging::toJsonLine(logging::redactEntry(m_redactor, m_model->entry(row)));
        ++m_written;
    }
    if (m_file->write(chunk) != chunk.size()) {
        const QString error = m_file->errorString();
        m_file->cancelWriting();
        fail(tr("Cannot write %1: %2").arg(m_path, error));
        return;
    }
    Q_EMIT progressed(qsizetype(m_next), total());
    if (m_next < m_seqs.size()) {
        QTimer::singleShot(0, this, &LogExporter::writeSlice);
        return;
    }
    if (!m_file->commit()) {
        fail(tr("Cannot write %1: %2").arg(m_path, m_file->errorString()));
        return;
    }
    m_done = true;
    QString summary = tr("%n entries exported to %1", nullptr, int(m_written)).arg(m_path);
    if (m_skipped > 0)
        summary += tr(" (%n left the log before they were written)", nullptr, int(m_skipped));
    Q_EMIT finished(true, summary);
}

void LogExporter::fail(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT finished(false, message);
}

} // namespace ango::app
