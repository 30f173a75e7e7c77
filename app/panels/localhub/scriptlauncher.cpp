#include "scriptlauncher.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QTimer>

namespace ango::app {

namespace {

// Python writes its logging and its tracebacks to stderr alike: only what reads as a failure is
// a warning, so a plugin's ordinary INFO lines do not look alarming in the log.
logging::Level levelOf(const QString &kind, const QString &line)
{
    static const QRegularExpression failure(QStringLiteral(
        R"(^Traceback \(most recent call last\)|^\w+(Error|Exception)\b|\[(ERROR|CRITICAL)\]|^(ERROR|CRITICAL):)"));
    if (kind == QLatin1String("stderr") && failure.match(line).hasMatch())
        return logging::Level::Warning;
    return logging::Level::Info;
}

} // namespace

ScriptLauncher::ScriptLauncher(QObject *parent)
    : QObject(parent)
{}

ScriptLauncher::~ScriptLauncher()
{
    // The console quits: the script must not outlive it as an orphan still serving the hub.
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
    }
}

bool ScriptLauncher::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 ScriptLauncher::processId() const
{
    return m_process ? m_process->processId() : 0;
}

bool ScriptLauncher::start(const ScriptLaunch &launch)
{
    if (isRunning()) {
        log(logging::Level::Warning, QStringLiteral("launch"),
            tr("%1 is already running (pid %2): stop it first")
                .arg(m_launch.script)
                .arg(processId()));
        return false;
    }
    if (launch.script.trimmed().isEmpty() || !QFileInfo(launch.script).isFile()) {
        m_launch = launch;
        m_lastExit = launch.script.trimmed().isEmpty()
                         ? tr("No script to launch: choose the plugin script first.")
                         : tr("The script %1 does not exist.").arg(launch.script);
        log(logging::Level::Error, QStringLiteral("launch"), m_lastExit);
        return false;
    }
    m_launch = launch;
    m_stopping = false;
    m_stdout = {{}, QStringLiteral("stdout")};
    m_stderr = {{}, QStringLiteral("stderr")};
    m_window.start();
    m_windowLines = 0;
    m_droppedByRate = m_shownLines = m_droppedByTotal = 0;

    auto *process = new QProcess(this);
    m_process = process;
    QProcessEnvironment environment = launch.environment;
    environment.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1")); // lines as printed
    process->setProcessEnvironment(environment);
    process->setWorkingDirectory(QFileInfo(launch.script).absolutePath());
    connect(process, &QProcess::readyReadStandardOutput, this,
            [this] { readChannel(QProcess::StandardOutput); });
    connect(process, &QProcess::readyReadStandardError, this,
            [this] { readChannel(QProcess::StandardError); });
    connect(process, &QProcess::finished, this, &ScriptLauncher::onFinished);
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return; // everything else ends in finished()
        m_lastExit = tr("%1 could not be started: %2").arg(m_launch.python, process->errorString());
        log(logging::Level::Error, QStringLiteral("exit"), m_lastExit);
        process->deleteLater();
        Q_EMIT runningChanged(false);
    });
    connect(process, &QProcess::started, this, [this, process] {
        log(logging::Level::Info, QStringLiteral("launch"),
            tr("started %1 %2 (pid %3)")
                .arg(m_launch.python, m_launch.script)
                .arg(process->processId()));
    });
    process->start(launch.python, {QFileInfo(launch.script).absoluteFilePath()});
    Q_EMIT runningChanged(true);
    return true;
}

void ScriptLauncher::stop()
{
    if (!isRunning())
        return;
    m_stopping = true;
    m_process->terminate();
    QTimer::singleShot(kStopGraceMs, m_process, [process = m_process] {
        if (process && process->state() != QProcess::NotRunning)
            process->kill();
    });
}

void ScriptLauncher::readChannel(QProcess::ProcessChannel which)
{
    if (!m_process)
        return;
    m_process->setReadChannel(which);
    Channel &channel = which == QProcess::StandardOutput ? m_stdout : m_stderr;
    channel.pending += m_process->readAll();
    takeLines(channel, false);
}

