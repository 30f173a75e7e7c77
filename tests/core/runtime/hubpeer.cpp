#include "hubpeer.h"

#include "testpaths.h"

#include <QProcessEnvironment>
#include <QStandardPaths>

namespace ango::test {

HubPeer::HubPeer(QObject *parent)
    : QObject(parent)
{
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &HubPeer::readStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this, [this] {
        m_stderr += QString::fromUtf8(m_process.readAllStandardError());
        if (m_stderr.size() > 64 * 1024)
            m_stderr = m_stderr.right(64 * 1024);
    });
}

HubPeer::~HubPeer()
{
    disconnect(&m_process, nullptr, this, nullptr);
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void HubPeer::start(int port)
{
    QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        node = QStringLiteral("node");
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PORT"), QString::number(port));
    m_process.setProcessEnvironment(environment);
    m_process.setWorkingDirectory(sourcePath(QStringLiteral("tests/peers/node")));
    m_port = 0;
    m_buffer.clear();
    m_process.start(node, {sourcePath(QStringLiteral("tests/peers/node/hub.js"))});
}

void HubPeer::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    // Reaping here keeps the port free for the restart that usually follows.
    m_process.waitForFinished(5000);
    m_port = 0;
}

bool HubPeer::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

QString HubPeer::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

void HubPeer::command(const nlohmann::json &command)
{
    const std::string line = command.dump() + "\n";
    m_process.write(line.data(), qint64(line.size()));
}

QList<nlohmann::json> HubPeer::records(const std::string &type) const
{
    QList<nlohmann::json> matching;
    for (const auto &record : m_records) {
        if (record.value("type", "") == type)
            matching.append(record);
    }
    return matching;
}

int HubPeer::count(const std::string &type) const
{
    int n = 0;
    for (const auto &record : m_records)
        n += record.value("type", "") == type ? 1 : 0;
    return n;
}

QList<nlohmann::json> HubPeer::forSession(const std::string &type, const std::string &session) const
{
    QList<nlohmann::json> matching;
    for (const auto &record : m_records) {
        if (record.value("type", "") != type || !record.contains("payload")
            || !record["payload"].is_object())
            continue;
        const auto &payload = record["payload"];
        if (payload.contains("session") && payload["session"] == session)
            matching.append(record);
    }
    return matching;
}

QString HubPeer::diagnostics() const
{
    QString text
        = QStringLiteral("hub on port %1, %2 records; last:\n").arg(m_port).arg(m_records.size());
    for (qsizetype i = std::max<qsizetype>(0, m_records.size() - 10); i < m_records.size(); ++i)
        text += QString::fromStdString(m_records.at(i).dump()).left(500) + QLatin1Char('\n');
    return text + QStringLiteral("stderr: ") + m_stderr.right(4000);
}

void HubPeer::readStdout()
{
    m_buffer += m_process.readAllStandardOutput();
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(newline).trimmed();
        m_buffer.remove(0, newline + 1);
        if (line.startsWith("PORT=")) {
            m_port = line.mid(5).toInt();
            continue;
        }
        auto record = nlohmann::json::parse(line.constBegin(), line.constEnd(), nullptr, false);
        if (record.is_discarded())
            continue;
        m_records.append(record);
        Q_EMIT recorded(m_records.constLast());
    }
}

} // namespace ango::test
