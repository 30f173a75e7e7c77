#include "logstore.h"

#include "compactjson.h"

#include <QStringEncoder>

#include <algorithm>
#include <limits>

namespace ango::app {

namespace {

constexpr qint64 kNoTime = std::numeric_limits<qint64>::min();

// Appends `text` as UTF-8, cut at a character boundary after maxBytes.
void appendUtf8(std::string &out, QStringView text, qsizetype maxBytes)
{
    const qsizetype start = qsizetype(out.size());
    QStringEncoder encoder(QStringEncoder::Utf8);
    out.resize(std::size_t(start + encoder.requiredSpace(text.size())));
    char *end = encoder.appendToBuffer(out.data() + start, text);
    qsizetype length = end - (out.data() + start);
    if (length > maxBytes) {
        length = maxBytes;
        while (length > 0
               && (static_cast<unsigned char>(out[std::size_t(start + length)]) & 0xC0) == 0x80)
            --length; // never split a character
        out.resize(std::size_t(start + length));
        out += "…";
        return;
    }
    out.resize(std::size_t(start + length));
}

// Appends the compact JSON of `detail` (nothing for null) right into the chunk: dump() would
// allocate a string per entry, which a million entries feel.
void appendDetail(std::string &out, const nlohmann::json &detail)
{
    if (detail.is_null())
        return;
    const std::size_t start = out.size();
    appendCompactJson(out, detail); // invalid UTF-8 from plugins is replaced, never thrown
    const std::size_t length = out.size() - start;
    if (qsizetype(length) <= LogStore::kMaxDetailBytes)
        return;
    const nlohmann::json cut
        = {{"truncated", true}, {"bytes", length}, {"head", out.substr(start, 4096)}};
    out.resize(start);
    out += cut.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

LogStore::LogStore(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(1, capacity))
{
    m_strings.append(QString());
    m_stringIndex.insert(QString(), 0);
}

void LogStore::setCapacity(qsizetype capacity)
{
    capacity = std::max<qsizetype>(1, capacity);
    if (m_count > capacity)
        evictFront(m_count - capacity);
    // Lay the ring out from slot 0 so that it can grow or shrink.
    std::vector<Record> ring;
    ring.reserve(std::size_t(capacity));
    for (qsizetype row = 0; row < m_count; ++row)
        ring.push_back(std::move(m_ring[ringIndex(row)]));
    m_ring = std::move(ring);
    m_head = 0;
    m_capacity = capacity;
}

void LogStore::reserveFor(qsizetype extra)
{
    // A ring smaller than the capacity must not wrap: it could not grow afterwards. Lay it out
    // from slot 0 (a no-op unless the capacity was raised after evictions) and grow it.
    const qsizetype size = qsizetype(m_ring.size());
    const qsizetype needed = m_count + extra;
    if (size >= m_capacity || m_head + needed <= size)
        return;
    std::rotate(m_ring.begin(), m_ring.begin() + m_head, m_ring.end());
    m_head = 0;
    // Address space for the whole ring at once: growing would move every record (and stall a
    // batch for tens of milliseconds at a million); pages are only resident once written. So
    // construct only the records this batch needs.
    m_ring.reserve(std::size_t(m_capacity));
    m_ring.resize(std::size_t(needed));
}

void LogStore::append(std::span<const logging::LogEntry> entries)
{
    Q_ASSERT(m_count + qsizetype(entries.size()) <= m_capacity);
    if (entries.empty())
        return;
    reserveFor(qsizetype(entries.size()));

    // Reserve what batches have needed so far (plus a margin), so that neither growing nor
    // shrinking the chunk has to copy it in the common case.
    Chunk chunk;
    chunk.bytes.reserve(std::size_t(double(entries.size()) * (m_bytesPerEntry * 1.25 + 16.0)));
    const quint32 chunkNumber = m_firstChunk + quint32(m_chunks.size());

    for (const logging::LogEntry &entry : entries) {
        Record &r = m_ring[ringIndex(m_count)];
        r.timeMs = entry.time.isValid() ? entry.time.toMSecsSinceEpoch() : kNoTime;
        r.id = entry.id;
        r.sizeBytes = entry.sizeBytes;
        r.durationMs
            = qint32(std::clamp<qint64>(entry.durationMs, -1, std::numeric_limits<qint32>::max()));
        r.level = quint8(entry.level);
        r.category = intern(entry.category, m_lastCategory);
        r.direction = intern(entry.direction, m_lastDirection);
        r.kind = intern(entry.kind, m_lastKind);
        r.status = intern(entry.status, m_lastStatus);
        if (entry.session != m_lastSession)
            m_lastSession = entry.session;
        r.session = m_lastSession;

        r.chunk = chunkNumber;
        r.offset = quint32(chunk.bytes.size());
        appendUtf8(chunk.bytes, entry.message, kMaxMessageBytes);
        r.messageBytes = quint32(chunk.bytes.size() - r.offset);
        appendDetail(chunk.bytes, entry.detail);
        r.detailBytes = quint32(chunk.bytes.size() - r.offset - r.messageBytes);
        ++m_count;
    }
    chunk.endSeq = endSeq();
    m_bytesPerEntry
        = 0.8 * m_bytesPerEntry + 0.2 * double(chunk.bytes.size()) / double(entries.size());
    if (chunk.bytes.capacity() > chunk.bytes.size() + chunk.bytes.size() / 4)
        chunk.bytes.shrink_to_fit();
    m_chunks.push_back(std::move(chunk));
    compactPoolIfSparse();
}

void LogStore::evictFront(qsizetype count)
{
    count = std::min(count, m_count);
    if (count <= 0)
        return;
    m_head = ringIndex(count);
    m_count -= count;
    m_firstSeq += quint64(count);
    while (!m_chunks.empty() && m_chunks.front().endSeq <= m_firstSeq) {
        m_chunks.pop_front();
        ++m_firstChunk;
    }
    if (m_count == 0)
        m_head = 0; // lets the ring grow again when the capacity was raised
}

void LogStore::clear()
{
    m_firstSeq = endSeq();
    m_ring.clear();
    m_ring.shrink_to_fit();
    m_head = 0;
    m_count = 0;
    m_firstChunk += quint32(m_chunks.size());
    m_chunks.clear();
    m_strings.resize(1);
    m_stringIndex.clear();
    m_stringIndex.insert(QString(), 0);
    m_lastCategory = m_lastDirection = m_lastKind = m_lastStatus = LastString();
    m_lastSession.clear();
    ++m_poolGeneration;
}

quint32 LogStore::intern(const QString &text, LastString &last)
{
    if (text.isEmpty())
        return 0;
    if (text == last.text)
        return last.index;
    auto it = m_stringIndex.constFind(text);
    if (it == m_stringIndex.cend()) {
        it = m_stringIndex.insert(text, quint32(m_strings.size()));
        m_strings.append(text);
    }
    last = LastString{text, *it};
    return *it;
}

void LogStore::compactPoolIfSparse()
{
    // Values no stored entry uses any more stay in the pool (rare: kinds and statuses are few);
    // rebuild it when it has doubled since the last rebuild, which keeps the cost per entry
    // constant.
    static constexpr qsizetype kSlack = 4096;
    if (m_strings.size() <= kSlack || m_strings.size() <= 2 * m_liveStringsAfterCompaction + kSlack)
        return;

    std::vector<quint32> remap(std::size_t(m_strings.size()), std::numeric_limits<quint32>::max());
    QList<QString> strings{QString()};
    QHash<QString, quint32> index;
    index.insert(QString(), 0);
    remap[0] = 0;
    auto keep = [&](quint32 &field) {
        quint32 &target = remap[field];
        if (target == std::numeric_limits<quint32>::max()) {
            target = quint32(strings.size());
            strings.append(m_strings[field]);
            index.insert(m_strings[field], target);
        }
        field = target;
    };
    for (qsizetype row = 0; row < m_count; ++row) {
        Record &r = m_ring[ringIndex(row)];
        keep(r.category);
        keep(r.direction);
        keep(r.kind);
        keep(r.status);
    }
    m_strings = std::move(strings);
    m_stringIndex = std::move(index);
    m_liveStringsAfterCompaction = m_strings.size();
    m_lastCategory = m_lastDirection = m_lastKind = m_lastStatus = LastString();
    ++m_poolGeneration;
}

QByteArrayView LogStore::messageUtf8(qsizetype row) const
{
    const Record &r = record(row);
    const std::string &bytes = m_chunks[r.chunk - m_firstChunk].bytes;
    return QByteArrayView(bytes.data() + r.offset, r.messageBytes);
}

QByteArrayView LogStore::detailJson(qsizetype row) const
{
    const Record &r = record(row);
    const std::string &bytes = m_chunks[r.chunk - m_firstChunk].bytes;
    return QByteArrayView(bytes.data() + r.offset + r.messageBytes, r.detailBytes);
}

nlohmann::json LogStore::detail(qsizetype row) const
{
    const QByteArrayView text = detailJson(row);
    if (text.isEmpty())
        return nullptr;
    // Stored by dump(), so it parses; a failure would mean a bug here, shown rather than thrown.
    return nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
}

logging::LogEntry LogStore::entry(qsizetype row) const
{
    const Record &r = record(row);
    logging::LogEntry entry;
    if (r.timeMs != kNoTime)
        entry.time = QDateTime::fromMSecsSinceEpoch(r.timeMs, Qt::UTC);
    entry.level = logging::Level(r.level);
    entry.category = m_strings[r.category];
    entry.direction = m_strings[r.direction];
    entry.kind = m_strings[r.kind];
    entry.session = r.session;
    entry.status = m_strings[r.status];
    entry.durationMs = r.durationMs;
    entry.sizeBytes = r.sizeBytes;
    entry.message = message(row);
    entry.detail = detail(row);
    entry.id = r.id;
    return entry;
}

qsizetype LogStore::memoryBytes() const
{
    qsizetype bytes = qsizetype(m_ring.capacity() * sizeof(Record));
    for (const Chunk &chunk : m_chunks)
        bytes += qsizetype(chunk.bytes.capacity() + sizeof(Chunk));
    for (const QString &text : m_strings)
        bytes += text.capacity() * 2 + qsizetype(sizeof(QString)) + 16;
    return bytes;
}

} // namespace ango::app
