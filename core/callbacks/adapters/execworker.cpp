#include "callbacks/adapters/execworker.h"

#include "common/jsonlimits.h"

#include <QFileInfo>

namespace ango::callbacks::adapters {

ExecWorker::ExecWorker(std::shared_ptr<const ExecSettings> settings, QObject *parent)
    : Worker(parent)
    , m_settings(std::move(settings))
{}

ChildSpec ExecWorker::spawnSpec() const
{
    ChildSpec spec;
    spec.layout = ChildSpec::Layout::Stdio;
    spec.program = m_settings->program;
    spec.arguments = m_settings->arguments;
    spec.workingDirectory = m_settings->workingDirectory;
    spec.environment = m_settings->environment;
    return spec;
}

QByteArray ExecWorker::encodeCall(quint64, const nlohmann::json &request) const
{
    // dump() without indentation never breaks a line: newlines inside strings are escaped.
    return QByteArray::fromStdString(
        request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

QString ExecWorker::processName() const
{
    return QFileInfo(m_settings->program).fileName();
}

void ExecWorker::handleFrame(const QByteArray &frame)
{
    const QByteArray line = frame.trimmed();
    if (phase() == Phase::Busy && (line.startsWith('[') || line.startsWith('{'))) {
        // Checked on the text: nothing deep is built, let alone serialised.
        if (const qint64 at = jsonTextTooDeepAt(std::string_view(line.constData(), line.size()));
            at >= 0) {
            finishCall(makeError(
                QStringLiteral("exec callback %1: the result is nested deeper than %2 levels "
                               "(at byte %3 of its line)")
                    .arg(processName())
                    .arg(kDefaultJsonMaxDepth)
                    .arg(at)));
            return;
        }
    }
    nlohmann::json parsed
        = nlohmann::json::parse(line.constBegin(), line.constEnd(), nullptr, false);
    if (line.isEmpty() || parsed.is_discarded() || phase() != Phase::Busy) {
        Q_EMIT outputLine(QString::fromUtf8(frame), false);
        return;
    }
    if (parsed.is_object() && parsed.size() == 1 && parsed.contains("error")
        && parsed["error"].is_string()) {
        finishCall(makeError(QString::fromStdString(parsed["error"].get<std::string>())));
        return;
    }
    finishCall(std::move(parsed));
}

} // namespace ango::callbacks::adapters
