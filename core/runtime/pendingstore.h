#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>

#include <nlohmann/json.hpp>

// Results held by the review gate until someone approves, edits or discards them. They are kept
// on disk (a JSON file written through QSaveFile) so a restart loses nothing. API keys are never
// written: the file holds the request with its secrets masked.
namespace ango::runtime {

struct PendingResult
{
    QString id;            // stable across restarts
    quint64 requestId = 0; // this process's request id (0 after a restart)
    QString session;
    nlohmann::json sessionValue;
    bool workflow = false;
    QString taskId;
    QString projectId;
    QString orgId;
    QString runBy;
    nlohmann::json request; // the payload, secrets masked (for display)
    nlohmann::json result;  // what approval delivers (the callback's result, or the edit)
    nlohmann::json problems = nlohmann::json::array(); // [{path, message, severity}]
    QDateTime heldAt;
    QString lastError; // why the last delivery attempt failed, if it did
    // A run of this process only (the console's own runs): its answer goes back to a caller a
    // restart cannot reach, so it is never written to disk.
    bool local = false;

    nlohmann::json toJson() const;
    static Result<PendingResult> fromJson(const nlohmann::json &value);
};

class PendingStore
{
public:
    // An empty path keeps everything in memory.
    explicit PendingStore(QString path = {});

    QString path() const { return m_path; }
    // Reads the file. A missing file is an empty list; an unreadable or corrupt one is moved
    // aside (".corrupt" suffix) so it is not overwritten, and reported.
    Result<void> load();

    const QList<PendingResult> &items() const { return m_items; }
    const PendingResult *find(const QString &id) const;

    // The item is kept in memory in any case; the error says it could not be written to disk.
    Result<void> add(PendingResult item);
    // Removes an item before its delivery. If the item is on disk and its removal cannot be
    // written, it stays pending and the call fails: delivering it would risk a second delivery
    // after a restart.
    Result<PendingResult> take(const QString &id);
    // Puts back an item whose delivery failed (at its old place in time order).
    Result<void> restore(PendingResult item);
    Result<PendingResult> replaceResult(const QString &id, nlohmann::json result);

    // Ids present in the last successful write.
    bool isOnDisk(const QString &id) const { return m_onDisk.contains(id); }
    QString lastWriteError() const { return m_lastWriteError; }

private:
    Result<void> save();

    QString m_path;
    QList<PendingResult> m_items;
    QSet<QString> m_onDisk;
    QString m_lastWriteError;
};

} // namespace ango::runtime
