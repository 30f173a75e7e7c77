#include "rest/restclient.h"

#include "common/networkfault.h"
#include "rest/httpfailure.h"

#include "common/jsonlimits.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

namespace ango::rest {

namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

constexpr int kMaxRedirects = 10;

enum class Method { Get, Post };

QString methodName(Method method)
{
    return method == Method::Get ? QStringLiteral("GET") : QStringLiteral("POST");
}

int defaultPort(const QUrl &url)
{
    return url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0 ? 443 : 80;
}

// The key goes only where it was meant to go: same scheme, host and port as the API host.
bool isSameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0
           && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
           && a.port(defaultPort(a)) == b.port(defaultPort(b));
}

QString pathSegment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

QByteArray toBody(const Json &value)
{
    // replace: a stray invalid UTF-8 string must not throw out of the call.
    const std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    return QByteArray(text.data(), qsizetype(text.size()));
}

bool isTransient(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // only the transfer timeout aborts our replies
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        return true;
    default:
        return false;
    }
}

struct Call
{
    Method method = Method::Get;
    QUrl url; // where every attempt starts (redirects are re-followed on retry)
    QByteArray body;
    QString apiKey;
    int attempt = 0;
    int redirects = 0;
    QElapsedTimer age; // since the first attempt: retries start only within callTimeout

    // The HTTP request in flight, if any.
    QUrl currentUrl;
    QNetworkReply *reply = nullptr;
    quint64 requestId = 0;
    bool keySent = false;
    QElapsedTimer clock;
    // Why we aborted the reply in flight (a limit or deadline), and whether a retry may help.
    QString abortReason;
    bool abortTransient = false;

    // Exactly one of these is set; extract picks the useful part of a JSON response.
    RestClient::JsonDone jsonDone;
    std::function<Result<Json>(Json)> extract;
    RestClient::BytesDone bytesDone;
};

using CallPtr = std::shared_ptr<Call>;

} // namespace

class RestClient::Private
{
public:
    Private(RestClient *q, QUrl apiHost)
        : q(q)
        , apiHost(std::move(apiHost))
        , network(new QNetworkAccessManager(q))
    {}

    RestClient *const q;
    const QUrl apiHost;
    RetryPolicy policy;
    QNetworkAccessManager *const network;
    std::unordered_map<const Call *, CallPtr> calls;
    quint64 nextRequestId = 1;

    QUrl endpoint(const QString &encodedPath, const QString &encodedQuery = {}) const;
    void startJson(Method method, QUrl url, const QString &apiKey, QByteArray body, JsonDone done,
                   std::function<Result<Json>(Json)> extract);
    void start(const CallPtr &call);
    void startAttempt(const CallPtr &call);
    void send(const CallPtr &call, const QUrl &url);
    void onFinished(const CallPtr &call, QNetworkReply *reply);
    void watchLimits(const CallPtr &call, QNetworkReply *reply);
    void abortReply(const CallPtr &call, QNetworkReply *reply, QString reason, bool transient);
    void onSuccess(const CallPtr &call, int status, const QByteArray &body, qint64 elapsedMs);
    void retryOrFail(const CallPtr &call, const QString &reason, int status, bool transient,
                     std::optional<std::chrono::milliseconds> retryAfter);
    std::chrono::milliseconds backoff(int attempt) const;
    void fail(const CallPtr &call, Error error);
    void deliverJson(const CallPtr &call, Result<Json> result);
    void deliverBytes(const CallPtr &call, Result<QByteArray> result);
    void emitFinished(const CallPtr &call, int status, qint64 ms, qint64 bytes,
                      const QString &error);
    QString describe(const CallPtr &call, const QString &what) const;
    void abortAll();
};

QUrl RestClient::Private::endpoint(const QString &encodedPath, const QString &encodedQuery) const
{
    QUrl url = apiHost;
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + encodedPath, QUrl::TolerantMode);
    url.setQuery(encodedQuery.isEmpty() ? QString() : encodedQuery, QUrl::TolerantMode);
    url.setFragment(QString());
    return url;
}

void RestClient::Private::startJson(Method method, QUrl url, const QString &apiKey, QByteArray body,
                                    JsonDone done, std::function<Result<Json>(Json)> extract)
{
    auto call = std::make_shared<Call>();
    call->method = method;
    call->url = std::move(url);
    call->apiKey = apiKey;
    call->body = std::move(body);
    call->jsonDone = std::move(done);
    call->extract = std::move(extract);
    start(call);
}

void RestClient::Private::start(const CallPtr &call)
{
    calls.emplace(call.get(), call);
    call->age.start();
    startAttempt(call);
}

