#include "callbacks/adapters/execcallback.h"

#include "callbacks/adapters/commandline.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>

namespace ango::callbacks::adapters {

ExecCallback::ExecCallback(const ExecCallbackOptions &options, QObject *parent)
    : WorkerPool(options.concurrency, parent)
    , m_command(options.command)
{
    auto settings = std::make_shared<ExecSettings>();
    // A command that does not split (the factory refuses those) runs nothing: "could not start".
    const auto split = splitShellWords(options.command);
    QStringList words = split ? *split : QStringList();
    settings->program = words.isEmpty() ? QString() : words.takeFirst();
    settings->arguments = words;
    settings->workingDirectory
        = options.workingDirectory.isEmpty() ? QDir::currentPath() : options.workingDirectory;
    // "./model" means next to where the console was started, not inside the working directory.
    if (settings->program.contains(QLatin1Char('/')) && QFileInfo(settings->program).isRelative())
        settings->program = QFileInfo(settings->program).absoluteFilePath();
    settings->environment = QProcessEnvironment::systemEnvironment();
    for (auto it = options.environment.cbegin(); it != options.environment.cend(); ++it)
        settings->environment.insert(it.key(), it.value());
    m_settings = std::move(settings);
    setMaxResultBytes(options.maxResultBytes);
}

QString ExecCallback::describe() const
{
    QString text = QStringLiteral("exec:%1").arg(m_command);
    if (size() > 1)
        text += QStringLiteral(", %1 processes").arg(size());
    return text;
}

Worker *ExecCallback::createWorker()
{
    return new ExecWorker(m_settings, this);
}

} // namespace ango::callbacks::adapters
