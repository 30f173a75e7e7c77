#include "sdkprobe.h"

#include <QProcess>
#include <QTimer>

namespace ango::app {

namespace {

// Exit 0: installed; 3: absent. find_spec does not import the package, so a slow or broken
// install cannot hang the probe.
const char *const kProbeSource
    = "import importlib.util, sys\n"
      "sys.exit(0 if importlib.util.find_spec('imerit_ango') is not None else 3)\n";

} // namespace

SdkProbe::SdkProbe(QString python, QObject *parent)
    : QObject(parent)
    , m_python(std::move(python))
{}

SdkProbe::~SdkProbe()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
    }
}

void SdkProbe::probe()
{
    if (m_state != State::Unknown)
        return;
    m_state = State::Probing;
    auto *process = new QProcess(this);
    m_process = process;
    process->setProcessChannelMode(QProcess::MergedChannels);
    connect(process, &QProcess::finished, this,
            [this, process](int exitCode, QProcess::ExitStatus status) {
                process->deleteLater();
                if (status == QProcess::NormalExit && exitCode == 0)
                    conclude(State::Installed, {});
                else if (status == QProcess::NormalExit && exitCode == 3)
                    conclude(State::Absent, {});
                else
                    conclude(
                        State::Absent,
                        tr("%1 failed: %2")
                            .arg(m_python,
                                 QString::fromUtf8(process->readAll()).simplified().left(200)));
            });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return; // a crash or a timeout's kill ends in finished()
        process->deleteLater();
        conclude(State::Absent,
                 tr("%1 could not be started (%2)").arg(m_python, process->errorString()));
    });
    QTimer::singleShot(kTimeoutMs, process, [process] { process->kill(); });
    process->start(m_python, {QStringLiteral("-c"), QString::fromLatin1(kProbeSource)});
}

void SdkProbe::conclude(State state, const QString &detail)
{
    if (m_state != State::Probing)
        return;
    m_state = state;
    m_detail = detail;
    Q_EMIT finished(state);
}

} // namespace ango::app
