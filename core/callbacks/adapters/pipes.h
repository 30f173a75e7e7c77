#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;

// Non-blocking ends of the pipes to a child process, read and written on the Qt event loop.
// QProcess's own channels cannot carry our side channel (fds 3 and 4), and they give no way to
// read "everything the child wrote so far" without waiting, which the workers need to deliver a
// call's output before its result.
namespace ango::callbacks::adapters {

// A pipe created close-on-exec; both ends are -1 on failure (errno set).
struct PipeFds
{
    int readEnd = -1;
    int writeEnd = -1;
};
PipeFds makePipe();
void closeFd(int &fd);

// Splits what arrives on `fd` (owned) into lines without their '\n' (a trailing '\r' is kept:
// the reader of a protocol decides). A line longer than `maxLine` is delivered in pieces (Split),
// or reported by lineDiscarded() and dropped up to its '\n' (Discard), so memory stays bounded
// by maxLine plus one read.
class PipeReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipeReader)

public:
    enum class OverLong { Split, Discard };

    PipeReader(int fd, qsizetype maxLine, QObject *parent = nullptr,
               OverLong overLong = OverLong::Split);
    ~PipeReader() override;

    // Reads what the pipe holds right now and delivers the complete lines.
    void drain();
    // The writer is gone: drain, deliver an unterminated last line, close.
    void finish();
    bool isOpen() const { return m_fd >= 0; }

Q_SIGNALS:
    void lineRead(const QByteArray &line);
    // Discard mode: a line passed maxLine (`seen` bytes so far); the rest of it is dropped.
    void lineDiscarded(qint64 seen);

private:
    // False when this object was destroyed by a receiver of lineRead.
    bool deliverLines();
    void close();

    int m_fd = -1;
    qsizetype m_maxLine;
    OverLong m_overLong;
    bool m_discarding = false; // inside a line being dropped
    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_buffer;
    qsizetype m_scanned = 0; // bytes of m_buffer already known to hold no '\n'
};

// Queues writes to `fd` (owned) and sends them as the pipe accepts them.
class PipeWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipeWriter)

public:
    PipeWriter(int fd, QObject *parent = nullptr);
    ~PipeWriter() override;

    void write(const QByteArray &data);
    qsizetype pending() const { return m_queue.size() - m_offset; }

Q_SIGNALS:
    // The reader closed its end; queued data is dropped.
    void broken();

private:
    void flush();

    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_queue;
    qsizetype m_offset = 0;
};

} // namespace ango::callbacks::adapters
