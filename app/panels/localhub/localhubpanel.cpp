#include "localhubpanel.h"

#include "connectedpluginmodel.h"
#include "hub/localhub.h"
#include "hub/socketsession.h"
#include "scriptcontrols.h"

#include "panels/common/elidedlabel.h"

#include <QAction>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

namespace ango::app {

using nlohmann::json;

namespace {

// Shown in the command line until the user names them: a copied line is still meaningful.
const QString kPluginIdPlaceholder = QStringLiteral("YOUR_PLUGIN_ID");
const QString kScriptPlaceholder = QStringLiteral("plugin.py");

QString describeResult(const hub::RunOutcome &outcome)
{
    const json objects
        = outcome.workflow
              ? outcome.result.value("answer", json::object()).value("objects", json())
              : (outcome.result.is_object() ? outcome.result.value("objects", json()) : json());
    const QString what
        = outcome.workflow ? LocalHubPanel::tr("annotate body") : LocalHubPanel::tr("response");
    if (!objects.is_array())
        return LocalHubPanel::tr("%1 in %2 ms").arg(what).arg(outcome.durationMs);
    return LocalHubPanel::tr("%1 in %2 ms: %n object(s)", nullptr, int(objects.size()))
        .arg(what)
        .arg(outcome.durationMs);
}

} // namespace

LocalHubPanel::LocalHubPanel(QWidget *parent)
    : LocalHubPanel(nullptr, parent)
{}

LocalHubPanel::LocalHubPanel(hub::LocalHub *localHub, QWidget *parent)
    : QWidget(parent)
    , m_hub(localHub ? localHub : new hub::LocalHub({}, this))
    , m_model(new ConnectedPluginModel(this))
{
    buildUi();
    m_model->setHub(m_hub);
    wireHub();
    updateCommand();
    updateState();
}

LocalHubPanel::~LocalHubPanel()
{
    // An owned hub is a child and dies after this body: its last signals (runs failing as it
    // closes connections) must not reach a half-destroyed panel.
    if (m_hub) {
        m_hub->disconnect(this);
        m_hub->disconnect(m_model);
    }
}

void LocalHubPanel::buildUi()
{
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("localHubPortSpin"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    m_port->setToolTip(tr("The hub listens on 127.0.0.1 only; 0 picks a free port."));
    m_startStop = new QPushButton(tr("Start"), this);
    m_startStop->setObjectName(QStringLiteral("localHubStartStopButton"));
    connect(m_startStop, &QPushButton::clicked, this, [this] {
        if (m_hub && m_hub->isListening())
            stop();
        else
            start();
    });
    m_address = new ElidedLabel(this, 1);
    m_address->setText(tr("stopped"));
    m_address->setObjectName(QStringLiteral("localHubAddressLabel"));
    auto *listenRow = new QHBoxLayout;
    listenRow->addWidget(new QLabel(QStringLiteral("127.0.0.1 :"), this));
    listenRow->addWidget(m_port);
    listenRow->addWidget(m_startStop);

    m_pluginId = new QLineEdit(this);
    m_pluginId->setObjectName(QStringLiteral("localHubPluginIdEdit"));
    m_pluginId->setPlaceholderText(tr("the plugin id the script sends in its heartbeat"));
    m_secret = new QLineEdit(this);
    m_secret->setObjectName(QStringLiteral("localHubSecretEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("the secret the script has in ANGO_PLUGIN_SECRET"));
    // A generated secret must reach the user's shell: it can be shown and copied.
    QAction *reveal = m_secret->addAction(style()->standardIcon(QStyle::SP_FileDialogContentsView),
                                          QLineEdit::TrailingPosition);
    reveal->setObjectName(QStringLiteral("localHubRevealSecretAction"));
    reveal->setCheckable(true);
    reveal->setToolTip(tr("Show the secret"));
    connect(reveal, &QAction::toggled, this, [this](bool on) {
        m_secret->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
    });
    auto *copySecret = new QPushButton(tr("Copy"), this);
    copySecret->setObjectName(QStringLiteral("localHubCopySecretButton"));
    copySecret->setToolTip(tr("Copy the secret, to set ANGO_PLUGIN_SECRET in the script's shell"));
    connect(copySecret, &QPushButton::clicked, this, [this, copySecret] {
        QGuiApplication::clipboard()->setText(m_secret->text());
        copySecret->setText(tr("Copied ✓"));
        QTimer::singleShot(2000, copySecret, [copySecret] { copySecret->setText(tr("Copy")); });
    });
    m_generateSecret = new QPushButton(tr("Generate"), this);
    connect(m_generateSecret, &QPushButton::clicked, this,
            [this] { setSecret(hub::randomId(24)); });
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(m_generateSecret);
    secretRow->addWidget(copySecret);
    connect(m_pluginId, &QLineEdit::textChanged, this, [this] {
        applyAcceptedPlugin();
        updateCommand();
        updateState();
    });
    connect(m_secret, &QLineEdit::textChanged, this, [this] { applyAcceptedPlugin(); });

    m_script = new QLineEdit(this);
    m_script->setObjectName(QStringLiteral("localHubScriptEdit"));
    m_script->setPlaceholderText(kScriptPlaceholder);
    connect(m_script, &QLineEdit::textChanged, this, &LocalHubPanel::updateCommand);
    m_command = new QLineEdit(this);
    m_command->setObjectName(QStringLiteral("localHubCommandEdit"));
    m_command->setReadOnly(true);
    m_command->setToolTip(
        tr("Run this in a shell where ANGO_PLUGIN_SECRET holds the secret above; the secret "
           "itself is never shown here."));
    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setObjectName(QStringLiteral("localHubCopyButton"));
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_command->text());
        // Copying gives no other sign of having worked.
        m_copy->setText(tr("Copied ✓"));
        QTimer::singleShot(2000, m_copy, [copy = m_copy] { copy->setText(tr("Copy")); });
    });
    auto *commandRow = new QHBoxLayout;
    commandRow->addWidget(m_command, 1);
    commandRow->addWidget(m_copy);
    auto *browseScript = new QPushButton(tr("Browse…"), this);
    connect(browseScript, &QPushButton::clicked, this, [this] {
        const QString file
            = QFileDialog::getOpenFileName(this, tr("Plugin script"), m_script->text(),
                                           tr("Python scripts (*.py);;All files (*)"));
        if (!file.isEmpty())
            setScriptPath(file);
    });
    auto *scriptRow = new QHBoxLayout;
    scriptRow->addWidget(m_script, 1);
    scriptRow->addWidget(browseScript);
    m_scriptControls = new ScriptControls(m_hub,
                                          {[this] { return m_script->text(); },
                                           [this] { return m_pluginId->text().trimmed(); },
                                           [this](const QString &path) { setScriptPath(path); }},
                                          this);
    connect(m_scriptControls, &ScriptControls::logged, this, &LocalHubPanel::logged);
    connect(m_scriptControls, &ScriptControls::pythonPathChanged, this,
            &LocalHubPanel::updateCommand);

    m_plugins = new QTableView(this);
    m_plugins->setObjectName(QStringLiteral("localHubPluginsView"));
    m_plugins->setModel(m_model);
    m_plugins->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_plugins->setSelectionMode(QAbstractItemView::SingleSelection);
    m_plugins->verticalHeader()->hide();
    m_plugins->horizontalHeader()->setStretchLastSection(true);
    connect(m_plugins->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LocalHubPanel::updateState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &LocalHubPanel::updateState);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &LocalHubPanel::updateState);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &LocalHubPanel::updateState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &LocalHubPanel::updateState);

    m_asset = new QLineEdit(this);
    m_asset->setObjectName(QStringLiteral("localHubAssetEdit"));
    m_asset->setPlaceholderText(tr("an image file, served to the plugin as the run's asset"));
    connect(m_asset, &QLineEdit::textChanged, this, &LocalHubPanel::updateState);
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Asset image"), m_asset->text(),
            tr("Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;All files (*)"));
        if (!file.isEmpty())
            setAssetPath(file);
    });
    auto *assetRow = new QHBoxLayout;
    assetRow->addWidget(m_asset, 1);
    assetRow->addWidget(browse);

    m_interactive = new QRadioButton(tr("Interactive"), this);
    m_interactive->setObjectName(QStringLiteral("localHubInteractiveRadio"));
    m_interactive->setToolTip(tr("The plugin answers with a `response` event."));
    m_interactive->setChecked(true);
    m_workflow = new QRadioButton(tr("Workflow"), this);
    m_workflow->setObjectName(QStringLiteral("localHubWorkflowRadio"));
    m_workflow->setToolTip(tr("The run carries a taskId; the plugin answers with POST "
                              "/v2/annotate/{taskId}."));
    m_run = new QPushButton(tr("Run"), this);
    m_run->setObjectName(QStringLiteral("localHubRunButton"));
    connect(m_run, &QPushButton::clicked, this, [this] { sendRun(); });
    m_abandon = new QPushButton(tr("Abandon"), this);
    m_abandon->setObjectName(QStringLiteral("localHubAbandonButton"));
    m_abandon->setToolTip(tr("Stop waiting for this run's answer."));
    connect(m_abandon, &QPushButton::clicked, this, [this] {
        if (m_hub && !m_session.isEmpty())
            m_hub->abandonRun(m_session);
        const QString abandoned = std::exchange(m_session, QString());
        updateState();
        showOutcome(tr("Run %1 abandoned").arg(abandoned), false);
    });
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_interactive);
    runRow->addWidget(m_workflow);
    runRow->addStretch(1);
    runRow->addWidget(m_run);
    runRow->addWidget(m_abandon);

    m_outcome = new ElidedLabel(this, 3);
    m_outcome->setObjectName(QStringLiteral("localHubOutcomeLabel"));

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows); // narrow docks: labels go above
    form->addRow(tr("Listen"), listenRow);
    // A row of its own: beside Start in a 1280-px window it was elided down to "…".
    form->addRow(tr("Address"), m_address);
    form->addRow(tr("Plugin id"), m_pluginId);
    form->addRow(tr("Secret"), secretRow);
    form->addRow(tr("Script"), scriptRow);
    form->addRow(tr("Start it with"), commandRow);
    form->addRow(QString(), m_scriptControls);
    auto *runForm = new QFormLayout;
    runForm->setRowWrapPolicy(QFormLayout::WrapLongRows); // narrow docks: labels go above
    runForm->addRow(tr("Asset"), assetRow);
    runForm->addRow(QString(), runRow);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Connected plugins"), this));
    layout->addWidget(m_plugins, 1);
    layout->addLayout(runForm);
    layout->addWidget(m_outcome);
}

