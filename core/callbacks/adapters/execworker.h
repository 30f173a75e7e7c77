#pragma once

#include "callbacks/adapters/worker.h"

#include <QProcessEnvironment>

#include <memory>

// Any program speaking JSON lines: one request per line on its stdin, one result per line on its
// stdout (`{"error": "..."}` alone reports a failure), anything on stderr goes to the log. A
// stdout line that is not JSON is shown as output instead of being taken as the result.
namespace ango::callbacks::adapters {

struct ExecSettings
{
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QProcessEnvironment environment;
};

class ExecWorker final : public Worker
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExecWorker)

public:
    ExecWorker(std::shared_ptr<const ExecSettings> settings, QObject *parent = nullptr);

protected:
    ChildSpec spawnSpec() const override;
    bool readyWhenStarted() const override { return true; }
    QByteArray encodeCall(quint64 callId, const nlohmann::json &request) const override;
    void handleFrame(const QByteArray &frame) override;
    QString processName() const override;

private:
    std::shared_ptr<const ExecSettings> m_settings;
};

} // namespace ango::callbacks::adapters
