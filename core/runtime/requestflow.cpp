#include "runtime/pluginruntime_p.h"

namespace ango::runtime {

// ---------------------------------------------------------------------------------------------
// Requests

void PluginRuntime::Private::onEvent(const QString &nsp, const QString &name, const json &args)
{
    if (nsp != kNamespace)
        return;
    if (name != QLatin1String("plugin")) {
        log(logging::Level::Debug, QStringLiteral("hub"),
            QStringLiteral("ignored event \"%1\"").arg(name), {}, nullptr, QStringLiteral("in"),
            name);
        return;
    }
    // A reference: the payload is copied once, into the request, not here too.
    static const json none;
    const json &payload = args.is_array() && !args.empty() ? args.front() : none;
    accept(payload, false, {});
}

quint64 PluginRuntime::Private::accept(const json &payload, bool local, LocalDone localDone,
                                       quint64 replayOf)
{
    const quint64 id = ++nextRequestId;
    ++status.received;
    auto parsed = parsePluginRequest(payload);
    DeliveryTarget target;
    target.requestId = id;
    target.local = local;
    target.replayOf = replayOf;
    if (!parsed) {
        stage(target, RequestStage::Received, true, -1, {}, payload);
        log(logging::Level::Error, QStringLiteral("runtime"), parsed.error().message, {}, nullptr,
            QStringLiteral("in"), QStringLiteral("plugin"));
        stage(target, RequestStage::Dropped, false, -1, parsed.error().message);
        ++status.failed;
        statusTouched();
        if (localDone) {
            LocalRunResult outcome;
            outcome.requestId = id;
            outcome.error = parsed.error().message;
            localDone(std::move(outcome));
        }
        return id;
    }
    PluginRequest request = std::move(parsed.value());
    rememberApiKey(request.apiKey);
    target.fillFrom(request);
    stage(target, RequestStage::Received, true, -1,
          replayOf ? QStringLiteral("replay of request %1").arg(replayOf) : QString(), payload);

    if (wants(logging::Level::Info)) {
        const QString what = request.workflow
                                 ? QStringLiteral("workflow run for task %1").arg(request.taskId)
                                 : QStringLiteral("interactive run");
        const QString origin = replayOf ? QStringLiteral("replay of request %1:").arg(replayOf)
                               : local  ? QStringLiteral("local")
                                        : QStringLiteral("plugin");
        log(logging::Level::Info, QStringLiteral("hub"),
            QStringLiteral("%1 %2: project %3, asset %4")
                .arg(origin, what,
                     request.projectId.isEmpty() ? QStringLiteral("-") : request.projectId,
                     request.assetId.isEmpty() ? QStringLiteral("-") : request.assetId),
            request.session, nullptr, QStringLiteral("in"), QStringLiteral("plugin"));
    }
    if (wants(logging::Level::Debug))
        log(logging::Level::Debug, QStringLiteral("hub"), QStringLiteral("plugin payload"),
            request.session, redactor.redact(payload), QStringLiteral("in"),
            QStringLiteral("plugin"));

    if (!local) {
        if (sessionsInFlight.contains(request.session)) {
            const QString message
                = QStringLiteral("a second \"plugin\" event for session %1 arrived while the "
                                 "first is still running; it is ignored")
                      .arg(request.session);
            log(logging::Level::Warning, QStringLiteral("runtime"), message, request.session);
            stage(target, RequestStage::Dropped, false, -1, message);
            return id;
        }
    }

    ActiveRequest entry;
    entry.target = target;
    entry.localDone = std::move(localDone);
    entry.clock.start();
    QStringList warnings = request.warnings;
    if (request.workflow && !request.overwrite)
        warnings << QStringLiteral(
            "overwrite is false, but merging with the task's existing labels is not "
            "supported yet: the annotation replaces them");
    const QStringList errors = request.errors;
    entry.request = std::move(request);
    active.emplace(id, std::move(entry));
    if (!local)
        sessionsInFlight.insert(target.session, id);

    for (const QString &warning : warnings)
        pluginLog(target, callbacks::LogLevel::Warning, warning);
    if (!errors.isEmpty()) {
        fail(id, errors.join(QStringLiteral("; ")));
        return id;
    }
    if (stopping) {
        fail(id, QStringLiteral("the plugin is stopping and takes no new requests"));
        return id;
    }
    if (local) {
        // Local runs are the GUI's "try it" button: they do not wait behind hub traffic.
        startRun(id);
        return id;
    }
    if (queue.isFull()) {
        fail(id, QStringLiteral("busy: %1 requests are already waiting for a slot "
                                "(maxQueuedRequests)")
                     .arg(queue.maxQueued()));
        statusTouched();
        return id;
    }
    // The request timeout runs from here: a request may not wait in the queue for ever either.
    armDeadline(active.find(id)->second);
    queue.enqueue(QueuedRun{id, target.workflow, target.taskId});
    stage(target, RequestStage::Queued);
    pump();
    statusTouched();
    return id;
}

void PluginRuntime::Private::pump()
{
    while (auto run = queue.takeNext()) {
        auto it = active.find(run->requestId);
        if (it == active.end()) {
            queue.finish(run->requestId);
            continue;
        }
        it->second.holdsSlot = true;
        startRun(run->requestId);
    }
    statusTouched();
}

void PluginRuntime::Private::startRun(quint64 id)
{
    auto it = active.find(id);
    if (it == active.end())
        return;
    ActiveRequest &entry = it->second;
    if (!callback) {
        fail(id, QStringLiteral("no callback is configured"));
        return;
    }
    const quint64 callId = ++nextCallId;
    entry.callId = callId;
    recentCalls.emplace_back(callId, entry.target.session);
    if (recentCalls.size() > kMaxRecentCalls)
        recentCalls.pop_front();
    entry.clock.restart();
    if (!entry.deadline) // local runs; queued runs have theirs since they arrived
        armDeadline(entry);
    ++status.running;
    stage(entry.target, RequestStage::CallbackStarted);

    callbacks::Call call;
    call.id = callId;
    // Held and observed results show their request, so only then is a copy kept.
    if (options.review == ReviewPolicy::Hold || entry.target.local || resultsObserved())
        call.request = entry.request.payload;
    else
        call.request = std::move(entry.request.payload);
    const DeliveryTarget target = entry.target;
    QPointer<PluginRuntime> guard(q);
    call.log = [this, guard, target](callbacks::LogLevel level, const QString &message) {
        if (guard)
            pluginLog(target, level, message);
    };
    // `done` may run before invoke() returns; `entry` must not be used after this call.
    callback->invoke(std::move(call), [this, guard, id, callId](Result<json> result) {
        if (guard)
            onCallbackDone(id, callId, std::move(result));
    });
}

void PluginRuntime::Private::onCallbackDone(quint64 id, quint64 callId, Result<json> result)
{
    auto it = active.find(id);
    if (it == active.end() || it->second.callId != callId) {
        log(logging::Level::Debug, QStringLiteral("runtime"),
            QStringLiteral(
                "a late callback result for request %1 was ignored (it had timed out or was "
                "cancelled)")
                .arg(id));
        return;
    }
    ActiveRequest &entry = it->second;
    entry.callId = 0;
    clearDeadline(entry);
    --status.running;
    entry.callbackMs = entry.clock.elapsed();
    stage(entry.target, RequestStage::CallbackFinished, result.ok(), entry.callbackMs,
          result.ok() ? QString() : result.error().message);
    // Interactive slots free up once the callback is done; a workflow slot stays taken until the
    // annotation is posted, so the next run of the same task cannot overtake it.
    if (!entry.target.workflow)
        releaseSlot(entry);
    if (!result) {
        fail(id, QStringLiteral("the callback failed: %1").arg(result.error().message));
    } else {
        onResult(entry, std::move(result.value()));
    }
    pump();
}

void PluginRuntime::Private::onTimeout(quint64 id)
{
    auto it = active.find(id);
    if (it == active.end())
        return;
    if (it->second.callId == 0) {
        if (queue.removeQueued(id))
            fail(id, QStringLiteral("the request waited %1 s in the queue without a free slot "
                                    "(request timeout)")
                         .arg(seconds(options.requestTimeout)));
        return;
    }
    ActiveRequest &entry = it->second;
    const quint64 callId = entry.callId;
    entry.callId = 0;
    clearDeadline(entry);
    --status.running;
    stage(entry.target, RequestStage::CallbackFinished, false, entry.clock.elapsed(),
          QStringLiteral("timeout"));
    if (callback)
        callback->cancel(callId);
    fail(id, QStringLiteral("the callback did not finish within %1 s (request timeout)")
                 .arg(seconds(options.requestTimeout)));
    pump();
}

void PluginRuntime::Private::armDeadline(ActiveRequest &entry)
{
    if (options.requestTimeout.count() <= 0)
        return;
    const qint64 now = monotonic.elapsed();
    const qint64 at = now + options.requestTimeout.count();
    entry.deadline = deadlines.emplace(at, entry.target.requestId);
    // A timer due no later than this deadline will do: it fires, handles what is due and re-arms
    // for the rest. Restarting it for every request cost a timer registration per run.
    if (!deadlineTimer.isActive() || at < deadlineTimerAt)
        startDeadlineTimer(at, now);
}

void PluginRuntime::Private::startDeadlineTimer(qint64 at, qint64 now)
{
    deadlineTimerAt = at;
    deadlineTimer.start(std::max<qint64>(0, at - now));
}

void PluginRuntime::Private::clearDeadline(ActiveRequest &entry)
{
    if (!entry.deadline)
        return;
    deadlines.erase(*entry.deadline);
    entry.deadline.reset();
    // The timer stays armed even when no deadline is left: it fires once, finds nothing due and
    // stays off. Stopping and restarting it cost a timer registration per run.
}

void PluginRuntime::Private::onDeadlineTimer()
{
    const qint64 now = monotonic.elapsed();
    while (!deadlines.empty() && deadlines.begin()->first <= now) {
        const quint64 id = deadlines.begin()->second;
        if (auto it = active.find(id); it != active.end())
            clearDeadline(it->second);
        else
            deadlines.erase(deadlines.begin());
        onTimeout(id);
    }
    if (!deadlines.empty())
        startDeadlineTimer(deadlines.begin()->first, now);
}

void PluginRuntime::Private::onResult(ActiveRequest &entry, json result)
{
    const quint64 id = entry.target.requestId;
    if (result.is_null()) {
        fail(id, QStringLiteral("the callback returned no result (null)"));
        return;
    }
    auto checked = checkResult(result, entry.request.categorySchema);
    if (!checked.answer) {
        fail(id, QStringLiteral("the callback returned an invalid result: %1").arg(checked.error));
        return;
    }
    auto &answer = checked.answer;
    const auto &problems = checked.problems;
    int logged = 0;
    for (const auto &problem : problems) {
        if (logged++ == kMaxProblemsLogged) {
            log(logging::Level::Warning, QStringLiteral("runtime"),
                QStringLiteral("... and %1 more problems in the result")
                    .arg(problems.size() - kMaxProblemsLogged),
                entry.target.session);
            break;
        }
        log(problem.severity == annotation::Severity::Error ? logging::Level::Error
                                                            : logging::Level::Warning,
            QStringLiteral("runtime"),
            QStringLiteral("result problem at %1: %2")
                .arg(QString::fromStdString(problem.path), problem.message),
            entry.target.session);
    }
    stage(entry.target, RequestStage::Validated, true, -1, QString::number(problems.size()));
    if (resultsObserved()) {
        RequestResult observed;
        observed.requestId = id;
        observed.session = entry.target.session;
        observed.workflow = entry.target.workflow;
        observed.local = entry.target.local;
        observed.request = entry.request.payload;
        observed.result = result;
        observed.answer = *answer;
        observed.problems = problems;
        Q_EMIT q->resultReady(observed);
        // A slot may have cancelled or stopped the request.
        if (active.find(id) == active.end())
            return;
    }

    // The review gate holds every run alike, local ones included.
    if (options.review == ReviewPolicy::Hold) {
        hold(entry, std::move(result), problems);
        return;
    }
    if (entry.target.local) {
        LocalRunResult outcome;
        outcome.requestId = id;
        outcome.result = std::move(result);
        outcome.answer = std::move(answer.value());
        outcome.problems = problems;
        outcome.durationMs = entry.callbackMs;
        auto done = std::move(entry.localDone);
        stage(entry.target, RequestStage::Delivered, true, entry.clock.elapsed(),
              QStringLiteral("local"));
        ++status.delivered;
        finish(id);
        if (done)
            done(std::move(outcome));
        return;
    }
    deliver(id, std::move(result), *answer);
}

void PluginRuntime::Private::deliver(quint64 id, json result, const annotation::Answer &answer)
{
    auto it = active.find(id);
    if (it == active.end())
        return;
    ActiveRequest &entry = it->second;
    if (!entry.target.workflow) {
        if (auto sent = emitResponse(entry.target, std::move(result)); !sent) {
            fail(id,
                 QStringLiteral("the response could not be sent: %1").arg(sent.error().message));
            return;
        }
        // The run's frames are complete: on the wire now, while we clean up, not after it.
        client->flush();
        stage(entry.target, RequestStage::Delivered, true, entry.clock.elapsed(),
              QStringLiteral("response"));
        ++status.delivered;
        finish(id);
        return;
    }
    entry.delivering = true;
    QPointer<PluginRuntime> guard(q);
    annotate(entry.target, entry.request.apiKey, answer, [this, guard, id](Result<void> posted) {
        if (!guard)
            return;
        auto it = active.find(id);
        if (it == active.end())
            return; // abandoned at shutdown
        it->second.delivering = false;
        if (!posted) {
            fail(id, QStringLiteral("the annotation could not be posted: %1")
                         .arg(posted.error().message));
        } else {
            stage(it->second.target, RequestStage::Delivered, true, it->second.clock.elapsed(),
                  QStringLiteral("annotate"));
            ++status.delivered;
            finish(id);
        }
        pump();
    });
}

void PluginRuntime::Private::fail(quint64 id, const QString &message)
{
    auto it = active.find(id);
    if (it == active.end())
        return;
    ActiveRequest &entry = it->second;
    const QString text = redactor.redact(message);
    ++status.failed;
    if (entry.target.local) {
        LocalRunResult outcome;
        outcome.requestId = id;
        outcome.error = text;
        outcome.durationMs = entry.callbackMs;
        auto done = std::move(entry.localDone);
        log(logging::Level::Error, QStringLiteral("runtime"), text, entry.target.session);
        stage(entry.target, RequestStage::Failed, false, entry.clock.elapsed(), text);
        finish(id);
        if (done)
            done(std::move(outcome));
        return;
    }
    // The plugin logger tells the hub user why (in every path, workflow included); an
    // interactive run also gets the error response the newest SDK sends, with the reason.
    pluginLog(entry.target, callbacks::LogLevel::Error, text);
    if (!entry.target.workflow)
        emitError(entry.target, text);
    stage(entry.target, RequestStage::Failed, false, entry.clock.elapsed(), text);
    finish(id);
}

void PluginRuntime::Private::releaseSlot(ActiveRequest &entry)
{
    if (entry.holdsSlot) {
        entry.holdsSlot = false;
        queue.finish(entry.target.requestId);
    }
}

void PluginRuntime::Private::finish(quint64 id)
{
    auto it = active.find(id);
    if (it == active.end())
        return;
    ActiveRequest &entry = it->second;
    clearDeadline(entry);
    if (entry.callId != 0)
        --status.running;
    releaseSlot(entry);
    if (!entry.target.local) {
        const auto session = sessionsInFlight.constFind(entry.target.session);
        if (session != sessionsInFlight.constEnd() && *session == id)
            sessionsInFlight.erase(session);
    }
    active.erase(it);
    statusTouched();
    if (stopping)
        checkDrained();
}

// ---------------------------------------------------------------------------------------------
// Delivery

Result<void> PluginRuntime::Private::send(const QString &event, json payload,
                                          const QString &session)
{
    const bool connected = client->isNamespaceConnected(kNamespace);
    if (!outbox.empty() && connected)
        flushOutbox();
    if (outbox.empty()) {
        // Connected (the common case): nothing to keep, the payload moves into the packet.
        // Not `connected ? std::move(payload) : payload`: that conditional is a copy either way.
        json args = json::array();
        if (connected)
            args.push_back(std::move(payload));
        else
            args.push_back(payload);
        auto sent = client->emitEvent(kNamespace, event, std::move(args));
        if (sent || connected || !started)
            return sent;
    }
    if (int(outbox.size()) >= kMaxOutbox)
        return makeError(
            QStringLiteral("the hub has been unreachable for too long: %1 events wait already")
                .arg(outbox.size()));
    outbox.push_back(OutboxEntry{event, std::move(payload), session});
    return {};
}

void PluginRuntime::Private::flushOutbox()
{
    while (!outbox.empty() && client->isNamespaceConnected(kNamespace)) {
        OutboxEntry entry = std::move(outbox.front());
        outbox.pop_front();
        json args = json::array();
        args.push_back(std::move(entry.payload));
        if (auto sent = client->emitEvent(kNamespace, entry.event, std::move(args)); !sent)
            log(logging::Level::Error, QStringLiteral("hub"),
                QStringLiteral("a held-back \"%1\" event could not be sent: %2")
                    .arg(entry.event, sent.error().message),
                entry.session);
    }
}

Result<void> PluginRuntime::Private::emitResponse(const DeliveryTarget &target, json result)
{
    json payload = json::object();
    payload["response"] = std::move(result);
    payload["session"] = target.sessionValue;
    auto sent = send(QStringLiteral("response"), std::move(payload), target.session);
    if (sent && wants(logging::Level::Info))
        log(logging::Level::Info, QStringLiteral("hub"),
            client->isNamespaceConnected(kNamespace)
                ? QStringLiteral("response")
                : QStringLiteral("response (queued until the hub is back)"),
            target.session, nullptr, QStringLiteral("out"), QStringLiteral("response"));
    return sent;
}

void PluginRuntime::Private::emitError(const DeliveryTarget &target, const QString &message)
{
    json payload
        = {{"error", true}, {"session", target.sessionValue}, {"message", message.toStdString()}};
    if (auto sent = send(QStringLiteral("response"), std::move(payload), target.session); !sent)
        log(logging::Level::Error, QStringLiteral("hub"),
            QStringLiteral("the error response could not be sent: %1").arg(sent.error().message),
            target.session);
    else
        log(logging::Level::Info, QStringLiteral("hub"), QStringLiteral("error response"),
            target.session, nullptr, QStringLiteral("out"), QStringLiteral("response"));
}

void PluginRuntime::Private::annotate(const DeliveryTarget &target, const QString &apiKey,
                                      const annotation::Answer &answer,
                                      std::function<void(Result<void>)> done)
{
    const QString session = target.session;
    const QString taskId = target.taskId;
    QPointer<PluginRuntime> guard(q);
    rest->annotate(
        apiKey, taskId, answer.toJson(), [this, guard, session, taskId, done](Result<json> reply) {
            if (!guard)
                return;
            if (!reply) {
                done(Error{redactor.redact(reply.error().message), reply.error().status});
                return;
            }
            log(logging::Level::Info, QStringLiteral("rest"),
                QStringLiteral("task %1 annotated").arg(taskId), session, nullptr,
                QStringLiteral("out"), QStringLiteral("POST"));
            done({});
        });
}

} // namespace ango::runtime
