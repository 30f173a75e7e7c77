#include "callbacks/adapters/pythonworker.h"

#include "callbacks/adapters/bridgeframe.h"
#include "callbacks/adapters/commandline.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>

namespace ango::callbacks::adapters {

namespace {

QString text(const nlohmann::json &frame, const char *key)
{
    const auto it = frame.find(key);
    return it != frame.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                : QString();
}

LogLevel levelFrom(const QString &name)
{
    if (name == QLatin1String("DEBUG"))
        return LogLevel::Debug;
    if (name == QLatin1String("WARNING"))
        return LogLevel::Warning;
    if (name == QLatin1String("ERROR"))
        return LogLevel::Error;
    return LogLevel::Info;
}

// The interpreter setting is a path when such a file exists (spaces and all), else a command line.
QStringList interpreterCommand(const QString &interpreter)
{
    if (QFileInfo(interpreter).isFile())
        return {interpreter};
    const auto split = splitShellWords(interpreter);
    const QStringList words = split ? *split : QStringList();
    return words.isEmpty() ? QStringList{QStringLiteral("python3")} : words;
}

} // namespace

PythonWorker::PythonWorker(std::shared_ptr<const PythonSettings> settings, QObject *parent)
    : Worker(parent)
    , m_settings(std::move(settings))
{}

ChildSpec PythonWorker::spawnSpec() const
{
    const PythonSettings &s = *m_settings;
    QStringList command = interpreterCommand(s.interpreter);
    ChildSpec spec;
    spec.layout = ChildSpec::Layout::SideChannel;
    spec.program = command.takeFirst();
    spec.arguments = command;
    spec.arguments << QStringLiteral("-u")
                   << QDir(s.bridgeDir).filePath(QStringLiteral("ango_bridge.py"))
                   << QStringLiteral("--channel-in") << QString::number(ChildProcess::kRequestFd)
                   << QStringLiteral("--channel-out") << QString::number(ChildProcess::kFrameFd)
                   << QStringLiteral("--shim-dir")
                   << QDir(s.bridgeDir).filePath(QStringLiteral("shim"));
    if (!s.apiHost.isEmpty())
        spec.arguments << QStringLiteral("--api-host") << s.apiHost;
    spec.arguments << s.scriptPath;
    if (!s.function.isEmpty())
        spec.arguments << s.function;
    spec.environment = s.environment;
    // Prints reach the console line by line, and in UTF-8 whatever the locale.
    spec.environment.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1"));
    spec.environment.insert(QStringLiteral("PYTHONIOENCODING"),
                            QStringLiteral("utf-8:backslashreplace"));
    spec.workingDirectory = s.workingDirectory;
    return spec;
}

QByteArray PythonWorker::encodeCall(quint64 callId, const nlohmann::json &request) const
{
    const nlohmann::json frame{{"type", "call"}, {"id", callId}, {"request", request}};
    return QByteArray::fromStdString(
        frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

QString PythonWorker::processName() const
{
    return QFileInfo(interpreterCommand(m_settings->interpreter).constFirst()).fileName();
}

void PythonWorker::handleFrame(const QByteArray &frame)
{
    auto parsed = parseBridgeFrame(frame);
    if (!parsed) {
        // Too deep is the author's result, not a broken bridge: fail the call, keep the process.
        if (parsed.error().status == kFrameTooDeep && phase() == Phase::Busy) {
            finishCall(makeError(
                QStringLiteral("python callback %1: %2")
                    .arg(QFileInfo(m_settings->scriptPath).fileName(), parsed.error().message)));
            return;
        }
        protocolError(parsed.error().message);
        return;
    }
    try {
        handle(*parsed);
    } catch (const nlohmann::json::exception &e) {
        protocolError(QStringLiteral("the bridge sent an unexpected frame: %1")
                          .arg(QString::fromUtf8(e.what())));
    }
}

void PythonWorker::handle(const nlohmann::json &frame)
{
    const QString type = text(frame, "type");
    if (type == QLatin1String("log")) {
        Q_EMIT logRecorded(frame.at("id").get<quint64>(), levelFrom(text(frame, "level")),
                           text(frame, "msg"));
    } else if (type == QLatin1String("result")) {
        if (currentCall() != frame.at("id").get<quint64>())
            return; // a late answer to a call this worker no longer runs
        if (frame.value("ok", false)) {
            finishCall(frame.contains("result") ? frame.at("result") : nlohmann::json());
            return;
        }
        // First line: the exception in one line; then the author's traceback.
        QString message = text(frame, "error");
        if (const QString trace = text(frame, "traceback").trimmed(); !trace.isEmpty())
            message += QLatin1Char('\n') + trace;
        finishCall(makeError(message));
    } else if (type == QLatin1String("ready")) {
        m_loaded.callback = text(frame, "callback");
        m_loaded.convention = text(frame, "convention");
        m_loaded.pythonVersion = text(frame, "python");
        m_loaded.shim = frame.value("shim", true);
        markReady();
    } else if (type == QLatin1String("loadError")) {
        QString message = text(frame, "message");
        if (const QString trace = text(frame, "traceback").trimmed(); !trace.isEmpty())
            message += QLatin1Char('\n') + trace;
        failLoad(makeError(message));
    }
    // Unknown frame types are ignored: a newer bridge may say more than this console reads.
}

} // namespace ango::callbacks::adapters
