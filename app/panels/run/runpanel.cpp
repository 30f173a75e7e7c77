#include "runpanel.h"

#include "panels/common/elidedlabel.h"

#include <QButtonGroup>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QVBoxLayout>

namespace ango::app {

RunPanel::RunPanel(QSettings &settings, QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
{
    buildUi();
    m_file->setText(m_settings.value(QStringLiteral("run/file")).toString());
    m_project->setText(m_settings.value(QStringLiteral("run/project")).toString());
    m_asset->setText(m_settings.value(QStringLiteral("run/asset")).toString());
    (m_settings.value(QStringLiteral("run/kind")).toInt() == 1 ? m_assetKind : m_localKind)
        ->setChecked(true);
    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, &RunPanel::tick);
    updateRunEnabled();
}

RunPanel::~RunPanel() = default;

void RunPanel::buildUi()
{
    m_localKind = new QRadioButton(tr("Local image"), this);
    m_assetKind = new QRadioButton(tr("Project asset"), this);
    m_assetKind->setObjectName(QStringLiteral("runAssetKindButton"));
    m_assetKind->setToolTip(tr("Look the asset up through the REST API (API host of the "
                               "Connection panel) and run on it as the hub would"));
    auto *kinds = new QButtonGroup(this);
    kinds->addButton(m_localKind);
    kinds->addButton(m_assetKind);

    m_file = new QLineEdit(this);
    m_file->setObjectName(QStringLiteral("runFileEdit"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Image"), m_file->text(),
            tr("Images (*.png *.jpg *.jpeg *.bmp *.webp);;All files (*)"));
        if (!file.isEmpty())
            setLocalFile(file);
    });
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browse);

    m_project = new QLineEdit(this);
    m_project->setObjectName(QStringLiteral("runProjectEdit"));
    m_project->setPlaceholderText(tr("project ID"));
    m_asset = new QLineEdit(this);
    m_asset->setObjectName(QStringLiteral("runAssetEdit"));
    m_asset->setPlaceholderText(tr("asset ID or external ID"));
    m_byExternalId = new QRadioButton(tr("is an external ID"), this);
    m_byExternalId->setObjectName(QStringLiteral("runByExternalIdButton"));
    m_byExternalId->setAutoExclusive(false);
    m_apiKey = new QLineEdit(this);
    m_apiKey->setObjectName(QStringLiteral("runApiKeyEdit"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setPlaceholderText(tr("your API key (not stored)"));

    m_run = new QPushButton(tr("Run"), this);
    m_run->setObjectName(QStringLiteral("runButton"));
    // Its key is the Run menu's (Ctrl+Return): one key, one action (Ctrl+R is Replay).
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setEnabled(false);
    m_busyBar = new QProgressBar(this);
    m_busyBar->setRange(0, 0);
    m_busyBar->setMaximumHeight(8);
    m_busyBar->setTextVisible(false);
    m_busyBar->hide();
    m_elapsed = new QLabel(this);
    m_outcome = new ElidedLabel(this, 4);
    m_outcome->setObjectName(QStringLiteral("runOutcomeLabel"));

    connect(m_run, &QPushButton::clicked, this, [this] {
        m_settings.setValue(QStringLiteral("run/file"), m_file->text());
        m_settings.setValue(QStringLiteral("run/project"), m_project->text());
        m_settings.setValue(QStringLiteral("run/asset"), m_asset->text());
        m_settings.setValue(QStringLiteral("run/kind"), m_assetKind->isChecked() ? 1 : 0);
        Q_EMIT runRequested(source());
    });
    connect(m_cancel, &QPushButton::clicked, this, &RunPanel::cancelRequested);
    // An outcome describes the run on the inputs it had; other inputs make it stale.
    auto inputsChanged = [this] {
        if (!m_busy)
            m_outcomeText.clear();
        updateRunEnabled();
    };
    for (QLineEdit *edit : {m_file, m_project, m_asset, m_apiKey})
        connect(edit, &QLineEdit::textChanged, this, inputsChanged);
    connect(m_localKind, &QRadioButton::toggled, this, inputsChanged);
    connect(m_byExternalId, &QRadioButton::toggled, this, inputsChanged);

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows); // narrow docks: labels go above
    form->addRow(m_localKind, fileRow);
    form->addRow(m_assetKind, m_project);
    form->addRow(QString(), m_asset);
    form->addRow(QString(), m_byExternalId);
    form->addRow(tr("API key"), m_apiKey);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_elapsed);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_busyBar);
    layout->addWidget(m_outcome);
    layout->addStretch();
}

