#pragma once

#include <QFrame>

class QPushButton;

namespace ango::app {

// "Discard this result?" asked in place, under the held result, instead of a modal dialog (no
// nested event loop): Discard answers the hub, Keep (the default, also Esc) leaves it waiting.
// It remembers which result it asks about, so a confirmation never reaches another one.
class DiscardConfirm final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiscardConfirm)

public:
    explicit DiscardConfirm(QWidget *parent = nullptr);

    void ask(const QString &id);
    // Stops asking (the result was decided, withdrawn, or another one is shown).
    void dismiss();
    // The result being asked about; empty when not asking.
    QString askingAbout() const { return m_id; }

Q_SIGNALS:
    void confirmed(const QString &id);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QPushButton *m_discard;
    QPushButton *m_keep;
    QString m_id;
};

} // namespace ango::app
