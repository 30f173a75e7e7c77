#pragma once

#include <QList>
#include <QMap>
#include <QObject>
#include <QProcess>

#include <nlohmann/json.hpp>

// The emulated Ango hub (tests/peers/node/hub.js on the official socket.io 4.8 server) as a child
// process that the fault tests can hurt: SIGKILL and restart on the same port, SIGSTOP/SIGCONT
// (a hub that stops pinging), with short ping settings. Everything the hub received is kept as
// JSON records across restarts, so answers can be counted per session over the hub's lifetimes.
namespace ango::test {

class FaultHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultHub)

public:
    // Engine.IO ping settings of the hub; 0 keeps hub.js's defaults (25 s / 20 s).
    explicit FaultHub(int pingIntervalMs = 0, int pingTimeoutMs = 0, QObject *parent = nullptr);
    ~FaultHub() override;

    // port 0: any free port; a given port brings the hub back where the plugin expects it.
    void start(int port = 0);
    void kill();   // SIGKILL, reaped at once so that the port is free for a restart
    bool pause();  // SIGSTOP: no pings, no answers, connections stay open
    bool resume(); // SIGCONT
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    int port() const { return m_port; }
    QString url() const;
    int lifetimes() const { return m_starts; } // how many times the hub process was started

    void command(const nlohmann::json &command);
    void sendPlugin(const nlohmann::json &payload);
    // Many `plugin` events in one write (the hub emits them as fast as it reads them).
    void sendPlugins(const QList<nlohmann::json> &payloads);

    const QList<nlohmann::json> &records() const { return m_records; }
    int count(const std::string &type) const;
    // Records of `type` whose payload.session equals `session`.
    QList<nlohmann::json> forSession(const std::string &type, const std::string &session) const;

    QString diagnostics() const;

Q_SIGNALS:
    void recorded(const nlohmann::json &record);

private:
    void readStdout();

    QProcess m_process;
    QByteArray m_buffer;
    QList<nlohmann::json> m_records;
    QString m_stderr;
    int m_pingIntervalMs = 0;
    int m_pingTimeoutMs = 0;
    int m_port = 0;
    int m_starts = 0;
};

} // namespace ango::test