void RestClient::Private::startAttempt(const CallPtr &call)
{
    ++call->attempt;
    call->redirects = 0;
    send(call, call->url);
}

void RestClient::Private::send(const CallPtr &call, const QUrl &url)
{
    QNetworkRequest request(url);
    // Redirects are followed by hand: Qt would carry the apikey header to any other host.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(int(policy.transferTimeout.count()));
    call->keySent = !call->apiKey.isEmpty() && isSameOrigin(url, apiHost);
    if (call->keySent)
        request.setRawHeader("apikey", call->apiKey.toUtf8());
    if (call->jsonDone)
        request.setRawHeader("Accept", "application/json");

    call->currentUrl = url;
    call->abortReason.clear();
    call->abortTransient = false;
    call->requestId = nextRequestId++;
    call->clock.start();
    if (call->method == Method::Post) {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        call->reply = network->post(request, call->body);
    } else {
        call->reply = network->get(request);
    }
    QObject::connect(call->reply, &QNetworkReply::finished, q,
                     [this, call, reply = call->reply] { onFinished(call, reply); });
    watchLimits(call, call->reply);

    // Last: a slot may destroy the client, and then nothing here may be touched.
    Q_EMIT q->requestStarted(call->requestId, methodName(call->method), detail::withoutQuery(url),
                             call->attempt);
}

// The limits are checked as the reply comes in, so that an oversized or endless body is
// refused before it is buffered.
void RestClient::Private::watchLimits(const CallPtr &call, QNetworkReply *reply)
{
    if (policy.callTimeout.count() > 0) {
        // The reply is the context: the timer dies with it.
        QTimer::singleShot(policy.callTimeout, reply, [this, call, reply] {
            if (call->reply == reply)
                abortReply(call, reply,
                           QStringLiteral("timed out (no complete response within %1 ms: "
                                          "callTimeout)")
                               .arg(policy.callTimeout.count()),
                           true);
        });
    }
    const qint64 limit = policy.maxResponseBytes;
    if (limit <= 0)
        return;
    QObject::connect(reply, &QNetworkReply::metaDataChanged, q, [this, call, reply, limit] {
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        if (call->reply == reply && length.isValid() && length.toLongLong() > limit)
            abortReply(call, reply,
                       QStringLiteral("the response is %1 bytes (Content-Length), above "
                                      "maxResponseBytes (%2 bytes)")
                           .arg(length.toLongLong())
                           .arg(limit),
                       false);
    });
    QObject::connect(reply, &QNetworkReply::readyRead, q, [this, call, reply, limit] {
        if (call->reply == reply && reply->bytesAvailable() > limit)
            abortReply(call, reply,
                       QStringLiteral("the response is more than %1 bytes, above "
                                      "maxResponseBytes")
                           .arg(limit),
                       false);
    });
}

void RestClient::Private::abortReply(const CallPtr &call, QNetworkReply *reply, QString reason,
                                     bool transient)
{
    call->abortReason = std::move(reason);
    call->abortTransient = transient;
    reply->abort(); // finished() follows, with OperationCanceledError
}

