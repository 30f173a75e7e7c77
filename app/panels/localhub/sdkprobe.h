#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QProcess;

namespace ango::app {

// Whether a python has the real imerit_ango package, asked once with a child process (never on
// the GUI thread's time): `python -c "find_spec('imerit_ango')"`. The answer is kept; a python
// that cannot start or does not answer within the time limit counts as "without the SDK".
class SdkProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SdkProbe)

public:
    enum class State { Unknown, Probing, Installed, Absent };

    explicit SdkProbe(QString python = QStringLiteral("python3"), QObject *parent = nullptr);
    ~SdkProbe() override;

    QString python() const { return m_python; }
    State state() const { return m_state; }
    QString detail() const { return m_detail; } // why Absent, when python itself failed
    void probe();                               // does nothing once started

    static constexpr int kTimeoutMs = 15000;

Q_SIGNALS:
    void finished(ango::app::SdkProbe::State state);

private:
    void conclude(State state, const QString &detail);

    QString m_python;
    State m_state = State::Unknown;
    QString m_detail;
    QPointer<QProcess> m_process;
};

} // namespace ango::app