void LocalHubPanel::wireHub()
{
    if (!m_hub)
        return;
    connect(m_hub, &hub::LocalHub::logged, this, &LocalHubPanel::logged);
    connect(m_hub, &hub::LocalHub::runFinished, this, &LocalHubPanel::onRunFinished);
    connect(m_hub, &hub::LocalHub::pluginRefused, this, [this](const hub::ConnectedPlugin &plugin) {
        showOutcome(
            tr("Refused %1: %2")
                .arg(plugin.pluginId.isEmpty() ? plugin.peer : plugin.pluginId, plugin.refusal),
            false);
    });
}

void LocalHubPanel::setCategorySchema(const json &categorySchema)
{
    m_categorySchema = categorySchema;
}

void LocalHubPanel::setConfigJson(const QString &text)
{
    if (text.trimmed().isEmpty())
        m_configJson.reset();
    else
        m_configJson = text;
}

void LocalHubPanel::setPluginId(const QString &pluginId)
{
    m_pluginId->setText(pluginId);
}

void LocalHubPanel::setSecret(const QString &secret)
{
    m_secret->setText(secret);
}

void LocalHubPanel::setScriptPath(const QString &path)
{
    m_script->setText(path);
}

void LocalHubPanel::setCallbackSpec(const QString &spec)
{
    // "python:/x/model.py" or "python:/x/model.py:predict" (a function after the script).
    QString script;
    if (spec.startsWith(QLatin1String("python:"))) {
        script = spec.mid(7);
        if (const qsizetype colon = script.lastIndexOf(QLatin1Char(':'));
            colon > 0 && !QFileInfo(script).isFile() && QFileInfo(script.left(colon)).isFile())
            script = script.left(colon);
    }
    m_scriptControls->setCallbackScript(script);
}

