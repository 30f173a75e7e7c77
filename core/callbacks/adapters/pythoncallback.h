#pragma once

#include "callbacks/adapters/pythonworker.h"
#include "callbacks/adapters/workerpool.h"

#include <QMap>
#include <QTimer>

class QFileSystemWatcher;

// `python:PATH[:FUNCTION]`: the author's unmodified SDK script in a pool of Python interpreters.
namespace ango::callbacks::adapters {

struct PythonCallbackOptions
{
    QString scriptPath;
    QString function;
    QString interpreter = QStringLiteral("python3");
    int concurrency = 1; // interpreters in the pool
    bool reloadOnChange = false;
    QString apiHost;
    QString workingDirectory;           // empty: the script's folder
    QString bridgeDir;                  // empty: bridgeDirectory()
    QMap<QString, QString> environment; // added to the console's environment
    qint64 maxResultBytes = kDefaultMaxResultBytes;
};

class PythonCallback final : public WorkerPool
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PythonCallback)

public:
    explicit PythonCallback(const PythonCallbackOptions &options, QObject *parent = nullptr);

    QString describe() const override;
    // Filled once a worker has imported the script.
    const LoadedScript &loaded() const { return m_loaded; }

protected:
    Worker *createWorker() override;

private:
    void watch();

    std::shared_ptr<const PythonSettings> m_settings;
    LoadedScript m_loaded;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer m_reloadDelay;
};

} // namespace ango::callbacks::adapters
