#pragma once

#include <QObject>

class QSocketNotifier;

// Turns SIGINT/SIGTERM into a Qt signal. The handler only write()s one byte to a socketpair
// (async-signal-safe); the event loop reads it and emits terminationRequested().
namespace ango::app {

class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    // signalNumber: SIGINT or SIGTERM; `count` counts requests so far (a second one may force).
    void terminationRequested(int signalNumber, int count);

private:
    void readSignals();

    QSocketNotifier *m_notifier = nullptr;
    int m_count = 0;
};

} // namespace ango::app
