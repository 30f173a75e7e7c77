#include "peerprocess.h"

#include "testpaths.h"

#include <QFileInfo>
#include <QMetaMethod>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTimer>

#include <csignal>

namespace ango::test {

namespace {

// Keeps the end of a chatty peer's stderr (DEBUG_PEER=1 logs every packet).
constexpr qsizetype kMaxCapturedStderr = 256 * 1024;
constexpr int kTerminateGraceMs = 3000;

// ANGO_PEER_LOG=1 mirrors the peers' output into the test log while it happens, which is what
// one wants when a test hangs rather than fails.
bool mirrorPeerOutput()
{
    return qEnvironmentVariable("ANGO_PEER_LOG") == QLatin1String("1");
}

} // namespace

PeerProcess::PeerProcess(QString program, QStringList arguments,
                         QMap<QString, QString> extraEnvironment, QObject *parent)
    : QObject(parent)
    , m_program(std::move(program))
    , m_arguments(std::move(arguments))
{
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1"));
    for (auto it = extraEnvironment.cbegin(); it != extraEnvironment.cend(); ++it)
        environment.insert(it.key(), it.value());
    m_process.setProcessEnvironment(environment);
    m_process.setProgram(m_program);
    m_process.setArguments(m_arguments);
    if (!m_arguments.isEmpty())
        m_process.setWorkingDirectory(QFileInfo(m_arguments.constFirst()).absolutePath());

    connect(&m_process, &QProcess::readyReadStandardOutput, this, &PeerProcess::readStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this, &PeerProcess::readStderr);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            m_stderr
                += QStringLiteral("[harness] failed to start: %1\n").arg(m_process.errorString());
    });
    connect(&m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) {
                m_paused = false;
                Q_EMIT finished(exitCode, status);
            });
}

PeerProcess::~PeerProcess()
{
    disconnect(&m_process, nullptr, this, nullptr);
    if (m_process.state() == QProcess::NotRunning)
        return;
    // A stopped process still dies from SIGKILL; waiting reaps it so QProcess does not warn.
    m_process.kill();
    m_process.waitForFinished(5000);
}

void PeerProcess::killAndDrain()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    readStdout();
}

void PeerProcess::start()
{
    m_port = 0;
    m_stdoutLine.clear();
    m_process.start();
}

void PeerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    if (m_paused)
        resume(); // SIGTERM stays pending on a stopped process
    m_process.terminate();
    QTimer::singleShot(kTerminateGraceMs, this, [this] {
        if (m_process.state() != QProcess::NotRunning)
            m_process.kill();
    });
}

void PeerProcess::kill()
{
    if (m_process.state() != QProcess::NotRunning)
        m_process.kill();
}

bool PeerProcess::pause()
{
    if (m_process.state() != QProcess::Running || ::kill(pid_t(pid()), SIGSTOP) != 0)
        return false;
    m_paused = true;
    return true;
}

bool PeerProcess::resume()
{
    if (m_process.state() != QProcess::Running || ::kill(pid_t(pid()), SIGCONT) != 0)
        return false;
    m_paused = false;
    return true;
}

bool PeerProcess::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

qint64 PeerProcess::pid() const
{
    return m_process.processId();
}

void PeerProcess::write(const QByteArray &data)
{
    m_process.write(data);
}

QString PeerProcess::diagnostics() const
{
    QString state;
    if (isRunning())
        state = m_paused ? QStringLiteral("running (paused)") : QStringLiteral("running");
    else if (m_process.error() == QProcess::FailedToStart)
        state = QStringLiteral("never started");
    else
        state = QStringLiteral("exited, status %1, code %2")
                    .arg(m_process.exitStatus() == QProcess::NormalExit ? QStringLiteral("normal")
                                                                        : QStringLiteral("crashed"))
                    .arg(m_process.exitCode());
    return QStringLiteral("peer `%1 %2` (port %3) %4\n--- peer output ---\n%5")
        .arg(m_program, m_arguments.join(QLatin1Char(' ')))
        .arg(m_port)
        .arg(state, m_stderr.right(8000));
}

void PeerProcess::readStdout()
{
    m_stdoutLine += m_process.readAllStandardOutput();
    qsizetype newline;
    while ((newline = m_stdoutLine.indexOf('\n')) >= 0) {
        const QByteArray line = m_stdoutLine.left(newline).trimmed();
        m_stdoutLine.remove(0, newline + 1);
        if (m_port == 0 && line.startsWith("PORT=")) {
            bool ok = false;
            const int port = line.mid(5).toInt(&ok);
            if (ok && port > 0) {
                m_port = port;
                Q_EMIT ready(port);
                continue;
            }
        }
        static const QMetaMethod lineSignal = QMetaMethod::fromSignal(&PeerProcess::lineReceived);
        if (isSignalConnected(lineSignal))
            Q_EMIT lineReceived(line);
        else
            m_stderr += QStringLiteral("[stdout] ") + QString::fromUtf8(line) + QLatin1Char('\n');
    }
}

void PeerProcess::readStderr()
{
    const QString text = QString::fromUtf8(m_process.readAllStandardError());
    if (mirrorPeerOutput())
        qInfo().noquote() << "[peer]" << text.trimmed();
    m_stderr += text;
    if (m_stderr.size() > kMaxCapturedStderr)
        m_stderr.remove(0, m_stderr.size() - kMaxCapturedStderr);
}

std::unique_ptr<PeerProcess> startNodeScript(const QString &script,
                                             QMap<QString, QString> environment)
{
    QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        node = QStringLiteral("node"); // fails to start; diagnostics() says so
    auto peer = std::make_unique<PeerProcess>(
        node, QStringList{sourcePath(QStringLiteral("tests/peers/node/") + script)},
        std::move(environment));
    peer->start();
    return peer;
}

std::unique_ptr<PeerProcess> startNodePeer(QMap<QString, QString> environment)
{
    return startNodeScript(QStringLiteral("server.js"), std::move(environment));
}

std::unique_ptr<PeerProcess> startPythonPeer(QMap<QString, QString> environment)
{
    auto peer = std::make_unique<PeerProcess>(
        QStringLiteral("/usr/bin/python3"),
        QStringList{sourcePath(QStringLiteral("tests/peers/python/server.py"))},
        std::move(environment));
    peer->start();
    return peer;
}

} // namespace ango::test
