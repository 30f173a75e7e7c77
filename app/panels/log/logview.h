#pragma once

#include <QTableView>

#include <optional>

namespace ango::app {

// The log table. New rows scroll into view only when the view was already at the bottom, so
// reading older entries is not disturbed; rows evicted from the front while reading keep the
// rows on screen in place.
class LogView final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogView)

public:
    explicit LogView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    bool isAtBottom() const;

private:
    void onRowsAboutToBeInserted();
    void onRowsInserted();
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved();

    QList<QMetaObject::Connection> m_connections;
    bool m_followInsert = false;
    std::optional<bool> m_atBottomBeforeRemoval; // set by a front removal, used by the insert after
    int m_topBeforeRemoval = -1;                 // scroll value to restore, -1: nothing to restore
    int m_removedAtFront = 0;
};

} // namespace ango::app
