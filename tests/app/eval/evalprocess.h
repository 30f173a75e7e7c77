#pragma once
// Runs the eval CLI (ango-eval-cli, the same runEvalCommand() as `ango-console eval`) to its end,
// as the eval suites do: exit code (-1 for a crash) and both outputs.
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QStringList>
#include <QTest>

namespace ango::test {

struct Finished
{
    int code = -1;
    QString out;
    QString err;
};

inline Finished runEvalCli(const QStringList &arguments, const QProcessEnvironment &environment
                                                         = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(ANGO_EVAL_CLI), arguments);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 120000); }();
    Finished out;
    out.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    out.out = QString::fromUtf8(process.readAllStandardOutput());
    out.err = QString::fromUtf8(process.readAllStandardError());
    return out;
}

} // namespace ango::test
