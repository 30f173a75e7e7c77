#pragma once

#include "peerprocess.h"

#include <QList>
#include <QObject>

#include <nlohmann/json.hpp>

#include <memory>

// The emulated Ango hub (tests/peers/node/hub.js on the official socket.io 4.8 server) as a
// child process, for the runtime, runner, window and fault suites: commands go to its stdin,
// everything it received comes back as JSON records, kept across restarts so answers can be
// counted per session over the hub's lifetimes. It can be hurt: SIGKILL and restart on the same
// port, SIGSTOP/SIGCONT (a hub that stops pinging), short ping settings. Killed with the object,
// so a failing test leaves no orphan.
namespace ango::test {

class NodeHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeHub)

public:
    // Engine.IO ping settings of the hub; 0 keeps hub.js's defaults (25 s / 20 s).
    explicit NodeHub(int pingIntervalMs = 0, int pingTimeoutMs = 0, QObject *parent = nullptr);
    ~NodeHub() override;

    // port 0: any free port; a given port brings the hub back where the plugin expects it.
    void start(int port = 0);
    void kill();   // SIGKILL, reaped at once so that the port is free for a restart
    bool pause();  // SIGSTOP: no pings, no answers, connections stay open
    bool resume(); // SIGCONT
    bool isRunning() const { return m_process && m_process->isRunning(); }
    int port() const { return m_process ? m_process->port() : 0; }
    QString url() const;
    int lifetimes() const { return m_starts; } // how many times the hub process was started

    void command(const nlohmann::json &command);
    void sendPlugin(const nlohmann::json &payload);
    // Many `plugin` events in one write (the hub emits them as fast as it reads them).
    void sendPlugins(const QList<nlohmann::json> &payloads);

    // Everything recorded since the first start (across restarts), in arrival order.
    const QList<nlohmann::json> &records() const { return m_records; }
    QList<nlohmann::json> records(const std::string &type) const;
    int count(const std::string &type) const;
    // Records of `type` whose payload.session equals `session`.
    QList<nlohmann::json> forSession(const std::string &type, const std::string &session) const;
    void clearRecords() { m_records.clear(); }

    QString diagnostics() const;

Q_SIGNALS:
    void recorded(const nlohmann::json &record);

private:
    void onLine(const QByteArray &line);

    std::unique_ptr<PeerProcess> m_process;
    QList<nlohmann::json> m_records;
    QString m_earlierLives; // diagnostics of the killed processes
    int m_pingIntervalMs = 0;
    int m_pingTimeoutMs = 0;
    int m_starts = 0;
};

} // namespace ango::test
