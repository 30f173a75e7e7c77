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

// Who a held result answers: kept in the pending item so it survives a restart.
DeliveryTarget targetOf(const PendingResult &item)
{
    return DeliveryTarget{item.requestId, item.session, item.sessionValue, item.workflow,
                          item.local,     item.taskId,  item.orgId,        item.runBy};
}

} // namespace

static const QString kDiscardedMessage = QStringLiteral("discarded by the reviewer");

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
    item.local = entry.target.local;
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
    if (item.local)
        heldLocal.insert(pendingId, HeldLocal{std::move(entry.localDone), entry.callbackMs});
    if (auto added = store.add(std::move(item)); !added) {
        status.lastError = added.error().message;
        log(logging::Level::Error, QStringLiteral("runtime"),
            added.error().message + QStringLiteral("; the result is kept in memory only"),
            entry.target.session);
    }
    log(logging::Level::Info, QStringLiteral("runtime"),
        QStringLiteral("result held for review (%1)").arg(pendingId), entry.target.session);
    stage(entry.target, RequestStage::Held, true, entry.clock.elapsed(), pendingId);
    finish(entry.target.requestId);
    pendingTouched();
}

quint64 PluginRuntime::Private::acceptOutside(const json &payload, json result, LocalDone done)
{
    const quint64 id = ++nextRequestId;
    ++status.received;
    DeliveryTarget target;
    target.requestId = id;
    target.local = true; // its answer goes back to this process, never to a hub
    auto parsed = parsePluginRequest(payload);
    if (!parsed) {
        stage(target, RequestStage::Received, true, -1, {}, payload);
        stage(target, RequestStage::Dropped, false, -1, parsed.error().message);
        ++status.failed;
        statusTouched();
        if (done)
            done(LocalRunResult{id, parsed.error().message, nullptr, std::nullopt, {}, -1});
        return id;
    }
    PluginRequest request = std::move(parsed.value());
    target.fillFrom(request);
    stage(target, RequestStage::Received, true, -1, QStringLiteral("result of an outside plugin"),
          payload);
    log(logging::Level::Info, QStringLiteral("runtime"),
        QStringLiteral("result of an outside plugin (session %1)").arg(request.session),
        request.session);
    ActiveRequest entry;
    entry.target = target;
    entry.request = std::move(request);
    entry.localDone = std::move(done);
    entry.clock.start();
    onResult(active.emplace(id, std::move(entry)).first->second, std::move(result));
    return id;
}

void PluginRuntime::Private::pendingTouched()
{
    status.pending = int(store.items().size());
    Q_EMIT q->pendingChanged();
    statusTouched();
}

Result<void> PluginRuntime::Private::approve(const QString &pendingId, std::optional<json> edited)
{
    const PendingResult *found = store.find(pendingId);
    if (!found)
        return makeError(
            QStringLiteral("no pending result with id %1 (already delivered or discarded?)")
                .arg(pendingId));
    // An "edit" that is the callback's result as shown (normalised) delivers the result exactly
    // as the callback returned it.
    if (edited) {
        const auto original = annotation::normalize(found->result);
        if (original && original->toJson() == *edited)
            edited.reset();
    }
    const json result = edited ? *edited : found->result;
    auto answer = annotation::normalize(result);
    if (!answer)
        return makeError(
            QStringLiteral("the result is not a valid annotation: %1").arg(answer.error().message));
    const QString apiKey = pendingApiKeys.value(pendingId);
    if (found->workflow && !found->local && apiKey.isEmpty())
        return makeError(
            QStringLiteral("the apiKey of this workflow request is not stored on disk; set it "
                           "with setPendingApiKey() before approving"));

    auto taken = store.take(pendingId); // before delivering: never twice, even after a crash
    if (!taken)
        return taken.error();
    PendingResult item = std::move(taken.value());
    if (edited)
        item.result = *edited;
    pendingTouched();
    const DeliveryTarget target = targetOf(item);

    if (item.local) {
        // A local run's answer goes back to the console that started it.
        const HeldLocal held = heldLocal.take(pendingId);
        LocalRunResult outcome;
        outcome.requestId = item.requestId;
        outcome.result = item.result;
        outcome.answer = *answer;
        outcome.problems = checkResult(item.result, categorySchemaOf(item.request)).problems;
        outcome.durationMs = held.callbackMs;
        ++status.delivered;
        stage(target, RequestStage::Delivered, true, -1, QStringLiteral("local (approved)"));
        if (held.done)
            held.done(std::move(outcome));
        return {};
    }

    auto putBack = [this](PendingResult item, const QString &error) {
        item.lastError = error;
        log(logging::Level::Error, QStringLiteral("runtime"),
            QStringLiteral("delivery of held result %1 failed: %2; it is pending again")
                .arg(item.id, error),
            item.session);
        if (auto restored = store.restore(std::move(item)); !restored)
            log(logging::Level::Error, QStringLiteral("runtime"), restored.error().message);
        pendingTouched();
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

// Nobody is left waiting: the hub gets one error response (a workflow run is not annotated, its
// task keeps its labels), a local run's caller gets the reason.
Result<void> PluginRuntime::Private::discard(const QString &pendingId)
{
    auto taken = store.take(pendingId);
    if (!taken)
        return taken.error();
    const PendingResult item = std::move(taken.value());
    pendingApiKeys.remove(pendingId);
    const DeliveryTarget target = targetOf(item);
    log(logging::Level::Info, QStringLiteral("runtime"),
        QStringLiteral("held result %1 discarded").arg(pendingId), item.session);
    ++status.failed;
    if (item.local) {
        const HeldLocal held = heldLocal.take(pendingId);
        stage(target, RequestStage::Discarded, false, -1, kDiscardedMessage);
        pendingTouched();
        if (held.done) {
            LocalRunResult outcome;
            outcome.requestId = item.requestId;
            outcome.error = kDiscardedMessage;
            outcome.durationMs = held.callbackMs;
            held.done(std::move(outcome));
        }
        return {};
    }
    pluginLog(target, callbacks::LogLevel::Error, kDiscardedMessage);
    if (!item.workflow)
        emitError(target, kDiscardedMessage);
    stage(target, RequestStage::Discarded, false, -1, kDiscardedMessage);
    pendingTouched();
    return {};
}

} // namespace ango::runtime
