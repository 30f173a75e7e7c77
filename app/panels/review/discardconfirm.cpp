#include "discardconfirm.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>

namespace ango::app {

DiscardConfirm::DiscardConfirm(QWidget *parent)
    : QFrame(parent)
    , m_discard(new QPushButton(tr("Discard"), this))
    , m_keep(new QPushButton(tr("Keep"), this))
{
    setObjectName(QStringLiteral("reviewDiscardConfirm"));
    setFrameShape(StyledPanel);
    setStyleSheet(QStringLiteral("#reviewDiscardConfirm { background: #fdecea; }"
                                 " QLabel { color: #8a1c12; }"));
    auto *question = new QLabel(tr("Discard this result? Nothing is delivered: the run ends as "
                                   "discarded by the reviewer. This cannot be undone."),
                                this);
    question->setWordWrap(true);
    m_discard->setObjectName(QStringLiteral("reviewConfirmDiscardButton"));
    m_keep->setObjectName(QStringLiteral("reviewKeepButton"));
    m_keep->setDefault(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(question, 1);
    layout->addWidget(m_discard);
    layout->addWidget(m_keep);
    m_keep->installEventFilter(this);
    m_discard->installEventFilter(this);
    installEventFilter(this);
    connect(m_keep, &QPushButton::clicked, this, &DiscardConfirm::dismiss);
    connect(m_discard, &QPushButton::clicked, this, [this] {
        const QString id = m_id;
        dismiss();
        if (!id.isEmpty())
            Q_EMIT confirmed(id);
    });
    hide();
}

void DiscardConfirm::ask(const QString &id)
{
    m_id = id;
    show();
    m_keep->setFocus(); // Enter keeps: discarding takes a deliberate click
}

void DiscardConfirm::dismiss()
{
    m_id.clear();
    hide();
}

bool DiscardConfirm::eventFilter(QObject *watched, QEvent *event)
{
    // Esc belongs to the question while it is asked, not to the window's Cancel run.
    if (event->type() == QEvent::ShortcutOverride
        && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        event->accept();
        return true;
    }
    return QFrame::eventFilter(watched, event);
}

void DiscardConfirm::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        dismiss();
        return;
    }
    QFrame::keyPressEvent(event);
}

} // namespace ango::app
