#include "callbacks/adapters/childprocess.h"

#include "callbacks/adapters/pipes.h"

#include <QPointer>
#include <QProcess>
#include <QSet>

#include <array>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace ango::callbacks::adapters {

namespace {

constexpr qsizetype kMaxOutputLine = 64 * 1024;
// Frames carry the result plus the bridge's envelope.
constexpr qint64 kFrameEnvelope = 64 * 1024;

QString signalName(int signal)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    if (const char *abbrev = ::sigabbrev_np(signal))
        return QStringLiteral("SIG") + QString::fromLatin1(abbrev);
#endif
    return QString::fromLocal8Bit(::strsignal(signal));
}

QString decodeLine(QByteArray line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}

// Where each of the child's descriptors comes from, set up between fork and exec.
struct FdPlan
{
    std::array<int, 5> source{};
    std::array<int, 5> target{};
    int count = 0;

    void add(int from, int to)
    {
        source[count] = from;
        target[count] = to;
        ++count;
    }
};

// Runs in the forked child: only async-signal-safe calls. Every source is first moved above
// the target range, because a source may already sit on another entry's target number.
void applyPlan(const FdPlan &plan)
{
    // Our own process group, so the group can be ended with everything the child started.
    ::setpgid(0, 0);
    std::array<int, 5> moved{};
    for (int i = 0; i < plan.count; ++i) {
        moved[i] = ::fcntl(plan.source[i], F_DUPFD_CLOEXEC, 10);
        if (moved[i] < 0)
            ::_exit(127);
    }
    for (int i = 0; i < plan.count; ++i) {
        if (::dup2(moved[i], plan.target[i]) < 0) // dup2 clears close-on-exec on the target
            ::_exit(127);
    }
}

} // namespace

QString ChildExit::describe() const
{
    switch (kind) {
    case Kind::FailedToStart:
        return QStringLiteral("could not be started: %1").arg(startError);
    case Kind::Exited:
        return QStringLiteral("exited with code %1").arg(code);
    case Kind::Signalled:
        return QStringLiteral("was killed by signal %1 (%2)").arg(code).arg(signalName(code));
    }
    return {};
}

ChildProcess::ChildProcess(QObject *parent)
    : QObject(parent)
{}

// Killed children still being reaped. Their QProcess objects are owned here, so one that is
// still running when the program exits is accounted for, not lost.
static QSet<QProcess *> &reaping()
{
    // Never destroyed: static destructors run before the exit, and the set must still hold the
    // processes then.
    static auto *processes = new QSet<QProcess *>;
    return *processes;
}

ChildProcess::~ChildProcess()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        // Reaped in the background: QProcess's destructor would block until the child is gone.
        QProcess *process = m_process;
        process->disconnect(this);
        process->setParent(nullptr);
        reaping().insert(process);
        connect(process, &QProcess::finished, process, [process] {
            reaping().remove(process);
            process->deleteLater();
        });
        ::kill(-pid_t(m_pid), SIGKILL);
        process->kill();
    }
}

