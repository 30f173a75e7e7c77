#pragma once

#include "common/result.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

class QProcess;

// One child process wired for a callback adapter. Two layouts:
//  - Stdio: requests on the child's stdin, frames (one per line) on its stdout, stderr as output.
//  - SideChannel: requests on fd 3, frames on fd 4, stdin /dev/null, stdout and stderr as output,
//    so that nothing the author's code prints can be mistaken for a frame.
// Before a frame is delivered, the output the child wrote before it is delivered, so the lines a
// call printed always come before its result.
// The child leads its own process group; kill() and the destructor end the whole group, so what
// the author's code started goes too. A descendant that calls setsid() leaves the group and is
// out of reach (only a cgroup could follow it). The child never sees ANGO_PLUGIN_SECRET.
namespace ango::callbacks::adapters {

struct ChildSpec
{
    enum class Layout { Stdio, SideChannel };

    QString program;
    QStringList arguments;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    QString workingDirectory;
    Layout layout = Layout::Stdio;
    // A longer frame is dropped and reported by frameTooLong(); memory stays bounded by it.
    qint64 maxFrameBytes = 256LL * 1024 * 1024;
};

struct ChildExit
{
    enum class Kind { FailedToStart, Exited, Signalled };

    Kind kind = Kind::Exited;
    int code = 0; // exit code, or signal number
    QString startError;

    // "exited with code 3", "was killed by signal 9 (SIGKILL)", "could not be started: ..."
    QString describe() const;
};

class PipeReader;
class PipeWriter;

class ChildProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChildProcess)

public:
    static constexpr int kRequestFd = 3; // SideChannel: the child reads requests here
    static constexpr int kFrameFd = 4;   // SideChannel: the child writes frames here

    explicit ChildProcess(QObject *parent = nullptr);
    // Kills a running child.
    ~ChildProcess() override;

    // Errors are about our side (pipes); a program that cannot be run is reported by exited().
    Result<void> start(const ChildSpec &spec);
    void send(const QByteArray &line); // a '\n' is appended
    void kill();
    bool isRunning() const;
    qint64 processId() const; // still known after the child exited

Q_SIGNALS:
    void started();
    void frameReceived(const QByteArray &frame);
    // A frame passed spec.maxFrameBytes (`seen` bytes so far); it is dropped up to its end.
    void frameTooLong(qint64 seen);
    void outputLine(const QString &line, bool isError);
    // Once; all frames and output were delivered before it.
    void exited(const ango::callbacks::adapters::ChildExit &exit);

private:
    void onFrame(const QByteArray &line);
    void drainOutput();
    void onFinished(int code, bool crashed);
    void closeChannels();
    void killGroup();

    QProcess *m_process = nullptr;
    PipeWriter *m_requests = nullptr;
    PipeReader *m_frames = nullptr;
    PipeReader *m_stdout = nullptr; // SideChannel only
    PipeReader *m_stderr = nullptr;
    qint64 m_pid = 0; // kept after exit, for messages
    bool m_exited = false;
};

} // namespace ango::callbacks::adapters