void LocalHubPanel::setAssetPath(const QString &path)
{
    m_asset->setText(path);
}

void LocalHubPanel::setPort(quint16 port)
{
    m_port->setValue(port);
}

void LocalHubPanel::setWorkflow(bool workflow)
{
    (workflow ? m_workflow : m_interactive)->setChecked(true);
}

QString LocalHubPanel::startCommand() const
{
    return m_command->text();
}

QString LocalHubPanel::runTarget() const
{
    const QModelIndexList selected = m_plugins->selectionModel()->selectedRows();
    if (!selected.isEmpty()) {
        const QString id = selected.first().data(ConnectedPluginModel::PluginIdRole).toString();
        if (!id.isEmpty())
            return id;
    }
    return m_pluginId->text().trimmed();
}

bool LocalHubPanel::start()
{
    if (!m_hub)
        return false;
    if (m_hub->isListening())
        return true;
    applyAcceptedPlugin();
    const auto listening
        = m_hub->start(QHostAddress(QHostAddress::LocalHost), quint16(m_port->value()));
    if (!listening) {
        updateState();
        showOutcome(listening.error().message, false);
        logPanelError(QStringLiteral("listen"), listening.error().message);
        return false;
    }
    m_address->setText(m_hub->url().toString());
    m_scriptControls->hubStarted();
    updateCommand();
    updateState();
    Q_EMIT started(m_hub->url());
    return true;
}

