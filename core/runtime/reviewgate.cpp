#include "runtime/pluginruntime_p.h"

#include <QUuid>

namespace ango::runtime {

namespace {

json problemsToJson(const std::vector<annotation::Problem> &problems)
{
    json list = json::array();
    for (const auto &problem : problems)
        list.push_back(
            {{"path", problem.path},
             {"message", problem.message.toStdString()},
             {"severity", problem.severity == annotation::Severity::Error ? "error" : "warning"}});
    return list;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Review gate

void PluginRuntime::Private::hold(ActiveRequest &entry, json result,
                                  const std::vector<annotation::Problem> &problems)
{
    PendingResult item;
    item.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    item.requestId = entry.target.requestId;
    item.session = entry.target.session;
    item.sessionValue = entry.target.sessionValue;
    item.workflow = entry.target.workflow;
    item.taskId = entry.target.taskId;
    item.projectId = entry.request.projectId;
    item.orgId = entry.target.orgId;
    item.runBy = entry.target.runBy;
    // The payload went to the callback when the run started under the Auto policy.
    item.request = entry.request.payload.is_null()
                       ? json{{"session", entry.target.sessionValue},
                              {"projectId", entry.request.projectId.toStdString()},
                              {"assetId", entry.request.assetId.toStdString()},
                              {"taskId", entry.request.taskId.toStdString()}}
                       : redactor.redact(entry.request.payload);
    item.result = std::move(result);
    item.problems = problemsToJson(problems);
    item.heldAt = QDateTime::currentDateTimeUtc();
    if (!entry.request.apiKey.isEmpty())
        pendingApiKeys.insert(item.id, entry.request.apiKey);
    const QString pendingId = item.id;
    if (auto added = store.add(std::move(item)); !added) {
        status.lastError = added.error().message;
        log(logging::Level::Error, QStringLiteral("runtime"),
            added.error().message + QStringLiteral("; the result is kept in memory only"),
            entry.target.session);
    }
    log(logging::Level::Info, QStringLiteral("runtime"),
        QStringLiteral("result held for review (%1)").arg(pendingId), entry.target.session);
    stage(entry.target, RequestStage::Held, true, entry.clock.elapsed(), pendingId);
    status.pending = int(store.items().size());
    finish(entry.target.requestId);
    Q_EMIT q->pendingChanged();
}

Result<void> PluginRuntime::Private::approve(const QString &pendingId, std::optional<json> edited)
{
    const PendingResult *found = store.find(pendingId);
    if (!found)
        return makeError(
            QStringLiteral("no pending result with id %1 (already delivered or discarded?)")
                .arg(pendingId));
    const json result = edited ? *edited : found->result;
    auto answer = annotation::normalize(result);
    if (!answer)
        return makeError(
            QStringLiteral("the result is not a valid annotation: %1").arg(answer.error().message));
    const QString apiKey = pendingApiKeys.value(pendingId);
    if (found->workflow && apiKey.isEmpty())
        return makeError(
            QStringLiteral("the apiKey of this workflow request is not stored on disk; set it "
                           "with setPendingApiKey() before approving"));

    auto taken = store.take(pendingId); // before delivering: never twice, even after a crash
    if (!taken)
        return taken.error();
    PendingResult item = std::move(taken.value());
    if (edited)
        item.result = *edited;
    status.pending = int(store.items().size());
    Q_EMIT q->pendingChanged();

    DeliveryTarget target;
    target.requestId = item.requestId;
    target.session = item.session;
    target.sessionValue = item.sessionValue;
    target.workflow = item.workflow;
    target.taskId = item.taskId;
    target.orgId = item.orgId;
    target.runBy = item.runBy;

    auto putBack = [this](PendingResult item, const QString &error) {
        item.lastError = error;
        log(logging::Level::Error, QStringLiteral("runtime"),
            QStringLiteral("delivery of held result %1 failed: %2; it is pending again")
                .arg(item.id, error),
            item.session);
        if (auto restored = store.restore(std::move(item)); !restored)
            log(logging::Level::Error, QStringLiteral("runtime"), restored.error().message);
        status.pending = int(store.items().size());
        Q_EMIT q->pendingChanged();
    };

    if (!item.workflow) {
        if (auto sent = emitResponse(target, item.result); !sent) {
            const QString error = sent.error().message;
            putBack(std::move(item), error);
            return makeError(error);
        }
        pendingApiKeys.remove(pendingId);
        ++status.delivered;
        stage(target, RequestStage::Delivered, true, -1, QStringLiteral("response (approved)"));
        statusTouched();
        return {};
    }
    QPointer<PluginRuntime> guard(q);
    annotate(target, apiKey, *answer,
             [this, guard, target, item, putBack, pendingId](Result<void> posted) mutable {
                 if (!guard)
                     return;
                 if (!posted) {
                     stage(target, RequestStage::Failed, false, -1, posted.error().message);
                     putBack(std::move(item), posted.error().message);
                     return;
                 }
                 pendingApiKeys.remove(pendingId);
                 ++status.delivered;
                 stage(target, RequestStage::Delivered, true, -1,
                       QStringLiteral("annotate (approved)"));
                 statusTouched();
             });
    return {};
}

} // namespace ango::runtime
