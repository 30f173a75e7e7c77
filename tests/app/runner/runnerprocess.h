#pragma once

#include <QProcess>
#include <QString>

#include <nlohmann/json.hpp>

#include <algorithm>

// `ango-console run` as a child process, with its stdout split into lines as they come. Killed
// with the object, so a failing test leaves no orphan.
namespace ango::test {

// The built binary, unless ANGO_CONSOLE names another (the runner harness, for instance).
inline QString consolePath()
{
    return qEnvironmentVariableIsEmpty("ANGO_CONSOLE") ? QStringLiteral(ANGO_CONSOLE_PATH)
                                                       : qEnvironmentVariable("ANGO_CONSOLE");
}

class RunnerProcess : public QObject
{
public:
    // `secret` empty: ANGO_PLUGIN_SECRET is not set. `workingDirectory` empty: the test's own.
    explicit RunnerProcess(const QStringList &arguments, const QString &secret,
                           const QString &workingDirectory = QString())
    {
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("ANGO_PLUGIN_SECRET"));
        environment.remove(QStringLiteral("LOGLEVEL"));
        if (!secret.isEmpty())
            environment.insert(QStringLiteral("ANGO_PLUGIN_SECRET"), secret);
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        m_process.setProcessEnvironment(environment);
        if (!workingDirectory.isEmpty())
            m_process.setWorkingDirectory(workingDirectory);
        connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
            m_pending += m_process.readAllStandardOutput();
            m_allStdout += m_pending;
            qsizetype newline;
            while ((newline = m_pending.indexOf('\n')) >= 0) {
                m_lines << m_pending.left(newline);
                m_pending.remove(0, newline + 1);
            }
        });
        connect(&m_process, &QProcess::readyReadStandardError, this,
                [this] { m_stderr += m_process.readAllStandardError(); });
        m_process.start(consolePath(), QStringList{QStringLiteral("run")} + arguments);
    }
    ~RunnerProcess() override
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    QProcess &process() { return m_process; }
    const QList<QByteArray> &lines() const { return m_lines; }
    QByteArray everything() const { return m_allStdout + m_stderr; }
    QByteArray standardError() const { return m_stderr; }
    bool finished() const { return m_process.state() == QProcess::NotRunning; }

    // jsonl lines whose JSON matches all of `fields`.
    int countLines(const nlohmann::json &fields) const
    {
        int n = 0;
        for (const QByteArray &line : m_lines) {
            const auto entry
                = nlohmann::json::parse(line.constBegin(), line.constEnd(), nullptr, false);
            if (!entry.is_object())
                continue;
            bool all = true;
            for (auto it = fields.begin(); it != fields.end() && all; ++it)
                all = entry.contains(it.key()) && entry[it.key()] == it.value();
            n += all ? 1 : 0;
        }
        return n;
    }

    QString tail() const
    {
        QString text;
        for (qsizetype i = std::max<qsizetype>(0, m_lines.size() - 25); i < m_lines.size(); ++i)
            text += QString::fromUtf8(m_lines.at(i).left(300)) + QLatin1Char('\n');
        return text + QStringLiteral("stderr: ") + QString::fromUtf8(m_stderr.right(2000));
    }

private:
    QProcess m_process;
    QByteArray m_pending;
    QByteArray m_allStdout;
    QByteArray m_stderr;
    QList<QByteArray> m_lines;
};

} // namespace ango::test