void LocalHubPanel::stop()
{
    if (!m_hub || !m_hub->isListening())
        return;
    m_hub->stop();
    m_scriptControls->hubStopped(); // a script serving this hub has nothing left to do
    m_model->clear();
    m_address->setText(tr("stopped"));
    updateCommand();
    updateState();
    Q_EMIT stopped();
}

bool LocalHubPanel::sendRun()
{
    if (!m_hub || !m_hub->isListening()) {
        showOutcome(tr("Start the local hub first."), false);
        return false;
    }
    const QString target = runTarget();
    const QString image = m_asset->text().trimmed();
    if (target.isEmpty() || image.isEmpty()) {
        showOutcome(tr("Choose a plugin and an image to run on."), false);
        return false;
    }
    hub::RunRequest request;
    request.pluginId = target;
    request.assetId = image;
    request.categorySchema = m_categorySchema;
    request.configJson = m_configJson;
    request.workflow = m_workflow->isChecked();
    const auto session = m_hub->sendRun(request);
    if (!session) {
        showOutcome(session.error().message, false);
        logPanelError(QStringLiteral("run"), session.error().message);
        return false;
    }
    m_session = *session;
    updateState(); // says the run is on its way
    Q_EMIT runStarted(m_session, image, m_categorySchema);
    return true;
}

void LocalHubPanel::applyAcceptedPlugin()
{
    if (!m_hub)
        return;
    const QString id = m_pluginId->text().trimmed();
    const QString secret = m_secret->text();
    if (!m_acceptedId.isEmpty() && (m_acceptedId != id || secret.isEmpty()))
        m_hub->removePlugin(m_acceptedId);
    m_acceptedId.clear();
    if (id.isEmpty() || secret.isEmpty())
        return;
    m_hub->setPluginSecret(id, secret);
    m_acceptedId = id;
}

void LocalHubPanel::updateCommand()
{
    if (!m_hub || !m_hub->isListening()) {
        m_command->clear();
        m_command->setPlaceholderText(tr("start the hub to get the command line"));
        return;
    }
    const QString id = m_pluginId->text().trimmed();
    const QString script = m_script->text().trimmed();
    m_command->setText(m_hub->startCommand(id.isEmpty() ? kPluginIdPlaceholder : id,
                                           script.isEmpty() ? kScriptPlaceholder : script, false,
                                           m_scriptControls->pythonPath()));
}

