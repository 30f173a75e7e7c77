#pragma once

#include <QMap>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

namespace ango::test {

// A real peer server (Node socket.io, python-socketio, ...) run as a child process for a test.
// The peer prints "PORT=<n>" on stdout once it listens; port() is 0 until then. Wait with
//   QTRY_VERIFY_WITH_TIMEOUT(peer->port() > 0, 15000)  or a QSignalSpy on ready().
// The process is killed when the object is destroyed, so a failing test leaves no orphan.
class PeerProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeerProcess)

public:
    PeerProcess(QString program, QStringList arguments,
                QMap<QString, QString> extraEnvironment = {}, QObject *parent = nullptr);
    ~PeerProcess() override;

    void start();
    void stop();   // SIGTERM, then SIGKILL if the peer is still there after a grace period
    void kill();   // SIGKILL at once: a crashed server
    bool pause();  // SIGSTOP: the server stops answering and pinging
    bool resume(); // SIGCONT
    bool isRunning() const;
    bool isPaused() const { return m_paused; }

    int port() const { return m_port; }
    qint64 pid() const;
    // To the peer's stdin (peers that take commands, such as tests/peers/node/hub.js).
    void write(const QByteArray &data);
    QString standardError() const { return m_stderr; }

    // For failure messages: the command, its state, its exit status and the end of its stderr.
    QString diagnostics() const;
    // Ends the peer (SIGKILL) and hands over, as lineReceived, the lines it printed before it
    // died and that were not read yet: a record printed just before a kill is still a record.
    void killAndDrain();

Q_SIGNALS:
    void ready(int port);
    // A line on stdout other than "PORT=<n>". While something listens, such lines are not kept
    // for diagnostics() (a peer reporting records prints many).
    void lineReceived(const QByteArray &line);
    void finished(int exitCode, QProcess::ExitStatus status);

private:
    void readStdout();
    void readStderr();

    QProcess m_process;
    QString m_program;
    QStringList m_arguments;
    QByteArray m_stdoutLine;
    QString m_stderr;
    int m_port = 0;
    bool m_paused = false;
};

// A script of tests/peers/node (by its file name) with node from PATH. Already started.
std::unique_ptr<PeerProcess> startNodeScript(const QString &script,
                                             QMap<QString, QString> environment = {});

// The Node socket.io 4.8 peer (tests/peers/node/server.js) with node from PATH. Environment:
// PORT, PING_INTERVAL, PING_TIMEOUT, MAX_PAYLOAD, DEBUG_PEER. Already started.
std::unique_ptr<PeerProcess> startNodePeer(QMap<QString, QString> environment = {});

// The python-socketio peer (tests/peers/python/server.py) with /usr/bin/python3 (the Debian
// interpreter that has python3-socketio). Already started.
std::unique_ptr<PeerProcess> startPythonPeer(QMap<QString, QString> environment = {});

} // namespace ango::test