void RestClient::Private::onFinished(const CallPtr &call, QNetworkReply *reply)
{
    QObject::disconnect(reply, nullptr, q, nullptr);
    reply->deleteLater();
    call->reply = nullptr;

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = reply->error();
    // An aborted (timed-out) reply is closed; reading it would only warn.
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
    const qint64 elapsedMs = call->clock.elapsed();

    if (!call->abortReason.isEmpty()) {
        const QString reason = std::exchange(call->abortReason, QString());
        QPointer<RestClient> alive(q);
        emitFinished(call, status, elapsedMs, body.size(), describe(call, reason));
        if (alive)
            retryOrFail(call, reason, 0, call->abortTransient, std::nullopt);
        return;
    }

    // Transport and proxy errors are below 200; above are Qt's names for HTTP statuses.
    if (status == 0 || (error != QNetworkReply::NoError && int(error) < 200)) {
        // The cause in the words the hub connection uses too (common/networkfault.h).
        const net::NetworkFault fault = net::faultOfNetworkError(error);
        net::FaultContext context = net::FaultContext::of(call->currentUrl);
        if (fault == net::NetworkFault::Timeout)
            context.waited = policy.transferTimeout;
        if (fault == net::NetworkFault::TlsFailure || fault == net::NetworkFault::Other) {
            // Qt's own text names the TLS problem; it may quote the full URL, query included.
            QString text = reply->errorString();
            text.replace(call->currentUrl.toString(),
                         detail::withoutQuery(call->currentUrl).toString());
            text.replace(QString::fromUtf8(call->currentUrl.toEncoded()),
                         detail::withoutQuery(call->currentUrl).toString());
            context.detail
                = text.isEmpty() ? QStringLiteral("network error %1").arg(int(error)) : text;
        }
        const QString reason = net::describeNetworkFault(fault, context);
        QPointer<RestClient> alive(q);
        emitFinished(call, status, elapsedMs, body.size(), describe(call, reason));
        if (alive)
            retryOrFail(call, reason, 0, isTransient(error), std::nullopt);
        return;
    }

    if (status >= 300 && status < 400) {
        const QUrl target = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
        QString refusal;
        if (target.isEmpty())
            refusal = QStringLiteral("HTTP %1 without a Location").arg(status);
        else if (call->method != Method::Get)
            refusal = QStringLiteral("unexpected redirect (HTTP %1) of a POST").arg(status);
        else if (++call->redirects > kMaxRedirects)
            refusal = QStringLiteral("more than %1 redirects").arg(kMaxRedirects);
        const QUrl next = call->currentUrl.resolved(target);
        if (refusal.isEmpty() && next.scheme() != QLatin1String("https")
            && next.scheme() != QLatin1String("http"))
            refusal = QStringLiteral("refused a redirect to a %1 URL").arg(next.scheme());
        // Like Qt's NoLessSafeRedirectPolicy: never downgrade https to http.
        if (refusal.isEmpty() && call->currentUrl.scheme() == QLatin1String("https")
            && next.scheme() == QLatin1String("http"))
            refusal = QStringLiteral("refused a redirect from https to http");

        QPointer<RestClient> alive(q);
        emitFinished(call, status, elapsedMs, body.size(),
                     refusal.isEmpty() ? QString() : describe(call, refusal));
        if (!alive)
            return;
        if (refusal.isEmpty())
            send(call, next);
        else
            fail(call, Error::of(describe(call, refusal), status));
        return;
    }

    if (status >= 200 && status < 300) {
        onSuccess(call, status, body, elapsedMs);
        return;
    }

    QString reason = QStringLiteral("HTTP %1").arg(status);
    const QString explanation
        = net::isCredentialStatus(status) && call->keySent
              ? net::describeNetworkFault(net::NetworkFault::WrongCredentials,
                                          net::FaultContext::of(call->currentUrl))
              : detail::statusExplanation(status, call->keySent);
    if (!explanation.isEmpty())
        reason += QStringLiteral(" (") + explanation + QLatin1Char(')');
    const QString message = detail::serverMessage(body);
    if (!message.isEmpty())
        reason += QStringLiteral(": ") + message;
    const bool transient = status == 429 || status >= 500;
    std::optional<std::chrono::milliseconds> retryAfter;
    if (status == 429 || status == 503)
        retryAfter = detail::parseRetryAfter(reply->rawHeader("Retry-After"),
                                             QDateTime::currentDateTimeUtc());

    QPointer<RestClient> alive(q);
    emitFinished(call, status, elapsedMs, body.size(), describe(call, reason));
    if (alive)
        retryOrFail(call, reason, status, transient, retryAfter);
}

void RestClient::Private::onSuccess(const CallPtr &call, int status, const QByteArray &body,
                                    qint64 elapsedMs)
{
    QPointer<RestClient> alive(q);
    if (call->bytesDone) {
        emitFinished(call, status, elapsedMs, body.size(), {});
        if (alive)
            deliverBytes(call, body);
        return;
    }

    Result<Json> result = Json(nullptr); // an empty body (204, or a bare 200) carries no JSON
    const qint64 tooDeepAt = jsonTextTooDeepAt(std::string_view(body.constData(), body.size()));
    if (tooDeepAt >= 0) {
        // Copies and dumps of the value recurse once per level: refused before parsing.
        result = Error::of(describe(call, QStringLiteral("the response is JSON nested deeper "
                                                         "than %1 levels (at byte %2)")
                                              .arg(kDefaultJsonMaxDepth)
                                              .arg(tooDeepAt)));
    } else if (!body.trimmed().isEmpty()) {
        try {
            result = Json::parse(body.begin(), body.end());
        } catch (const Json::exception &) {
            result = Error::of(describe(call, QStringLiteral("the response is not valid JSON: ")
                                                  + detail::serverMessage(body, 120)));
        }
    }
    if (result.ok() && call->extract)
        result = call->extract(std::move(result).value());
    if (!result.ok())
        result = Error::of(detail::withoutSecret(result.error().message, call->apiKey),
                           result.error().status);

    emitFinished(call, status, elapsedMs, body.size(),
                 result.ok() ? QString() : result.error().message);
    if (alive)
        deliverJson(call, std::move(result));
}

