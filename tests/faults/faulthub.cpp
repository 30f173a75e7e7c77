#include "faulthub.h"

#include "testpaths.h"

#include <QProcessEnvironment>
#include <QStandardPaths>

#include <csignal>

namespace ango::test {

FaultHub::FaultHub(int pingIntervalMs, int pingTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_pingIntervalMs(pingIntervalMs)
    , m_pingTimeoutMs(pingTimeoutMs)
{
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &FaultHub::readStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this, [this] {
        m_stderr += QString::fromUtf8(m_process.readAllStandardError());
        if (m_stderr.size() > 64 * 1024)
            m_stderr = m_stderr.right(64 * 1024);
    });
}

FaultHub::~FaultHub()
{
    disconnect(&m_process, nullptr, this, nullptr);
    if (m_process.state() != QProcess::NotRunning) {
        // SIGKILL also ends a stopped process.
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void FaultHub::start(int port)
{
    QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        node = QStringLiteral("node"); // fails to start; diagnostics() says so
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PORT"), QString::number(port));
    if (m_pingIntervalMs > 0)
        environment.insert(QStringLiteral("PING_INTERVAL"), QString::number(m_pingIntervalMs));
    if (m_pingTimeoutMs > 0)
        environment.insert(QStringLiteral("PING_TIMEOUT"), QString::number(m_pingTimeoutMs));
    m_process.setProcessEnvironment(environment);
    m_process.setWorkingDirectory(sourcePath(QStringLiteral("tests/peers/node")));
    m_port = 0;
    m_buffer.clear();
    ++m_starts;
    m_process.start(node, {sourcePath(QStringLiteral("tests/peers/node/hub.js"))});
}

void FaultHub::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    // Reaping here (a test helper, not product code) frees the port for the restart.
    m_process.waitForFinished(5000);
    m_port = 0;
}

bool FaultHub::pause()
{
    return m_process.state() == QProcess::Running
           && ::kill(pid_t(m_process.processId()), SIGSTOP) == 0;
}

bool FaultHub::resume()
{
    return m_process.state() == QProcess::Running
           && ::kill(pid_t(m_process.processId()), SIGCONT) == 0;
}

QString FaultHub::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

void FaultHub::command(const nlohmann::json &command)
{
    const std::string line = command.dump() + "\n";
    m_process.write(line.data(), qint64(line.size()));
}

void FaultHub::sendPlugin(const nlohmann::json &payload)
{
    command({{"cmd", "plugin"}, {"payload", payload}});
}

void FaultHub::sendPlugins(const QList<nlohmann::json> &payloads)
{
    std::string lines;
    for (const auto &payload : payloads)
        lines += nlohmann::json{{"cmd", "plugin"}, {"payload", payload}}.dump() + "\n";
    m_process.write(lines.data(), qint64(lines.size()));
}

int FaultHub::count(const std::string &type) const
{
    int n = 0;
    for (const auto &record : m_records)
        n += record.value("type", "") == type ? 1 : 0;
    return n;
}

QList<nlohmann::json> FaultHub::forSession(const std::string &type,
                                           const std::string &session) const
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

QString FaultHub::diagnostics() const
{
    QString text = QStringLiteral("hub on port %1 (started %2 times, %3), %4 records; last:\n")
                       .arg(m_port)
                       .arg(m_starts)
                       .arg(isRunning() ? QStringLiteral("running") : QStringLiteral("not running"))
                       .arg(m_records.size());
    for (qsizetype i = std::max<qsizetype>(0, m_records.size() - 10); i < m_records.size(); ++i)
        text += QString::fromStdString(m_records.at(i).dump()).left(400) + QLatin1Char('\n');
    return text + QStringLiteral("stderr: ") + m_stderr.right(4000);
}

void FaultHub::readStdout()
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
        m_records.append(std::move(record));
        Q_EMIT recorded(m_records.constLast());
    }
}

} // namespace ango::test
