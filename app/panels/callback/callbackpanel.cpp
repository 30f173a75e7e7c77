#include "callbackpanel.h"

#include "panels/common/elidedlabel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace ango::app {

namespace {

enum Kind { Demo, Sample, Python, Exec, Http };

const QString kGroup = QStringLiteral("callback/");

QString stateText(callbacks::Callback::State state)
{
    using State = callbacks::Callback::State;
    switch (state) {
    case State::Ready:
        return QObject::tr("● Ready");
    case State::Running:
        return QObject::tr("● Running");
    case State::Crashed:
        return QObject::tr("● Crashed");
    case State::Restarting:
        return QObject::tr("● Restarting");
    case State::Failed:
        return QObject::tr("● Failed");
    }
    return {};
}

} // namespace

CallbackPanel::CallbackPanel(QSettings &settings, QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
{
    buildUi();
    m_kind->setCurrentIndex(m_settings.value(kGroup + QStringLiteral("kind"), Demo).toInt());
    m_script->setText(m_settings.value(kGroup + QStringLiteral("script")).toString());
    m_function->setText(m_settings.value(kGroup + QStringLiteral("function")).toString());
    m_interpreter->setText(
        m_settings.value(kGroup + QStringLiteral("interpreter"), QStringLiteral("python3"))
            .toString());
    m_reload->setChecked(m_settings.value(kGroup + QStringLiteral("reload"), true).toBool());
    m_command->setText(m_settings.value(kGroup + QStringLiteral("command")).toString());
    m_url->setText(m_settings.value(kGroup + QStringLiteral("url")).toString());
}

CallbackPanel::~CallbackPanel() = default;

void CallbackPanel::buildUi()
{
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("callbackKindCombo"));
    m_kind->addItems({tr("Built-in demo"), tr("Sandbox sample model"), tr("Python plugin script"),
                      tr("Command (JSON lines)"), tr("HTTP endpoint")});
    m_kind->setToolTip(tr("What runs for each request"));
    m_pages = new QStackedWidget(this);

    auto *demoPage = new QLabel(tr("Returns the documented sample: one box at x 20, y 30, "
                                   "50×60, with the first mapped class."),
                                this);
    demoPage->setWordWrap(true);
    m_pages->addWidget(demoPage);
    auto *samplePage = new QLabel(tr("Detects the objects of the bundled sample image and maps its "
                                     "classes through the class mapping, offline."),
                                  this);
    samplePage->setWordWrap(true);
    m_pages->addWidget(samplePage);

    auto *pythonPage = new QWidget(this);
    m_script = new QLineEdit(pythonPage);
    m_script->setObjectName(QStringLiteral("scriptEdit"));
    m_script->setPlaceholderText(tr("the unmodified imerit-ango plugin script"));
    auto *browse = new QPushButton(tr("Browse…"), pythonPage);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Plugin script"), m_script->text(), tr("Python (*.py);;All files (*)"));
        if (!file.isEmpty())
            m_script->setText(file);
    });
    auto *scriptRow = new QHBoxLayout;
    scriptRow->addWidget(m_script, 1);
    scriptRow->addWidget(browse);
    m_function = new QLineEdit(pythonPage);
    m_function->setPlaceholderText(tr("optional: else the callback given to ModelPlugin(...)"));
    m_interpreter = new QLineEdit(pythonPage);
    m_interpreter->setToolTip(
        tr("A virtualenv's python, or a command such as 'conda run -n x python'"));
    m_reload = new QCheckBox(tr("Reload when the script changes"), pythonPage);
    auto *pythonForm = new QFormLayout(pythonPage);
    pythonForm->setRowWrapPolicy(QFormLayout::WrapLongRows); // narrow docks: labels go above
    pythonForm->addRow(tr("Script"), scriptRow);
    pythonForm->addRow(tr("Function"), m_function);
    pythonForm->addRow(tr("Interpreter"), m_interpreter);
    pythonForm->addRow(QString(), m_reload);
    m_pages->addWidget(pythonPage);

    auto *execPage = new QWidget(this);
    m_command = new QLineEdit(execPage);
    m_command->setPlaceholderText(tr("one JSON request per line in, one JSON result per line out"));
    auto *execForm = new QFormLayout(execPage);
    execForm->setRowWrapPolicy(QFormLayout::WrapLongRows); // narrow docks: labels go above
    execForm->addRow(tr("Command"), m_command);
    m_pages->addWidget(execPage);

    auto *httpPage = new QWidget(this);
    m_url = new QLineEdit(httpPage);
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:9000/predict"));
    auto *httpForm = new QFormLayout(httpPage);
    httpForm->setRowWrapPolicy(QFormLayout::WrapLongRows); // narrow docks: labels go above
    httpForm->addRow(tr("URL"), m_url);
    m_pages->addWidget(httpPage);

    connect(m_kind, &QComboBox::currentIndexChanged, m_pages, &QStackedWidget::setCurrentIndex);
    // A stack is as tall as its tallest page (the Python form); sized to the page shown, a
    // one-line description leaves no empty band above the buttons.
    m_pages->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    connect(m_pages, &QStackedWidget::currentChanged, this, &CallbackPanel::fitPagesToCurrent);
    for (int i = 0; i < m_pages->count(); ++i)
        if (auto *label = qobject_cast<QLabel *>(m_pages->widget(i)))
            label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    fitPagesToCurrent();

    auto *apply = new QPushButton(tr("Use this callback"), this);
    apply->setObjectName(QStringLiteral("applyCallbackButton"));
    connect(apply, &QPushButton::clicked, this, [this] {
        save();
        m_error->clear(); // the error of the previous callback is no longer true
        Q_EMIT applyRequested(spec(), options());
    });
    m_restart = new QPushButton(tr("Restart"), this);
    m_restart->setToolTip(tr("Restart the callback's worker processes"));
    connect(m_restart, &QPushButton::clicked, this, [this] {
        if (m_callback)
            m_callback->restart();
    });
    m_state = new ElidedLabel(this, 1);
    m_state->setObjectName(QStringLiteral("callbackStateLabel"));
    m_error = new ElidedLabel(this, 6);
    m_error->setObjectName(QStringLiteral("callbackErrorLabel"));
    m_error->setStyleSheet(QStringLiteral("color: #d9534f;"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(apply);
    buttons->addWidget(m_restart);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_kind);
    layout->addWidget(m_pages);
    layout->addLayout(buttons);
    layout->addWidget(m_state);
    layout->addWidget(m_error);
    layout->addStretch();
}