Result<void> ChildProcess::start(const ChildSpec &spec)
{
    Q_ASSERT(!m_process);
    const bool side = spec.layout == ChildSpec::Layout::SideChannel;
    PipeFds requests = makePipe();
    PipeFds out = makePipe();
    PipeFds err = makePipe();
    PipeFds frames = side ? makePipe() : PipeFds{};
    int devNull = side ? ::open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
    auto closeAll = [&] {
        for (int *fd : {&requests.readEnd, &requests.writeEnd, &out.readEnd, &out.writeEnd,
                        &err.readEnd, &err.writeEnd, &frames.readEnd, &frames.writeEnd, &devNull})
            closeFd(*fd);
    };
    if (requests.readEnd < 0 || out.readEnd < 0 || err.readEnd < 0
        || (side && (frames.readEnd < 0 || devNull < 0))) {
        const QString reason = QString::fromLocal8Bit(::strerror(errno));
        closeAll();
        return makeError(
            QStringLiteral("cannot create pipes for %1: %2").arg(spec.program, reason));
    }

    FdPlan plan;
    if (side) {
        plan.add(devNull, 0);
        plan.add(out.writeEnd, 1);
        plan.add(err.writeEnd, 2);
        plan.add(requests.readEnd, kRequestFd);
        plan.add(frames.writeEnd, kFrameFd);
    } else {
        plan.add(requests.readEnd, 0);
        plan.add(out.writeEnd, 1);
        plan.add(err.writeEnd, 2);
    }

    m_process = new QProcess(this);
    m_process->setProgram(spec.program);
    m_process->setArguments(spec.arguments);
    QProcessEnvironment environment = spec.environment;
    // The plugin secret is the runner's, not the author's code's.
    environment.remove(QStringLiteral("ANGO_PLUGIN_SECRET"));
    m_process->setProcessEnvironment(environment);
    m_process->setWorkingDirectory(spec.workingDirectory);
    // Our pipes replace the standard channels in the child, so QProcess must not make its own.
    m_process->setProcessChannelMode(QProcess::ForwardedChannels);
    m_process->setInputChannelMode(QProcess::ForwardedInputChannel);
    m_process->setChildProcessModifier([plan] { applyPlan(plan); });

    m_requests = new PipeWriter(std::exchange(requests.writeEnd, -1), this);
    const qsizetype maxFrame = qsizetype(std::max<qint64>(spec.maxFrameBytes, 1) + kFrameEnvelope);
    if (side) {
        m_frames = new PipeReader(std::exchange(frames.readEnd, -1), maxFrame, this,
                                  PipeReader::OverLong::Discard);
        m_stdout = new PipeReader(std::exchange(out.readEnd, -1), kMaxOutputLine, this);
        connect(m_stdout, &PipeReader::lineRead, this,
                [this](const QByteArray &line) { Q_EMIT outputLine(decodeLine(line), false); });
    } else {
        m_frames = new PipeReader(std::exchange(out.readEnd, -1), maxFrame, this,
                                  PipeReader::OverLong::Discard);
    }
    connect(m_frames, &PipeReader::lineDiscarded, this, &ChildProcess::frameTooLong);
    m_stderr = new PipeReader(std::exchange(err.readEnd, -1), kMaxOutputLine, this);
    connect(m_stderr, &PipeReader::lineRead, this,
            [this](const QByteArray &line) { Q_EMIT outputLine(decodeLine(line), true); });
    connect(m_frames, &PipeReader::lineRead, this, &ChildProcess::onFrame);

    connect(m_process, &QProcess::started, this, &ChildProcess::started);
    connect(m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        onFinished(code, status == QProcess::CrashExit);
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart || m_exited)
            return;
        m_exited = true;
        const ChildExit exit{ChildExit::Kind::FailedToStart, 0, m_process->errorString()};
        closeChannels();
        Q_EMIT exited(exit);
    });

    m_process->start();
    m_pid = m_process->processId();
    if (m_pid > 0)
        ::setpgid(pid_t(m_pid), pid_t(m_pid)); // as the child does: whoever runs first wins
    // The fork happened inside start(): the child holds its ends now; ours must go, or we would
    // never see end-of-file on its output.
    closeAll();
    return {};
}

void ChildProcess::send(const QByteArray &line)
{
    if (m_requests)
        m_requests->write(line + '\n');
}

void ChildProcess::kill()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        killGroup();
        m_process->kill();
    }
}

void ChildProcess::killGroup()
{
    // The group outlives its leader while a member lives, and its id is not handed out again
    // until then, so this cannot hit a stranger once the leader is reaped.
    if (m_pid > 0)
        ::kill(-pid_t(m_pid), SIGKILL);
}

bool ChildProcess::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running && !m_exited;
}

qint64 ChildProcess::processId() const
{
    return m_pid;
}

void ChildProcess::onFrame(const QByteArray &line)
{
    QPointer<ChildProcess> self(this);
    drainOutput();
    if (self)
        Q_EMIT frameReceived(line);
}

void ChildProcess::drainOutput()
{
    QPointer<ChildProcess> self(this);
    if (m_stderr)
        m_stderr->drain();
    if (self && m_stdout)
        m_stdout->drain();
}

void ChildProcess::onFinished(int code, bool crashed)
{
    if (m_exited)
        return;
    m_exited = true;
    QPointer<ChildProcess> self(this);
    // Deliver everything the child wrote; frames last, each after the output written before it.
    for (PipeReader *reader : {m_stderr, m_stdout, m_frames}) {
        if (reader)
            reader->finish();
        if (!self)
            return;
    }
    closeChannels();
    // What the child left behind in its group (a callback's own subprocesses) ends with it.
    killGroup();
    // Qt reports the signal number as the exit code of a crashed child.
    Q_EMIT exited(
        ChildExit{crashed ? ChildExit::Kind::Signalled : ChildExit::Kind::Exited, code, {}});
}

void ChildProcess::closeChannels()
{
    for (QObject *channel :
         std::initializer_list<QObject *>{m_requests, m_frames, m_stdout, m_stderr}) {
        if (channel)
            channel->deleteLater();
    }
    m_requests = nullptr;
    m_frames = nullptr;
    m_stdout = nullptr;
    m_stderr = nullptr;
}

} // namespace ango::callbacks::adapters
