#include "logview.h"

#include <QHeaderView>
#include <QScrollBar>

namespace ango::app {

LogView::LogView(QWidget *parent)
    : QTableView(parent)
{
    setObjectName(QStringLiteral("logView"));
    // One item per scroll step: the scroll value is the top row, which eviction handling uses.
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setWordWrap(false);
    setShowGrid(false);
    setAlternatingRowColors(true);
    // A million rows: fixed heights keep the header from measuring each one.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    verticalHeader()->hide();
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setHighlightSections(false);
}

void LogView::setModel(QAbstractItemModel *model)
{
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    QTableView::setModel(model);
    if (!model)
        return;
    m_connections = {
        connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this,
                &LogView::onRowsAboutToBeInserted),
        connect(model, &QAbstractItemModel::rowsInserted, this, &LogView::onRowsInserted),
        connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                &LogView::onRowsAboutToBeRemoved),
        connect(model, &QAbstractItemModel::rowsRemoved, this, &LogView::onRowsRemoved),
        // Anything else in between makes the remembered answer stale.
        connect(model, &QAbstractItemModel::modelReset, this,
                [this] { m_atBottomBeforeRemoval.reset(); }),
        connect(verticalScrollBar(), &QScrollBar::valueChanged, this,
                [this] { m_atBottomBeforeRemoval.reset(); }),
    };
}

bool LogView::isAtBottom() const
{
    const QScrollBar *bar = verticalScrollBar();
    return bar->value() >= bar->maximum();
}

void LogView::onRowsAboutToBeInserted()
{
    // A batch that evicts removes rows just before inserting; the answer from before the
    // removal still holds and saves laying out a million rows once more.
    if (m_atBottomBeforeRemoval) {
        m_followInsert = *m_atBottomBeforeRemoval;
        m_atBottomBeforeRemoval.reset();
        return;
    }
    // The scroll range is updated lazily; bring it up to date so "at the bottom" is exact.
    executeDelayedItemsLayout();
    m_followInsert = isAtBottom();
}

void LogView::onRowsInserted()
{
    if (!m_followInsert)
        return;
    executeDelayedItemsLayout();
    updateGeometries(); // the scroll range must include the new rows before jumping to its end
    scrollToBottom();
}

void LogView::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    m_topBeforeRemoval = -1;
    m_atBottomBeforeRemoval.reset();
    if (parent.isValid() || first != 0)
        return;
    executeDelayedItemsLayout();
    if (isAtBottom()) {
        m_atBottomBeforeRemoval = true;
        return;
    }
    m_topBeforeRemoval = verticalScrollBar()->value();
    m_removedAtFront = last - first + 1;
}

void LogView::onRowsRemoved()
{
    if (m_topBeforeRemoval < 0)
        return;
    verticalScrollBar()->setValue(std::max(0, m_topBeforeRemoval - m_removedAtFront));
    m_topBeforeRemoval = -1;
}

} // namespace ango::app
