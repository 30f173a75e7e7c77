#include "callbacks/adapters/pipes.h"

#include <QPointer>
#include <QSocketNotifier>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace ango::callbacks::adapters {

namespace {

constexpr qsizetype kReadChunk = 64 * 1024;
// Bounds one notifier activation so a chatty child cannot starve the event loop.
constexpr qsizetype kMaxReadPerActivation = 4 * 1024 * 1024;

void setNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

} // namespace

PipeFds makePipe()
{
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return {};
    return {fds[0], fds[1]};
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

PipeReader::PipeReader(int fd, qsizetype maxLine, QObject *parent, OverLong overLong)
    : QObject(parent)
    , m_fd(fd)
    , m_maxLine(maxLine)
    , m_overLong(overLong)
{
    setNonBlocking(m_fd);
    m_notifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &PipeReader::drain);
}

PipeReader::~PipeReader()
{
    close();
}

void PipeReader::drain()
{
    qsizetype total = 0;
    while (m_fd >= 0 && total < kMaxReadPerActivation) {
        const qsizetype before = m_buffer.size();
        m_buffer.resize(before + kReadChunk);
        const ssize_t n = ::read(m_fd, m_buffer.data() + before, size_t(kReadChunk));
        m_buffer.resize(before + qMax<qsizetype>(n, 0));
        if (n > 0) {
            total += n;
            if (!deliverLines())
                return;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        // End of file (or a read error, which means the same for us): the writer is gone.
        finish();
        return;
    }
}

void PipeReader::finish()
{
    if (m_fd >= 0) {
        // Whatever is still in the pipe belongs before the unterminated tail.
        m_notifier->setEnabled(false);
        for (;;) {
            char chunk[kReadChunk];
            const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            m_buffer.append(chunk, n);
            if (!deliverLines())
                return;
        }
    }
    close();
    if (std::exchange(m_discarding, false))
        m_buffer = QByteArray();
    if (!m_buffer.isEmpty()) {
        const QByteArray tail = std::exchange(m_buffer, {});
        m_scanned = 0;
        Q_EMIT lineRead(tail);
    }
}

bool PipeReader::deliverLines()
{
    QPointer<PipeReader> self(this);
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = m_buffer.indexOf('\n', qMax(start, m_scanned));
        if (m_discarding) {
            start = newline < 0 ? m_buffer.size() : newline + 1;
            m_scanned = start;
            if (newline < 0)
                break;
            m_discarding = false;
            continue;
        }
        if (newline < 0) {
            if (m_buffer.size() - start < m_maxLine)
                break;
            if (m_overLong == OverLong::Discard) {
                const qint64 seen = m_buffer.size() - start;
                m_discarding = true;
                start = m_buffer.size();
                m_scanned = start;
                Q_EMIT lineDiscarded(seen);
                if (!self)
                    return false;
                break;
            }
            const QByteArray piece = m_buffer.mid(start, m_maxLine);
            start += m_maxLine;
            m_scanned = start;
            Q_EMIT lineRead(piece);
            if (!self)
                return false;
            continue;
        }
        const QByteArray line = m_buffer.mid(start, newline - start);
        start = newline + 1;
        m_scanned = start;
        Q_EMIT lineRead(line);
        if (!self)
            return false;
    }
    m_buffer.remove(0, start);
    // remove() keeps the capacity: give back what a huge line took.
    if (m_buffer.capacity() > 4 * kReadChunk && m_buffer.size() < kReadChunk)
        m_buffer = QByteArray(m_buffer.constData(), m_buffer.size());
    m_scanned = qMax<qsizetype>(0, m_buffer.size());
    return true;
}

void PipeReader::close()
{
    if (m_notifier)
        m_notifier->setEnabled(false);
    closeFd(m_fd);
}

PipeWriter::PipeWriter(int fd, QObject *parent)
    : QObject(parent)
    , m_fd(fd)
{
    setNonBlocking(m_fd);
    m_notifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, this);
    m_notifier->setEnabled(false);
    connect(m_notifier, &QSocketNotifier::activated, this, &PipeWriter::flush);
}

PipeWriter::~PipeWriter()
{
    m_notifier->setEnabled(false);
    closeFd(m_fd);
}

void PipeWriter::write(const QByteArray &data)
{
    if (m_fd < 0)
        return;
    m_queue.append(data);
    flush();
}

void PipeWriter::flush()
{
    while (m_fd >= 0 && m_offset < m_queue.size()) {
        // QProcess ignores SIGPIPE for the whole process, so a dead reader shows up as EPIPE.
        const ssize_t n
            = ::write(m_fd, m_queue.constData() + m_offset, size_t(m_queue.size() - m_offset));
        if (n > 0) {
            m_offset += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            m_notifier->setEnabled(true);
            return;
        }
        m_notifier->setEnabled(false);
        closeFd(m_fd);
        m_queue.clear();
        m_offset = 0;
        Q_EMIT broken();
        return;
    }
    m_notifier->setEnabled(false);
    m_queue.clear();
    m_offset = 0;
}

} // namespace ango::callbacks::adapters