RunSource RunPanel::source() const
{
    RunSource s;
    s.kind = m_assetKind->isChecked() ? RunSource::Kind::ProjectAsset : RunSource::Kind::LocalFile;
    s.filePath = m_file->text().trimmed();
    s.projectId = m_project->text().trimmed();
    (m_byExternalId->isChecked() ? s.externalId : s.assetId) = m_asset->text().trimmed();
    s.apiKey = m_apiKey->text().trimmed();
    return s;
}

void RunPanel::setLocalFile(const QString &path)
{
    m_file->setText(path);
    m_localKind->setChecked(true);
    // An image chosen for the user (File ▸ Open image, the sandbox) is there after a relaunch.
    m_settings.setValue(QStringLiteral("run/file"), path);
    m_settings.setValue(QStringLiteral("run/kind"), 0);
}

QString RunPanel::sourceProblem() const
{
    const RunSource s = source();
    if (s.kind == RunSource::Kind::LocalFile) {
        if (s.filePath.isEmpty())
            return tr("Choose an image to run on");
        if (!QFileInfo::exists(s.filePath))
            return tr("The image %1 does not exist").arg(s.filePath);
        return {};
    }
    if (s.projectId.isEmpty() || (s.assetId.isEmpty() && s.externalId.isEmpty()))
        return tr("Enter the project ID and the asset to run on");
    if (s.apiKey.isEmpty())
        return tr("Enter your API key to fetch the asset");
    return {};
}

void RunPanel::setRunBlocked(const QString &reason)
{
    m_blockedReason = reason;
    updateRunEnabled();
}

QString RunPanel::blockedReason() const
{
    if (m_busy)
        return tr("A run is in progress");
    if (!m_blockedReason.isEmpty())
        return m_blockedReason;
    return sourceProblem();
}

void RunPanel::updateRunEnabled()
{
    const QString reason = blockedReason();
    m_run->setEnabled(reason.isEmpty());
    m_run->setToolTip(reason.isEmpty() ? tr("Run the callback on this asset (Ctrl+Return)")
                                       : reason);
    refreshMessage();
}

QString RunPanel::message() const
{
    if (m_busy)
        return m_outcomeText.isEmpty() ? tr("Running…") : m_outcomeText;
    if (const QString reason = blockedReason(); !reason.isEmpty())
        return reason;
    return m_outcomeText.isEmpty() ? tr("Ready: press Run (Ctrl+Return)") : m_outcomeText;
}

void RunPanel::refreshMessage()
{
    m_outcome->setText(message());
    // Red for a failed run only; why Run is disabled is a hint, not an error.
    const bool failed
        = !m_outcomeText.isEmpty() && !m_outcomeOk && m_outcome->text() == m_outcomeText;
    m_outcome->setStyleSheet(failed ? QStringLiteral("color: #d9534f;") : QString());
}

void RunPanel::setBusy(bool busy)
{
    m_busy = busy;
    m_cancel->setEnabled(busy);
    m_busyBar->setVisible(busy);
    if (busy) {
        m_clock.start();
        m_tick.start();
        m_outcomeText.clear();
    } else {
        m_tick.stop();
    }
    tick();
    updateRunEnabled();
}

void RunPanel::setOutcome(const QString &text, bool ok)
{
    m_outcomeText = text;
    m_outcomeOk = ok;
    refreshMessage();
}

void RunPanel::clearOutcome()
{
    if (m_busy)
        return;
    m_outcomeText.clear();
    refreshMessage();
}

void RunPanel::tick()
{
    if (!m_clock.isValid())
        return;
    m_elapsed->setText(tr("%1 s").arg(double(m_clock.elapsed()) / 1000.0, 0, 'f', 1));
}

} // namespace ango::app
