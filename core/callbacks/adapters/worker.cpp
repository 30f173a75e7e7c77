#include "callbacks/adapters/worker.h"

namespace ango::callbacks::adapters {

namespace {
constexpr int kStderrTailLines = 12;
}

Worker::Worker(QObject *parent)
    : QObject(parent)
{}

Worker::~Worker() = default; // the ChildProcess child kills the process

qint64 Worker::processId() const
{
    return m_child ? m_child->processId() : 0;
}

void Worker::start()
{
    if (m_phase == Phase::Stopping) {
        m_startAfterStop = true;
        return;
    }
    if (m_phase == Phase::Stopped)
        spawn();
}

void Worker::restart()
{
    m_call.reset();
    if (m_phase == Phase::Stopped) {
        spawn();
        return;
    }
    m_startAfterStop = true;
    if (m_phase != Phase::Stopping) {
        m_phase = Phase::Stopping;
        m_child->kill();
    }
}

void Worker::stop()
{
    m_call.reset();
    m_startAfterStop = false;
    if (m_phase == Phase::Stopped || m_phase == Phase::Stopping)
        return;
    m_phase = Phase::Stopping;
    m_child->kill();
}

void Worker::run(quint64 callId, const nlohmann::json &request)
{
    Q_ASSERT(m_phase == Phase::Idle);
    m_phase = Phase::Busy;
    m_call = callId;
    reportSuppressedOutput(); // of the time between calls
    m_outputLines = 0;
    m_outputBytes = 0;
    m_child->send(encodeCall(callId, request));
}

void Worker::spawn()
{
    if (m_child)
        m_child->deleteLater();
    m_phase = Phase::Starting;
    m_startAfterStop = false;
    m_loadFailed = false;
    m_protocolError.clear();
    m_stderrTail.clear();
    m_child = new ChildProcess(this);
    connect(m_child, &ChildProcess::frameReceived, this, [this](const QByteArray &frame) {
        // Frames of a process being killed (a cancelled call) are stale.
        if (m_phase != Phase::Stopping && m_phase != Phase::Stopped)
            handleFrame(frame);
    });
    connect(m_child, &ChildProcess::outputLine, this, &Worker::onOutputLine);
    connect(m_child, &ChildProcess::frameTooLong, this, &Worker::onFrameTooLong);
    connect(m_child, &ChildProcess::started, this, [this] {
        if (m_phase == Phase::Starting && readyWhenStarted())
            markReady();
    });
    ChildProcess *child = m_child;
    connect(m_child, &ChildProcess::exited, this, [this, child](const ChildExit &exit) {
        if (child == m_child)
            onExited(exit);
    });
    ChildSpec spec = spawnSpec();
    spec.maxFrameBytes = m_maxResultBytes;
    if (auto started = m_child->start(spec); !started) {
        m_phase = Phase::Stopped;
        m_loadFailed = true;
        Q_EMIT loadFailed(started.error());
    }
}

void Worker::onOutputLine(const QString &line, bool isError)
{
    if (isError) {
        m_stderrTail.append(line.left(1024));
        if (m_stderrTail.size() > kStderrTailLines)
            m_stderrTail.removeFirst();
    }
    ++m_outputLines;
    m_outputBytes += line.size();
    if (m_outputLines > kMaxOutputLinesPerCall || m_outputBytes > kMaxOutputBytesPerCall) {
        ++m_suppressedLines;
        m_suppressedBytes += line.size();
        return;
    }
    Q_EMIT outputLine(line, isError);
}

void Worker::reportSuppressedOutput()
{
    if (m_suppressedLines == 0)
        return;
    const QString summary
        = QStringLiteral("%1: %2 more lines (%3 characters) of output not shown (at most %4 lines "
                         "or %5 bytes per call)")
              .arg(processName())
              .arg(std::exchange(m_suppressedLines, 0))
              .arg(std::exchange(m_suppressedBytes, 0))
              .arg(kMaxOutputLinesPerCall)
              .arg(kMaxOutputBytesPerCall);
    Q_EMIT outputLine(summary, true);
}

void Worker::onFrameTooLong(qint64 seen)
{
    const QString what = QStringLiteral("%1 sent a result of more than %2 bytes (%3 read so far; "
                                        "the maxResultBytes limit is %2)")
                             .arg(processName())
                             .arg(m_maxResultBytes)
                             .arg(seen);
    if (m_phase == Phase::Busy) {
        finishCall(makeError(what)); // the rest of the line is dropped as it arrives
        return;
    }
    if (m_phase == Phase::Starting)
        protocolError(what);
}

void Worker::markReady()
{
    if (m_phase != Phase::Starting)
        return;
    m_phase = Phase::Idle;
    Q_EMIT ready();
}

void Worker::finishCall(Result<nlohmann::json> result)
{
    if (m_phase != Phase::Busy || !m_call)
        return;
    const quint64 id = *std::exchange(m_call, std::nullopt);
    m_phase = Phase::Idle;
    reportSuppressedOutput();
    m_outputLines = 0;
    m_outputBytes = 0;
    Q_EMIT callFinished(id, result);
}

void Worker::failLoad(Error error)
{
    if (m_phase != Phase::Starting)
        return;
    m_loadFailed = true;
    m_phase = Phase::Stopping; // the process exits by itself or is killed; nothing restarts it
    m_child->kill();
    Q_EMIT loadFailed(error);
}

void Worker::protocolError(const QString &what)
{
    m_protocolError = what;
    m_child->kill(); // reported from onExited with the call or the start it broke
}

QString Worker::stderrTail() const
{
    return m_stderrTail.join(QLatin1Char('\n'));
}

void Worker::onExited(const ChildExit &exit)
{
    const Phase phase = std::exchange(m_phase, Phase::Stopped);
    const std::optional<quint64> call = std::exchange(m_call, std::nullopt);
    reportSuppressedOutput();
    QString what = QStringLiteral("%1 (pid %2) %3")
                       .arg(processName())
                       .arg(m_child->processId())
                       .arg(exit.describe());
    if (exit.kind == ChildExit::Kind::FailedToStart)
        what = QStringLiteral("%1 %2").arg(processName(), exit.describe());
    if (!m_protocolError.isEmpty())
        what = QStringLiteral("%1; %2 was stopped").arg(m_protocolError, processName());

    switch (phase) {
    case Phase::Stopping:
        if (std::exchange(m_startAfterStop, false))
            spawn();
        else
            Q_EMIT stopped();
        return;
    case Phase::Starting: {
        if (m_loadFailed)
            return;
        m_loadFailed = true;
        QString message = exit.kind == ChildExit::Kind::FailedToStart
                              ? what
                              : QStringLiteral("%1 before it was ready").arg(what);
        if (const QString tail = stderrTail(); !tail.isEmpty())
            message += QStringLiteral("; its last output:\n") + tail;
        Q_EMIT loadFailed(makeError(message));
        return;
    }
    case Phase::Busy:
    case Phase::Idle:
        Q_EMIT crashed(what, call);
        return;
    case Phase::Stopped:
        return;
    }
}

} // namespace ango::callbacks::adapters