void CallbackPanel::fitPagesToCurrent()
{
    for (int i = 0; i < m_pages->count(); ++i)
        m_pages->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == m_pages->currentIndex()
                                                                      ? QSizePolicy::Maximum
                                                                      : QSizePolicy::Ignored);
    m_pages->updateGeometry();
}

QString CallbackPanel::spec() const
{
    switch (m_kind->currentIndex()) {
    case Python: {
        QString s = QStringLiteral("python:") + m_script->text().trimmed();
        if (!m_function->text().trimmed().isEmpty())
            s += QLatin1Char(':') + m_function->text().trimmed();
        return s;
    }
    case Exec:
        return QStringLiteral("exec:") + m_command->text().trimmed();
    case Http: {
        const QString url = m_url->text().trimmed();
        return url.startsWith(QLatin1StringView("http")) ? url : QStringLiteral("http:") + url;
    }
    case Sample:
        return QStringLiteral("sample");
    default:
        return QStringLiteral("demo");
    }
}

QVariantMap CallbackPanel::options() const
{
    QVariantMap o;
    if (m_kind->currentIndex() == Python) {
        if (!m_interpreter->text().trimmed().isEmpty())
            o.insert(QStringLiteral("interpreter"), m_interpreter->text().trimmed());
        o.insert(QStringLiteral("reload"), m_reload->isChecked());
    }
    return o;
}

void CallbackPanel::save() const
{
    m_settings.setValue(kGroup + QStringLiteral("kind"), m_kind->currentIndex());
    m_settings.setValue(kGroup + QStringLiteral("script"), m_script->text());
    m_settings.setValue(kGroup + QStringLiteral("function"), m_function->text());
    m_settings.setValue(kGroup + QStringLiteral("interpreter"), m_interpreter->text());
    m_settings.setValue(kGroup + QStringLiteral("reload"), m_reload->isChecked());
    m_settings.setValue(kGroup + QStringLiteral("command"), m_command->text());
    m_settings.setValue(kGroup + QStringLiteral("url"), m_url->text());
}

void CallbackPanel::setCallback(callbacks::Callback *callback)
{
    if (m_callback)
        disconnect(m_callback, nullptr, this, nullptr);
    m_callback = callback;
    m_restart->setEnabled(callback != nullptr);
    if (!callback) {
        m_state->setText(tr("No callback"));
        return;
    }
    connect(callback, &callbacks::Callback::stateChanged, this, &CallbackPanel::showState);
    showState(callback->state(), QString());
    m_error->clear();
}

void CallbackPanel::showState(callbacks::Callback::State state, const QString &detail)
{
    const QString name = m_callback ? m_callback->describe() : QString();
    m_state->setText(QStringLiteral("%1 — %2").arg(stateText(state), name));
    if (state == callbacks::Callback::State::Crashed || state == callbacks::Callback::State::Failed)
        m_error->setText(detail);
    else
        m_state->setToolTip(detail); // empty clears an older state's detail
}

void CallbackPanel::selectSample()
{
    m_kind->setCurrentIndex(Sample);
    save();
}

void CallbackPanel::setError(const QString &error)
{
    m_error->setText(error);
}

} // namespace ango::app
