#pragma once

#include "callbacks/adapters/childprocess.h"
#include "callbacks/callback.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <optional>

// One subprocess that runs calls one at a time: the unit of a WorkerPool. Subclasses say how to
// start it, when it is ready, how a call is written and how frames are read.
namespace ango::callbacks::adapters {

class Worker : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Worker)

public:
    enum class Phase { Stopped, Starting, Idle, Busy, Stopping };

    // What one call may print (stdout and stderr lines of the process): the rest is counted and
    // summed up in one line when the call ends, not passed on.
    static constexpr int kMaxOutputLinesPerCall = 1000;
    static constexpr qint64 kMaxOutputBytesPerCall = 1024 * 1024;

    explicit Worker(QObject *parent = nullptr);
    ~Worker() override;

    Phase phase() const { return m_phase; }
    std::optional<quint64> currentCall() const { return m_call; }
    qint64 processId() const;

    // Stopped -> Starting. Emits ready() or loadFailed().
    void start();
    // Kills the process (a running call is dropped without callFinished) and starts again.
    void restart();
    // Kills the process and stays stopped.
    void stop();
    // Idle -> Busy. Ends with callFinished(), or crashed() carrying the call.
    void run(quint64 callId, const nlohmann::json &request);
    // The largest result frame read from the process; a longer one fails the call. Set before
    // start().
    void setMaxResultBytes(qint64 bytes) { m_maxResultBytes = bytes; }
    qint64 maxResultBytes() const { return m_maxResultBytes; }

Q_SIGNALS:
    void ready();
    // The process could not be started or could not load the author's code; it is gone.
    void loadFailed(const ango::Error &error);
    void logRecorded(quint64 callId, ango::callbacks::LogLevel level, const QString &message);
    void callFinished(quint64 callId, const ango::Result<nlohmann::json> &result);
    // The process died on its own after it was ready; `callId` is the call it was running.
    void crashed(const QString &description, std::optional<quint64> callId);
    void outputLine(const QString &line, bool isError);
    // The process of a stop() or a failed load is gone.
    void stopped();

protected:
    virtual ChildSpec spawnSpec() const = 0;
    // True: ready as soon as the process runs; false: the subclass calls markReady().
    virtual bool readyWhenStarted() const = 0;
    virtual QByteArray encodeCall(quint64 callId, const nlohmann::json &request) const = 0;
    virtual void handleFrame(const QByteArray &frame) = 0;
    // A short name for messages: "python3", "./model".
    virtual QString processName() const = 0;

    void markReady();
    void finishCall(Result<nlohmann::json> result);
    void failLoad(Error error);
    // The child broke the protocol: kill it; the running call or the start fails with `what`.
    void protocolError(const QString &what);
    // The last lines the child wrote on stderr, for messages about a child that died.
    QString stderrTail() const;

private:
    void spawn();
    void onExited(const ChildExit &exit);
    void onOutputLine(const QString &line, bool isError);
    void onFrameTooLong(qint64 seen);
    // Emits the "N more lines not shown" line for the output held back since the last call began.
    void reportSuppressedOutput();

    ChildProcess *m_child = nullptr;
    Phase m_phase = Phase::Stopped;
    std::optional<quint64> m_call;
    bool m_startAfterStop = false;
    bool m_loadFailed = false; // loadFailed was already emitted for this process
    QString m_protocolError;
    QStringList m_stderrTail;
    qint64 m_maxResultBytes = kDefaultMaxResultBytes;
    int m_outputLines = 0; // since the current call began (or the last one ended)
    qint64 m_outputBytes = 0;
    int m_suppressedLines = 0;
    qint64 m_suppressedBytes = 0;
};

} // namespace ango::callbacks::adapters
