#pragma once

#include "callbacks/adapters/execworker.h"
#include "callbacks/adapters/workerpool.h"

#include <QMap>

// `exec:COMMAND`: any program speaking JSON lines (see execworker.h), in a pool of processes.
namespace ango::callbacks::adapters {

struct ExecCallbackOptions
{
    QString command; // a command line: program and arguments, shell-like quoting
    int concurrency = 1;
    QString workingDirectory; // empty: the console's current directory
    QMap<QString, QString> environment;
    qint64 maxResultBytes = kDefaultMaxResultBytes;
};

class ExecCallback final : public WorkerPool
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExecCallback)

public:
    // The command must not be empty (the factory checks).
    explicit ExecCallback(const ExecCallbackOptions &options, QObject *parent = nullptr);

    QString describe() const override;

protected:
    Worker *createWorker() override;

private:
    QString m_command;
    std::shared_ptr<const ExecSettings> m_settings;
};

} // namespace ango::callbacks::adapters
