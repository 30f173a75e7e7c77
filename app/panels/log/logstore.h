#pragma once

#include "logging/logentry.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <deque>
#include <span>
#include <string>
#include <vector>

// Storage behind the log panel, sized for a million entries. Each entry is a fixed-size record;
// the few distinct values of category, direction, kind and status are indexes into a string
// pool; a session is an implicitly shared QString (all entries of a session share its text);
// the message and the compact detail JSON of a whole batch live in one byte chunk, freed when
// its last entry is evicted (entries leave in the order they came). Appending allocates per
// batch, not per entry.
namespace ango::app {

class LogStore
{
public:
    // Longer texts are cut: the log is for reading, not an archive of whole results.
    static constexpr qsizetype kMaxMessageBytes = 64 * 1024;
    static constexpr qsizetype kMaxDetailBytes = 1024 * 1024;

    explicit LogStore(qsizetype capacity);

    qsizetype size() const { return m_count; }
    qsizetype capacity() const { return m_capacity; }
    // Drops the oldest entries that no longer fit.
    void setCapacity(qsizetype capacity);

    // Every entry gets a sequence number, 0 for the first ever stored; row r holds firstSeq() + r.
    quint64 firstSeq() const { return m_firstSeq; }
    quint64 endSeq() const { return m_firstSeq + quint64(m_count); }

    // Stores entries at the end; the caller evicts first so that they fit (evictFront).
    void append(std::span<const logging::LogEntry> entries);
    void evictFront(qsizetype count);
    void clear();

    // Field access by row, cheap enough for data() and filtering.
    qint64 timeMs(qsizetype row) const { return record(row).timeMs; }
    logging::Level level(qsizetype row) const { return logging::Level(record(row).level); }
    quint64 id(qsizetype row) const { return record(row).id; }
    qint64 durationMs(qsizetype row) const { return record(row).durationMs; }
    qint64 sizeBytes(qsizetype row) const { return record(row).sizeBytes; }
    const QString &category(qsizetype row) const { return m_strings[record(row).category]; }
    const QString &direction(qsizetype row) const { return m_strings[record(row).direction]; }
    const QString &kind(qsizetype row) const { return m_strings[record(row).kind]; }
    const QString &session(qsizetype row) const { return record(row).session; }
    const QString &status(qsizetype row) const { return m_strings[record(row).status]; }
    // Pool indexes: equal strings have equal indexes until the pool is compacted, which
    // changes poolGeneration().
    quint32 kindIndex(qsizetype row) const { return record(row).kind; }
    quint32 statusIndex(qsizetype row) const { return record(row).status; }
    quint32 categoryIndex(qsizetype row) const { return record(row).category; }
    const QString &pooledString(quint32 index) const { return m_strings[index]; }
    qsizetype poolSize() const { return m_strings.size(); }
    quint64 poolGeneration() const { return m_poolGeneration; }

    QByteArrayView messageUtf8(qsizetype row) const;
    QString message(qsizetype row) const { return QString::fromUtf8(messageUtf8(row)); }
    QByteArrayView detailJson(qsizetype row) const; // compact JSON; empty when none
    nlohmann::json detail(qsizetype row) const;     // null when none
    logging::LogEntry entry(qsizetype row) const;

    // Bytes held by records, chunks and the pool (for the benchmark and the status line).
    qsizetype memoryBytes() const;

private:
    struct Record
    {
        qint64 timeMs = 0;
        quint64 id = 0;
        qint64 sizeBytes = -1;
        qint32 durationMs = -1;
        quint32 chunk = 0; // chunk number (not index: chunks leave from the front)
        quint32 offset = 0;
        quint32 messageBytes = 0;
        quint32 detailBytes = 0;
        quint32 category = 0;
        quint32 direction = 0;
        quint32 kind = 0;
        quint32 status = 0;
        QString session;
        quint8 level = 0;
    };

    struct Chunk
    {
        std::string bytes;
        quint64 endSeq = 0; // one past the last entry stored in it
    };

    // Interns one field; `last` remembers the previous value of the same field, because
    // consecutive entries usually repeat it (same session, same kind).
    struct LastString
    {
        QString text;
        quint32 index = 0;
    };
    quint32 intern(const QString &text, LastString &last);
    void compactPoolIfSparse();

    std::size_t ringIndex(qsizetype row) const
    {
        const qsizetype index = m_head + row;
        const qsizetype size = qsizetype(m_ring.size());
        return std::size_t(index >= size ? index - size : index);
    }
    const Record &record(qsizetype row) const { return m_ring[ringIndex(row)]; }
    void reserveFor(qsizetype extra);

    qsizetype m_capacity = 0;
    std::vector<Record> m_ring; // grows up to m_capacity; wraps only at that size
    qsizetype m_head = 0;       // ring index of row 0
    qsizetype m_count = 0;
    quint64 m_firstSeq = 0;

    std::deque<Chunk> m_chunks;
    quint32 m_firstChunk = 0;     // number of m_chunks.front()
    double m_bytesPerEntry = 128; // message and detail bytes per entry, running average

    QList<QString> m_strings; // index 0 is the empty string
    QHash<QString, quint32> m_stringIndex;
    quint64 m_poolGeneration = 0;
    qsizetype m_liveStringsAfterCompaction = 0;
    LastString m_lastCategory, m_lastDirection, m_lastKind, m_lastStatus;
    QString m_lastSession; // repeated sessions share one text
};

} // namespace ango::app
