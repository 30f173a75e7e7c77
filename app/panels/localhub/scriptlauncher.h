#pragma once

#include "logging/logentry.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace ango::app {

// What the Local hub's Launch button starts: `python script` with the hub's environment.
struct ScriptLaunch
{
    QString python = QStringLiteral("python3");
    QString script;
    QProcessEnvironment environment;
    QStringList secrets; // never shown: replaced by *** in every output line
};

// Runs the author's plugin script as a child process and turns what it prints into log lines,
// one per line of output (category "script", kind "stdout"/"stderr", detail.script = the path),
// and its end into one line in plain words (the exit code, a crash, a stop). Output is bounded:
// a line is cut at kMaxLineChars, at most kMaxLinesPerSecond lines are shown a second and
// kMaxLinesPerRun a run; what is left out is counted in a log line, never silently.
class ScriptLauncher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScriptLauncher)

public:
    static constexpr int kMaxLineChars = 2000;
    static constexpr int kMaxLinesPerSecond = 200;
    static constexpr int kMaxLinesPerRun = 20000;
    static constexpr int kStopGraceMs = 3000; // after SIGTERM, before SIGKILL

    explicit ScriptLauncher(QObject *parent = nullptr);
    ~ScriptLauncher() override; // kills a script still running

    // False (with the reason logged) when a script is already running or none is named.
    bool start(const ScriptLaunch &launch);
    void stop(); // SIGTERM, then SIGKILL after kStopGraceMs
    bool isRunning() const;
    qint64 processId() const;
    QString script() const { return m_launch.script; }
    QString lastExit() const { return m_lastExit; } // the last end in plain words

Q_SIGNALS:
    void runningChanged(bool running);
    void logged(const ango::logging::LogEntry &entry);

private:
    struct Channel
    {
        QByteArray pending; // the line not yet ended by '\n'
        QString kind;
    };
    void readChannel(QProcess::ProcessChannel which);
    void takeLines(Channel &channel, bool flushTail);
    void emitLine(const Channel &channel, QByteArray raw);
    void reportDropped();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void log(logging::Level level, const QString &kind, const QString &message);

    ScriptLaunch m_launch;
    QPointer<QProcess> m_process;
    Channel m_stdout;
    Channel m_stderr;
    bool m_stopping = false;
    QString m_lastExit;
    QElapsedTimer m_window; // the current second of the rate limit
    int m_windowLines = 0;
    qint64 m_droppedByRate = 0;
    qint64 m_shownLines = 0;
    qint64 m_droppedByTotal = 0;
};

} // namespace ango::app
