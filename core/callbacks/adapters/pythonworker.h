#pragma once

#include "callbacks/adapters/worker.h"

#include <QProcessEnvironment>

#include <memory>

// A persistent Python interpreter running resources/bridge/ango_bridge.py on the author's script
// (protocol in the bridge's docstring: JSON lines on fds 3 and 4).
namespace ango::callbacks::adapters {

struct PythonSettings
{
    QString interpreter
        = QStringLiteral("python3"); // a path, or a command line ("conda run -n x python")
    QString scriptPath;              // absolute
    QString function;                // empty: the callback handed to ModelPlugin(...)
    QString bridgeDir;               // holds ango_bridge.py and shim/
    QString apiHost;                 // where the shim's SDK goes; empty: where the script says
    QString workingDirectory;
    QProcessEnvironment environment;
};

// What the bridge reported once the script was imported.
struct LoadedScript
{
    QString callback;
    QString convention; // "dict" (def cb(data)) or "kwargs" (def cb(**data))
    QString pythonVersion;
    bool shim = true; // false: the installed imerit_ango package is used
};

class PythonWorker final : public Worker
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PythonWorker)

public:
    PythonWorker(std::shared_ptr<const PythonSettings> settings, QObject *parent = nullptr);

    const LoadedScript &loaded() const { return m_loaded; }

protected:
    ChildSpec spawnSpec() const override;
    bool readyWhenStarted() const override { return false; }
    QByteArray encodeCall(quint64 callId, const nlohmann::json &request) const override;
    void handleFrame(const QByteArray &frame) override;
    QString processName() const override;

private:
    void handle(const nlohmann::json &frame);

    std::shared_ptr<const PythonSettings> m_settings;
    LoadedScript m_loaded;
};

} // namespace ango::callbacks::adapters
