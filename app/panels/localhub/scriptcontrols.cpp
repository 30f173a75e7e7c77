#include "scriptcontrols.h"

#include "scriptlauncher.h"

#include "callbacks/adapters/bridgelocation.h"
#include "hub/localhub.h"
#include "panels/common/elidedlabel.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace ango::app {

namespace {

QString shimDirectory()
{
    const QString bridge = callbacks::adapters::bridgeDirectory();
    if (bridge.isEmpty())
        return {};
    const QString shim = QDir(bridge).filePath(QStringLiteral("shim"));
    return QFileInfo(QDir(shim).filePath(QStringLiteral("imerit_ango/plugins.py"))).isFile()
               ? shim
               : QString();
}

} // namespace

ScriptControls::ScriptControls(hub::LocalHub *hub, Inputs inputs, QWidget *parent)
    : QWidget(parent)
    , m_hub(hub)
    , m_inputs(std::move(inputs))
    , m_probe(new SdkProbe(QStringLiteral("python3"), this))
    , m_launcher(new ScriptLauncher(this))
{
    m_note = new ElidedLabel(this, 2);
    m_note->setObjectName(QStringLiteral("localHubShimNoteLabel"));
    m_launch = new QPushButton(tr("Launch script"), this);
    m_launch->setObjectName(QStringLiteral("localHubLaunchButton"));
    m_launch->setToolTip(tr("Start the plugin script with the line's environment; its output "
                            "goes to the log"));
    m_stop = new QPushButton(tr("Stop script"), this);
    m_stop->setObjectName(QStringLiteral("localHubStopScriptButton"));
    m_status = new ElidedLabel(this, 1);
    m_status->setObjectName(QStringLiteral("localHubScriptStatusLabel"));
    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_launch);
    row->addWidget(m_stop);
    row->addWidget(m_status, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_note);
    layout->addLayout(row);

    connect(m_launch, &QPushButton::clicked, this, [this] { launch(); });
    connect(m_stop, &QPushButton::clicked, this, &ScriptControls::stopScript);
    connect(m_launcher, &ScriptLauncher::logged, this, &ScriptControls::logged);
    connect(m_launcher, &ScriptLauncher::runningChanged, this, &ScriptControls::updateState);
    connect(m_probe, &SdkProbe::finished, this, [this] {
        updateState();
        Q_EMIT pythonPathChanged();
        if (std::exchange(m_launchPending, false))
            startLaunch();
    });
    updateState();
}

ScriptControls::~ScriptControls() = default;

QString ScriptControls::pythonPath() const
{
    return m_probe->state() == SdkProbe::State::Absent ? shimDirectory() : QString();
}

QString ScriptControls::note() const
{
    const QString python = m_probe->python();
    switch (m_probe->state()) {
    case SdkProbe::State::Unknown:
        return {};
    case SdkProbe::State::Probing:
        return tr("Checking whether imerit_ango is installed in %1…").arg(python);
    case SdkProbe::State::Installed:
        return tr("imerit_ango is installed in %1: the line uses it.").arg(python);
    case SdkProbe::State::Absent:
        break;
    }
    QString text = shimDirectory().isEmpty()
                       ? tr("imerit_ango is not installed in %1, and the console's shim was not "
                            "found: install imerit-ango (pip install imerit-ango).")
                             .arg(python)
                       : tr("imerit_ango is not installed in %1; the line uses the console's shim.")
                             .arg(python);
    if (!m_probe->detail().isEmpty())
        text += QLatin1Char(' ') + m_probe->detail();
    return text;
}

void ScriptControls::hubStarted()
{
    m_probe->probe();
    updateState();
}

void ScriptControls::hubStopped()
{
    m_launchPending = false;
    stopScript();
    updateState();
}

QString ScriptControls::scriptToLaunch() const
{
    const QString field = m_inputs.script ? m_inputs.script().trimmed() : QString();
    return field.isEmpty() ? m_callbackScript : field;
}

bool ScriptControls::launch()
{
    if (!m_hub || !m_hub->isListening() || m_launcher->isRunning())
        return false;
    if (scriptToLaunch().isEmpty()) {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Plugin script"), QString(), tr("Python scripts (*.py);;All files (*)"));
        if (file.isEmpty())
            return false;
        if (m_inputs.chooseScript)
            m_inputs.chooseScript(file);
        else
            m_callbackScript = file;
    } else if (m_inputs.chooseScript && m_inputs.script && m_inputs.script().trimmed().isEmpty()) {
        m_inputs.chooseScript(m_callbackScript); // the line shows what Launch starts
    }
    m_probe->probe();
    if (m_probe->state() == SdkProbe::State::Probing) {
        m_launchPending = true; // the environment depends on the answer
        updateState();
        return true;
    }
    startLaunch();
    return true;
}

void ScriptControls::startLaunch()
{
    if (!m_hub || !m_hub->isListening())
        return;
    const QString pluginId = m_inputs.pluginId ? m_inputs.pluginId() : QString();
    ScriptLaunch run;
    run.python = m_probe->python();
    run.script = scriptToLaunch();
    run.environment = QProcessEnvironment::systemEnvironment();
    const auto environment = m_hub->startEnvironment(pluginId);
    for (auto it = environment.begin(); it != environment.end(); ++it) {
        if (!it.value().isEmpty())
            run.environment.insert(it.key(), it.value());
    }
    run.secrets << environment.value(QStringLiteral("ANGO_PLUGIN_SECRET"));
    if (const QString shim = pythonPath(); !shim.isEmpty()) {
        const QString inherited = run.environment.value(QStringLiteral("PYTHONPATH"));
        run.environment.insert(QStringLiteral("PYTHONPATH"),
                               inherited.isEmpty() ? shim
                                                   : shim + QDir::listSeparator() + inherited);
    }
    m_launcher->start(run);
    updateState();
}

void ScriptControls::stopScript()
{
    m_launchPending = false;
    m_launcher->stop();
    updateState();
}

void ScriptControls::updateState()
{
    const bool listening = m_hub && m_hub->isListening();
    const bool running = m_launcher->isRunning();
    // The note is about the line, which only exists while the hub listens.
    m_note->setText(note());
    m_note->setVisible(listening && !note().isEmpty());
    m_launch->setEnabled(listening && !running && !m_launchPending);
    m_launch->setToolTip(listening ? tr("Start the plugin script with the line's environment; "
                                        "its output goes to the log")
                                   : tr("Start the local hub first."));
    m_stop->setEnabled(running || m_launchPending);
    if (m_launchPending)
        m_status->setText(tr("waiting for the python check…"));
    else if (running)
        m_status->setText(tr("%1 running (pid %2)")
                              .arg(QFileInfo(m_launcher->script()).fileName())
                              .arg(m_launcher->processId()));
    else
        m_status->setText(m_launcher->lastExit());
}

} // namespace ango::app
