#include "nodehub.h"

namespace ango::test {

NodeHub::NodeHub(int pingIntervalMs, int pingTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_pingIntervalMs(pingIntervalMs)
    , m_pingTimeoutMs(pingTimeoutMs)
{}

NodeHub::~NodeHub() = default;

void NodeHub::start(int port)
{
    kill();
    QMap<QString, QString> environment{{QStringLiteral("PORT"), QString::number(port)}};
    if (m_pingIntervalMs > 0)
        environment.insert(QStringLiteral("PING_INTERVAL"), QString::number(m_pingIntervalMs));
    if (m_pingTimeoutMs > 0)
        environment.insert(QStringLiteral("PING_TIMEOUT"), QString::number(m_pingTimeoutMs));
    // Connected before the event loop runs again, so no record can be read before it.
    m_process = startNodeScript(QStringLiteral("hub.js"), std::move(environment));
    connect(m_process.get(), &PeerProcess::lineReceived, this, &NodeHub::onLine);
    ++m_starts;
}

void NodeHub::kill()
{
    if (!m_process)
        return;
    m_process->killAndDrain();
    m_earlierLives += m_process->diagnostics() + QLatin1Char('\n');
    m_earlierLives = m_earlierLives.right(8000);
    // The process is killed and reaped with the object: the port is free for a restart.
    m_process.reset();
}

bool NodeHub::pause()
{
    return m_process && m_process->pause();
}

bool NodeHub::resume()
{
    return m_process && m_process->resume();
}

QString NodeHub::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

void NodeHub::command(const nlohmann::json &command)
{
    if (m_process)
        m_process->write(QByteArray::fromStdString(command.dump() + "\n"));
}

void NodeHub::sendPlugin(const nlohmann::json &payload)
{
    command({{"cmd", "plugin"}, {"payload", payload}});
}

void NodeHub::sendPlugins(const QList<nlohmann::json> &payloads)
{
    std::string lines;
    for (const auto &payload : payloads)
        lines += nlohmann::json{{"cmd", "plugin"}, {"payload", payload}}.dump() + "\n";
    if (m_process)
        m_process->write(QByteArray::fromStdString(lines));
}

QList<nlohmann::json> NodeHub::records(const std::string &type) const
{
    QList<nlohmann::json> matching;
    for (const auto &record : m_records)
        if (record.value("type", "") == type)
            matching.append(record);
    return matching;
}

int NodeHub::count(const std::string &type) const
{
    int n = 0;
    for (const auto &record : m_records)
        n += record.value("type", "") == type ? 1 : 0;
    return n;
}

QList<nlohmann::json> NodeHub::forSession(const std::string &type, const std::string &session) const
{
    QList<nlohmann::json> matching;
    for (const auto &record : m_records) {
        if (record.value("type", "") != type)
            continue;
        const auto payload = record.find("payload");
        if (payload == record.end() || !payload->is_object())
            continue;
        const auto value = payload->find("session");
        if (value != payload->end() && *value == session)
            matching.append(record);
    }
    return matching;
}

QString NodeHub::diagnostics() const
{
    QString text = QStringLiteral("hub on port %1 (started %2 times, %3), %4 records; last:\n")
                       .arg(port())
                       .arg(m_starts)
                       .arg(isRunning() ? QStringLiteral("running") : QStringLiteral("not running"))
                       .arg(m_records.size());
    for (qsizetype i = std::max<qsizetype>(0, m_records.size() - 10); i < m_records.size(); ++i)
        text += QString::fromStdString(m_records.at(i).dump()).left(400) + QLatin1Char('\n');
    if (!m_earlierLives.isEmpty())
        text += QStringLiteral("earlier lives:\n") + m_earlierLives;
    return text + (m_process ? m_process->diagnostics() : QStringLiteral("(not started)"));
}

void NodeHub::onLine(const QByteArray &line)
{
    auto record = nlohmann::json::parse(line.constBegin(), line.constEnd(), nullptr, false);
    if (record.is_discarded())
        return;
    m_records.append(std::move(record));
    Q_EMIT recorded(m_records.constLast());
}

} // namespace ango::test