void LocalHubPanel::updateState()
{
    const bool listening = m_hub && m_hub->isListening();
    m_port->setEnabled(!listening);
    m_startStop->setText(listening ? tr("Stop") : tr("Start"));
    m_copy->setEnabled(listening);
    m_run->setEnabled(runReady());
    m_run->setToolTip(runReady() ? tr("Send a run with this image to the plugin") : stateHint());
    m_abandon->setEnabled(!m_session.isEmpty());
    // A message about another state (an old result, a hint from before the plugin connected)
    // would contradict the present one.
    const QString key = QStringList{QString::number(listening),
                                    QString::number(m_model->rowCount()),
                                    QString::number(targetConnected()),
                                    m_session,
                                    runTarget(),
                                    m_asset->text().trimmed()}
                            .join(QChar(0x1f));
    if (key != m_stateKey) {
        m_stateKey = key;
        m_event.clear();
    }
    refreshMessage();
}

bool LocalHubPanel::runReady() const
{
    const QString image = m_asset->text().trimmed();
    return m_hub && m_hub->isListening() && m_session.isEmpty() && targetConnected()
           && !image.isEmpty() && QFileInfo::exists(image);
}

bool LocalHubPanel::targetConnected() const
{
    // What the hub itself checks before it sends a run.
    const QString target = runTarget();
    return m_hub && !target.isEmpty() && m_hub->isLive(target);
}

QString LocalHubPanel::targetRefusal() const
{
    const QString target = runTarget();
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const hub::ConnectedPlugin plugin = m_model->pluginAt(row);
        if (plugin.pluginId == target && plugin.state == hub::PluginState::Refused)
            return plugin.refusal;
    }
    return {};
}

QString LocalHubPanel::stateHint() const
{
    if (!m_hub || !m_hub->isListening())
        return tr("Start the local hub, then start the plugin script with the line it shows.");
    if (!m_session.isEmpty())
        return tr("Run %1 sent to %2, waiting for its answer…").arg(m_session, runTarget());
    if (m_model->rowCount() == 0)
        return tr("Listening: start the plugin script with the line above.");
    if (runTarget().isEmpty())
        return tr("Select a connected plugin or enter its plugin id.");
    if (const QString refusal = targetRefusal(); !refusal.isEmpty() && !targetConnected())
        return tr("Refused %1: %2").arg(runTarget(), refusal);
    if (!targetConnected())
        return tr("Plugin %1 is not connected: start it with the line above.").arg(runTarget());
    const QString image = m_asset->text().trimmed();
    if (image.isEmpty())
        return tr("Choose an image to run on.");
    if (!QFileInfo::exists(image))
        return tr("The image %1 does not exist.").arg(image);
    return tr("%n plugin(s) connected: press Run to send the image.", nullptr, m_model->rowCount());
}

void LocalHubPanel::refreshMessage()
{
    const bool event = !m_event.isEmpty();
    m_outcome->setText(event ? m_event : stateHint());
    m_outcome->setStyleSheet(event && !m_eventOk ? QStringLiteral("color: #cf222e;") : QString());
}

void LocalHubPanel::onRunFinished(const hub::RunOutcome &outcome)
{
    if (outcome.session == m_session) {
        m_session.clear();
        updateState();
        showOutcome(outcome.ok ? tr("Run %1: %2").arg(outcome.session, describeResult(outcome))
                               : tr("Run %1 failed: %2").arg(outcome.session, outcome.error),
                    outcome.ok);
    }
    Q_EMIT runFinished(outcome);
}

void LocalHubPanel::showOutcome(const QString &text, bool ok)
{
    m_event = text;
    m_eventOk = ok;
    refreshMessage();
}

void LocalHubPanel::logPanelError(const QString &kind, const QString &message)
{
    logging::LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = logging::Level::Error;
    entry.category = QStringLiteral("hub");
    entry.kind = kind;
    entry.message = message;
    Q_EMIT logged(entry);
}

} // namespace ango::app
