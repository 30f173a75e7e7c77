#pragma once

#include "logstore.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <vector>

namespace ango::app {

// The live request log as a table over a capped ring buffer. Entries arrive in batches
// (appendBatch) or one by one (append, coalesced by a short timer into one insert); when full,
// the oldest rows are removed with beginRemoveRows before the new ones are inserted.
class LogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogModel)

public:
    enum Column {
        TimeColumn,
        LevelColumn,
        CategoryColumn,
        DirectionColumn,
        KindColumn,
        SessionColumn,
        StatusColumn,
        DurationColumn,
        SizeColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role {
        SeqRole = Qt::UserRole + 1, // quint64: stable across evictions, unlike the row
        EntryIdRole,                // quint64: LogEntry::id
        LevelRole,                  // int: logging::Level
        SessionRole,
        KindRole,
        StatusRole,
        DetailJsonRole, // QByteArray: compact JSON, empty when none
    };

    static constexpr qsizetype kDefaultCapacity = 100'000;
    static constexpr int kCoalesceMs = 50;
    // A burst of single appends is flushed at this size without waiting for the timer.
    static constexpr qsizetype kMaxPending = 10'000;

    explicit LogModel(QObject *parent = nullptr);
    explicit LogModel(qsizetype capacity, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    qsizetype capacity() const { return m_store.capacity(); }
    void setCapacity(qsizetype capacity);

    // Entries are stored in the order given, after any pending single appends.
    void appendBatch(std::span<const logging::LogEntry> entries);
    void appendBatch(const QList<logging::LogEntry> &entries)
    {
        appendBatch(std::span<const logging::LogEntry>(entries.cbegin(), entries.cend()));
    }
    // For the runtime's logged() signal: shows up within kCoalesceMs, batched with its peers.
    void append(const logging::LogEntry &entry);
    void flush(); // stores pending single appends now
    qsizetype pendingCount() const { return qsizetype(m_pending.size()); }
    void clear();

    const LogStore &store() const { return m_store; }
    logging::LogEntry entry(int row) const { return m_store.entry(row); }
    // -1 when the entry was evicted (or not stored yet).
    int rowOfSeq(quint64 seq) const;
    quint64 seqOfRow(int row) const { return m_store.firstSeq() + quint64(row); }

    // Distinct values of a text column (kind, status, category...) among the stored entries,
    // for filter choices.
    QStringList distinctValues(Column column) const;

private:
    std::vector<logging::LogEntry> m_pending;
    LogStore m_store;
    QTimer m_coalesce;
};

} // namespace ango::app