void RestClient::Private::retryOrFail(const CallPtr &call, const QString &reason, int status,
                                      bool transient,
                                      std::optional<std::chrono::milliseconds> retryAfter)
{
    // No new attempt once the call is callTimeout old: with the attempt's own deadline, the
    // whole call ends within twice callTimeout, however the server drips its answers.
    const bool outOfTime
        = policy.callTimeout.count() > 0 && call->age.elapsed() >= policy.callTimeout.count();
    if (!transient || outOfTime || call->attempt >= std::max(1, policy.maxAttempts)) {
        QString message = describe(call, reason);
        if (call->attempt > 1)
            message += QStringLiteral(" (after %1 attempts)").arg(call->attempt);
        if (transient && outOfTime && call->attempt < policy.maxAttempts)
            message += QStringLiteral(" (no retry: the call is older than callTimeout)");
        fail(call, Error::of(std::move(message), status));
        return;
    }
    const auto delay = retryAfter ? std::min(*retryAfter, policy.maxDelay) : backoff(call->attempt);
    QTimer::singleShot(delay, q, [this, call] {
        if (calls.contains(call.get()))
            startAttempt(call);
    });
}

std::chrono::milliseconds RestClient::Private::backoff(int attempt) const
{
    const double exponential = double(policy.initialDelay.count()) * std::pow(2.0, attempt - 1);
    const double capped = std::min(exponential, double(policy.maxDelay.count()));
    // "Equal jitter": at least half the delay, so that clients that failed together spread out.
    const double jittered = capped * (0.5 + 0.5 * QRandomGenerator::global()->generateDouble());
    return std::chrono::milliseconds{qRound64(jittered)};
}

QString RestClient::Private::describe(const CallPtr &call, const QString &what) const
{
    const QString text
        = methodName(call->method) + QLatin1Char(' ')
          + detail::withoutQuery(call->currentUrl.isEmpty() ? call->url : call->currentUrl)
                .toString()
          + QStringLiteral(" failed: ") + what;
    return detail::withoutSecret(text, call->apiKey);
}

void RestClient::Private::emitFinished(const CallPtr &call, int status, qint64 ms, qint64 bytes,
                                       const QString &error)
{
    Q_EMIT q->requestFinished(call->requestId, status, ms, bytes,
                              detail::withoutSecret(error, call->apiKey));
}

// Callbacks run from the event loop, never from inside a QNetworkReply signal nor from inside
// the call that started the request, and never once the client is gone: the queued invocation
// dies with q.
void RestClient::Private::fail(const CallPtr &call, Error error)
{
    error.message = detail::withoutSecret(std::move(error.message), call->apiKey);
    if (call->jsonDone)
        deliverJson(call, std::move(error));
    else
        deliverBytes(call, std::move(error));
}

void RestClient::Private::deliverJson(const CallPtr &call, Result<Json> result)
{
    calls.erase(call.get());
    QMetaObject::invokeMethod(
        q,
        [done = std::move(call->jsonDone), result = std::move(result)]() mutable {
            done(std::move(result));
        },
        Qt::QueuedConnection);
}

void RestClient::Private::deliverBytes(const CallPtr &call, Result<QByteArray> result)
{
    calls.erase(call.get());
    QMetaObject::invokeMethod(
        q,
        [done = std::move(call->bytesDone), result = std::move(result)]() mutable {
            done(std::move(result));
        },
        Qt::QueuedConnection);
}

void RestClient::Private::abortAll()
{
    auto pending = std::move(calls);
    calls.clear();
    for (auto &[key, call] : pending) {
        if (QNetworkReply *reply = std::exchange(call->reply, nullptr)) {
            QObject::disconnect(reply, nullptr, q, nullptr);
            reply->abort();
            delete reply;
        }
    }
}

RestClient::RestClient(QUrl apiHost, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(apiHost)))
{}

RestClient::~RestClient()
{
    d->abortAll();
}

QUrl RestClient::apiHost() const
{
    return d->apiHost;
}

void RestClient::setRetryPolicy(RetryPolicy policy)
{
    d->policy = policy;
}

