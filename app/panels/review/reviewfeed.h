#pragma once

#include <QObject>
#include <QPointer>

namespace ango::app {

class ConsoleController;
class ReviewPanel;

// Keeps the Review panel in step with the review gate of the controller's runtime: every held
// result of any source is queued with its image, edits are checked by core's own check, and
// approve/discard go back to the gate. The window only places the panel.
class ReviewFeed final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewFeed)

public:
    ReviewFeed(ReviewPanel *panel, ConsoleController *controller, QObject *parent = nullptr);

Q_SIGNALS:
    // Something the user should read (a failed approval, an image that could not be shown).
    void noticed(const QString &message);
    // Results wait for review: the panel deserves to be in front.
    void resultsWaiting();

private:
    void refresh();

    QPointer<ReviewPanel> m_panel;
    ConsoleController *m_controller;
};

} // namespace ango::app
