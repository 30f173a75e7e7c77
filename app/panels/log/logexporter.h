#pragma once

#include "logging/redact.h"

#include <QObject>
#include <QPointer>

#include <memory>
#include <vector>

class QSaveFile;

namespace ango::app {

class LogModel;

// Writes log entries as JSON lines (logging::toJsonLine, redacted) to a file, a slice per turn
// of the event loop so that exporting a million entries leaves the window responsive. Entries
// evicted before their turn are skipped and counted. The file appears only when complete.
class LogExporter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogExporter)

public:
    static constexpr int kEntriesPerSlice = 2000;

    // seqs: LogModel sequence numbers (SeqRole), in the order to write.
    LogExporter(const LogModel *model, std::vector<quint64> seqs, QString path,
                logging::Redactor redactor, QObject *parent = nullptr);
    ~LogExporter() override;

    void start();
    void cancel();

    qsizetype written() const { return m_written; }
    qsizetype skipped() const { return m_skipped; }
    qsizetype total() const { return qsizetype(m_seqs.size()); }

    // One entry per line, redacted: what the exporter writes.
    static QByteArray jsonLines(const LogModel &model, const std::vector<quint64> &seqs,
                                const logging::Redactor &redactor);

Q_SIGNALS:
    void progressed(qsizetype done, qsizetype total);
    // message: the error, or a summary of what was written.
    void finished(bool ok, const QString &message);

private:
    void writeSlice();
    void fail(const QString &message);

    QPointer<const LogModel> m_model;
    std::vector<quint64> m_seqs;
    QString m_path;
    logging::Redactor m_redactor;
    std::unique_ptr<QSaveFile> m_file;
    std::size_t m_next = 0;
    qsizetype m_written = 0;
    qsizetype m_skipped = 0;
    bool m_done = false;
};

} // namespace ango::app
