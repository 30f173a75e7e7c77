#pragma once

#include "callbacks/callback.h"

#include <QPointer>
#include <QVariantMap>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QStackedWidget;

namespace ango::app {

// Chooses what the runtime calls: the built-in demo, a Python plugin script, a command speaking
// JSON lines, or an HTTP endpoint; shows the callback's state and offers a Restart.
class CallbackPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallbackPanel)

public:
    explicit CallbackPanel(QSettings &settings, QWidget *parent = nullptr);
    ~CallbackPanel() override;

    // The factory spec ("demo", "python:/x/model.py:predict", "exec:./model", "http://…") and
    // the adapter options (interpreter, reload) for callbacks::createCallback().
    QString spec() const;
    QVariantMap options() const;

    // The callback now in use, to follow its state; not owned.
    void setCallback(callbacks::Callback *callback);
    void setError(const QString &error);
    void selectSample(); // the offline sandbox's model

Q_SIGNALS:
    void applyRequested(const QString &spec, const QVariantMap &options);

private:
    void buildUi();
    void fitPagesToCurrent();
    void save() const;
    void showState(callbacks::Callback::State state, const QString &detail);

    QSettings &m_settings;
    QComboBox *m_kind = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLineEdit *m_script = nullptr;
    QLineEdit *m_function = nullptr;
    QLineEdit *m_interpreter = nullptr;
    QCheckBox *m_reload = nullptr;
    QLineEdit *m_command = nullptr;
    QLineEdit *m_url = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_restart = nullptr;
    QPointer<callbacks::Callback> m_callback;
};

} // namespace ango::app