void ScriptLauncher::takeLines(Channel &channel, bool flushTail)
{
    qsizetype from = 0;
    for (qsizetype end; (end = channel.pending.indexOf('\n', from)) >= 0; from = end + 1)
        emitLine(channel, channel.pending.mid(from, end - from));
    channel.pending.remove(0, from);
    // A line without an end is not held without bound: it is shown cut (4 bytes per character
    // at most in UTF-8).
    if (channel.pending.size() > qsizetype(kMaxLineChars) * 4
        || (flushTail && !channel.pending.isEmpty()))
        emitLine(channel, std::exchange(channel.pending, QByteArray()));
}

void ScriptLauncher::emitLine(const Channel &channel, QByteArray raw)
{
    if (raw.endsWith('\r'))
        raw.chop(1);
    if (m_window.elapsed() >= 1000) {
        reportDropped();
        m_window.restart();
        m_windowLines = 0;
    }
    if (m_shownLines >= kMaxLinesPerRun) {
        ++m_droppedByTotal;
        return;
    }
    if (m_windowLines >= kMaxLinesPerSecond) {
        ++m_droppedByRate;
        return;
    }
    ++m_windowLines;
    ++m_shownLines;
    QString line = QString::fromUtf8(raw);
    if (line.size() > kMaxLineChars)
        line = line.left(kMaxLineChars)
               + tr("… (%1 more characters)").arg(line.size() - kMaxLineChars);
    for (const QString &secret : std::as_const(m_launch.secrets))
        if (!secret.isEmpty())
            line.replace(secret, QStringLiteral("***"));
    log(levelOf(channel.kind, line), channel.kind, line);
    if (m_shownLines == kMaxLinesPerRun)
        log(logging::Level::Warning, QStringLiteral("output"),
            tr("the script printed %1 lines: the rest of its output is not shown")
                .arg(kMaxLinesPerRun));
}

void ScriptLauncher::reportDropped()
{
    if (m_droppedByRate == 0)
        return;
    log(logging::Level::Warning, QStringLiteral("output"),
        tr("%1 lines of the script's output were not shown (more than %2 a second)")
            .arg(std::exchange(m_droppedByRate, 0))
            .arg(kMaxLinesPerSecond));
}

void ScriptLauncher::onFinished(int exitCode, QProcess::ExitStatus status)
{
    readChannel(QProcess::StandardOutput); // what came with the end
    readChannel(QProcess::StandardError);
    takeLines(m_stdout, true);
    takeLines(m_stderr, true);
    reportDropped();
    if (m_droppedByTotal > 0)
        log(logging::Level::Warning, QStringLiteral("output"),
            tr("%1 further lines of the script's output were not shown").arg(m_droppedByTotal));
    const QString name = QFileInfo(m_launch.script).fileName();
    bool ok = false;
    if (m_stopping) {
        m_lastExit = tr("%1 was stopped").arg(name);
        ok = true;
    } else if (status == QProcess::CrashExit) {
        m_lastExit = tr("%1 crashed: the python process was killed by a signal").arg(name);
    } else if (exitCode == 0) {
        m_lastExit = tr("%1 ended (exit code 0)").arg(name);
        ok = true;
    } else {
        m_lastExit = tr("%1 ended with exit code %2").arg(name).arg(exitCode);
    }
    log(ok ? logging::Level::Info : logging::Level::Error, QStringLiteral("exit"), m_lastExit);
    if (m_process)
        m_process->deleteLater();
    m_process.clear();
    Q_EMIT runningChanged(false);
}

void ScriptLauncher::log(logging::Level level, const QString &kind, const QString &message)
{
    logging::LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = level;
    entry.category = QStringLiteral("script");
    entry.kind = kind;
    entry.message = message;
    entry.detail = {{"script", m_launch.script.toStdString()}};
    Q_EMIT logged(entry);
}

} // namespace ango::app
