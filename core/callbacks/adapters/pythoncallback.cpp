#include "callbacks/adapters/pythoncallback.h"

#include "callbacks/adapters/bridgelocation.h"

#include <QFileInfo>
#include <QFileSystemWatcher>

namespace ango::callbacks::adapters {

namespace {
// Editors save in bursts (truncate, write, rename): reload once they are done.
constexpr int kReloadDelayMs = 200;
} // namespace

PythonCallback::PythonCallback(const PythonCallbackOptions &options, QObject *parent)
    : WorkerPool(options.concurrency, parent)
{
    auto settings = std::make_shared<PythonSettings>();
    settings->interpreter
        = options.interpreter.isEmpty() ? QStringLiteral("python3") : options.interpreter;
    settings->scriptPath = QFileInfo(options.scriptPath).absoluteFilePath();
    settings->function = options.function;
    settings->bridgeDir = options.bridgeDir.isEmpty() ? bridgeDirectory() : options.bridgeDir;
    settings->apiHost = options.apiHost;
    settings->workingDirectory = options.workingDirectory.isEmpty()
                                     ? QFileInfo(settings->scriptPath).absolutePath()
                                     : options.workingDirectory;
    settings->environment = QProcessEnvironment::systemEnvironment();
    for (auto it = options.environment.cbegin(); it != options.environment.cend(); ++it)
        settings->environment.insert(it.key(), it.value());
    m_settings = std::move(settings);
    setMaxResultBytes(options.maxResultBytes);

    if (options.reloadOnChange) {
        m_reloadDelay.setSingleShot(true);
        m_reloadDelay.setInterval(kReloadDelayMs);
        connect(&m_reloadDelay, &QTimer::timeout, this, [this] {
            watch();
            reloadWorkers(QStringLiteral("%1 changed: reloading")
                              .arg(QFileInfo(m_settings->scriptPath).fileName()));
        });
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::fileChanged, this,
                [this] { m_reloadDelay.start(); });
        // Saving by rename replaces the file: its folder says when it comes back.
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] {
            if (!m_watcher->files().contains(m_settings->scriptPath)
                && QFileInfo::exists(m_settings->scriptPath))
                m_reloadDelay.start();
        });
        watch();
    }
}

void PythonCallback::watch()
{
    if (!m_watcher)
        return;
    if (!m_watcher->files().contains(m_settings->scriptPath)
        && QFileInfo::exists(m_settings->scriptPath))
        m_watcher->addPath(m_settings->scriptPath);
    const QString folder = QFileInfo(m_settings->scriptPath).absolutePath();
    if (!m_watcher->directories().contains(folder))
        m_watcher->addPath(folder);
}

QString PythonCallback::describe() const
{
    QString text = QStringLiteral("python:%1").arg(m_settings->scriptPath);
    if (!m_loaded.callback.isEmpty()) {
        text += QStringLiteral(" -> %1(%2)")
                    .arg(m_loaded.callback, m_loaded.convention == QLatin1String("kwargs")
                                                ? QStringLiteral("**data")
                                                : QStringLiteral("data"));
        text += QStringLiteral(", Python %1%2")
                    .arg(m_loaded.pythonVersion,
                         m_loaded.shim ? QStringLiteral(" with the console's imerit_ango shim")
                                       : QStringLiteral(" with the installed imerit_ango"));
    } else if (!m_settings->function.isEmpty()) {
        text += QLatin1Char(':') + m_settings->function;
    }
    if (size() > 1)
        text += QStringLiteral(", %1 interpreters").arg(size());
    return text;
}

Worker *PythonCallback::createWorker()
{
    auto *worker = new PythonWorker(m_settings, this);
    connect(worker, &Worker::ready, this, [this, worker] { m_loaded = worker->loaded(); });
    return worker;
}

} // namespace ango::callbacks::adapters
