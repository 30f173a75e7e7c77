#pragma once

#include <QList>
#include <QObject>
#include <QProcess>

#include <nlohmann/json.hpp>

#include <functional>

// The emulated hub (tests/peers/node/hub.js, the official socket.io server) as a child process:
// commands go to its stdin, everything it received comes back as JSON records. Killed with the
// object, so a failing test leaves no orphan.
namespace ango::test {

class HubPeer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HubPeer)

public:
    explicit HubPeer(QObject *parent = nullptr);
    ~HubPeer() override;

    // port 0: any free port; a given port restarts the hub where the plugin expects it.
    void start(int port = 0);
    void kill(); // SIGKILL: the hub crashed
    bool isRunning() const;
    int port() const { return m_port; }
    QString url() const;

    void command(const nlohmann::json &command);
    void sendPlugin(const nlohmann::json &payload)
    {
        command({{"cmd", "plugin"}, {"payload", payload}});
    }

    // Everything recorded since the first start (across restarts), in arrival order.
    const QList<nlohmann::json> &records() const { return m_records; }
    QList<nlohmann::json> records(const std::string &type) const;
    int count(const std::string &type) const;
    // The records of `type` whose payload.session equals `session`.
    QList<nlohmann::json> forSession(const std::string &type, const std::string &session) const;
    void clearRecords() { m_records.clear(); }

    QString diagnostics() const;

Q_SIGNALS:
    void recorded(const nlohmann::json &record);

private:
    void readStdout();

    QProcess m_process;
    QByteArray m_buffer;
    QList<nlohmann::json> m_records;
    QString m_stderr;
    int m_port = 0;
};

} // namespace ango::test