void RestClient::getAsset(const QString &apiKey, const AssetQuery &query, JsonDone done)
{
    const bool byId = !query.assetId.isEmpty();
    const QString idKey = byId ? QStringLiteral("_id") : QStringLiteral("externalId");
    const QString id = byId ? query.assetId : query.externalId;
    if (query.projectId.isEmpty() || id.isEmpty()) {
        QMetaObject::invokeMethod(
            this,
            [done = std::move(done)] {
                done(Error::of(QStringLiteral("getAsset needs a project id and an asset id "
                                              "or external id")));
            },
            Qt::QueuedConnection);
        return;
    }

    const Json filters = {{idKey.toStdString(), id.toStdString()}};
    const QString encodedQuery
        = QStringLiteral("page=1&limit=10&filters=")
          + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(toBody(filters))));
    const QUrl url = d->endpoint(QStringLiteral("/v2/project/") + pathSegment(query.projectId)
                                     + QStringLiteral("/assets"),
                                 encodedQuery);
    auto extract = [idKey, id, projectId = query.projectId](Json response) -> Result<Json> {
        const Json *assets = nullptr;
        if (response.is_object() && response.contains("data") && response["data"].is_object()
            && response["data"].contains("assets") && response["data"]["assets"].is_array())
            assets = &response["data"]["assets"];
        if (!assets)
            return Error::of(QStringLiteral("the assets response has no data.assets list"));
        if (assets->empty())
            return Error::of(
                QStringLiteral("no asset with %1 %2 in project %3").arg(idKey, id, projectId));
        return Json((*assets)[0]);
    };
    d->startJson(Method::Get, url, apiKey, {}, std::move(done), std::move(extract));
}

void RestClient::fetchBytes(const QString &apiKey, const QUrl &url, BytesDone done)
{
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.isRelative() || url.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        const QString shown = detail::withoutQuery(url).toString();
        QMetaObject::invokeMethod(
            this,
            [done = std::move(done), shown] {
                done(Error::of(
                    QStringLiteral("cannot fetch \"%1\": not an http(s) URL").arg(shown)));
            },
            Qt::QueuedConnection);
        return;
    }
    auto call = std::make_shared<Call>();
    call->method = Method::Get;
    call->url = url;
    call->apiKey = apiKey;
    call->bytesDone = std::move(done);
    d->start(call);
}

void RestClient::getProject(const QString &apiKey, const QString &projectId, JsonDone done)
{
    const QUrl url = d->endpoint(QStringLiteral("/v2/project/") + pathSegment(projectId));
    auto extract = [](Json response) -> Result<Json> {
        if (response.is_object() && response.contains("data") && response["data"].is_object()
            && response["data"].contains("project"))
            return Json(response["data"]["project"]);
        return Error::of(QStringLiteral("the project response has no data.project"));
    };
    d->startJson(Method::Get, url, apiKey, {}, std::move(done), std::move(extract));
}

void RestClient::importLabels(const QString &apiKey, const QString &projectId,
                              const nlohmann::json &jsonContent, JsonDone done)
{
    const Json body = {{"project", projectId.toStdString()}, {"jsonContent", jsonContent}};
    d->startJson(Method::Post, d->endpoint(QStringLiteral("/v2/import/labels")), apiKey,
                 toBody(body), std::move(done), {});
}

void RestClient::annotate(const QString &apiKey, const QString &taskId,
                          const nlohmann::json &answer, JsonDone done, bool nextStage,
                          bool isPlugin)
{
    const auto flag
        = [](bool value) { return value ? QStringLiteral("true") : QStringLiteral("false"); };
    const QUrl url = d->endpoint(QStringLiteral("/v2/annotate/") + pathSegment(taskId),
                                 QStringLiteral("nextStage=") + flag(nextStage)
                                     + QStringLiteral("&isPlugin=") + flag(isPlugin));
    const Json body = {{"answer", answer}, {"duration", 0}};
    d->startJson(Method::Post, url, apiKey, toBody(body), std::move(done), {});
}

void RestClient::getAssetPage(const QString &apiKey, const QString &projectId, int page, int limit,
                              JsonDone done)
{
    const QUrl url = d->endpoint(QStringLiteral("/v2/project/") + pathSegment(projectId)
                                     + QStringLiteral("/assets"),
                                 QStringLiteral("page=%1&limit=%2").arg(page).arg(limit));
    auto extract = [page](Json response) -> Result<Json> {
        if (response.is_object() && response.contains("data") && response["data"].is_object()
            && response["data"].contains("assets") && response["data"]["assets"].is_array())
            return Json(response["data"]);
        return Error::of(
            QStringLiteral("the assets response (page %1) has no data.assets list").arg(page));
    };
    d->startJson(Method::Get, url, apiKey, {}, std::move(done), std::move(extract));
}

} // namespace ango::rest
