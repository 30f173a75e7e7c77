#include "callbacks/adapters/httpcallback.h"

#include "common/networkfault.h"

#include "common/jsonlimits.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

namespace ango::callbacks::adapters {

namespace {

constexpr qsizetype kBodyExcerpt = 300;

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    const auto port = [](const QUrl &url) {
        return url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    };
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0
           && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && port(a) == port(b);
}

QString excerpt(const QByteArray &body)
{
    QString text = QString::fromUtf8(body.left(kBodyExcerpt)).simplified();
    if (body.size() > kBodyExcerpt)
        text += QStringLiteral("…");
    return text.isEmpty() ? QStringLiteral("(empty body)") : text;
}

} // namespace

HttpCallback::HttpCallback(const HttpCallbackOptions &options, QObject *parent)
    : Callback(parent)
    , m_options(options)
    , m_network(new QNetworkAccessManager(this))
{}

HttpCallback::~HttpCallback()
{
    // Replies die with the manager; their calls are dropped like every adapter's at destruction.
    for (QNetworkReply *reply : m_running.keys())
        reply->disconnect(this);
}

QString HttpCallback::describe() const
{
    return QStringLiteral("http:%1").arg(m_options.url.toDisplayString(QUrl::RemoveUserInfo));
}

void HttpCallback::invoke(Call call, Done done)
{
    nlohmann::json body = std::move(call.request);
    if (body.is_object())
        body.erase("logger");
    const State before = state();
    send(m_options.url, Running{call.id,
                                std::move(done),
                                QByteArray::fromStdString(body.dump(
                                    -1, ' ', false, nlohmann::json::error_handler_t::replace)),
                                {},
                                0});
    updateState(before);
}

void HttpCallback::send(const QUrl &url, Running call)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    if (m_options.timeoutMs > 0)
        request.setTransferTimeout(m_options.timeoutMs);
    // Redirects are followed by finish(), which checks the origin first.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network->post(request, call.body);
    m_running.insert(reply, std::move(call));
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finish(reply); });
    connect(reply, &QNetworkReply::downloadProgress, this,
            [this, reply](qint64 received, qint64 total) {
                onDownloadProgress(reply, received, total);
            });
}

void HttpCallback::cancel(quint64 callId)
{
    for (auto it = m_running.begin(); it != m_running.end(); ++it) {
        if (it->callId != callId)
            continue;
        QNetworkReply *reply = it.key();
        Done done = std::move(it->done);
        const State before = state();
        m_running.erase(it);
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
        QPointer<HttpCallback> self(this);
        done(makeError(QStringLiteral("call %1 was cancelled; the request to %2 was aborted")
                           .arg(callId)
                           .arg(describe())));
        if (self)
            updateState(before);
        return;
    }
}

// A redirect is followed (the same POST again) only within the origin and at most
// kMaxHttpRedirects times; an error names the Location otherwise.
std::optional<QString> HttpCallback::followRedirect(QNetworkReply *reply, Running &call)
{
    const QUrl location = reply->url().resolved(
        QUrl::fromEncoded(reply->rawHeader(QByteArrayLiteral("Location")), QUrl::StrictMode));
    const QString where = location.toDisplayString(QUrl::RemoveUserInfo);
    if (!location.isValid() || !sameOrigin(location, m_options.url))
        return QStringLiteral("redirected to %1, another origin than %2; not followed (the "
                              "request carries the apiKey)")
            .arg(where,
                 m_options.url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveUserInfo)
                     .toDisplayString());
    if (++call.redirects > kMaxHttpRedirects)
        return QStringLiteral("more than %1 redirects; the last one to %2")
            .arg(kMaxHttpRedirects)
            .arg(where);
    send(location, std::move(call));
    return std::nullopt;
}

void HttpCallback::onDownloadProgress(QNetworkReply *reply, qint64 received, qint64 total)
{
    if (received <= m_options.maxResultBytes && total <= m_options.maxResultBytes)
        return;
    refuse(reply, QStringLiteral("the response body is larger than %1 bytes (the maxResultBytes "
                                 "limit)")
                      .arg(m_options.maxResultBytes));
}

void HttpCallback::refuse(QNetworkReply *reply, const QString &why)
{
    const auto it = m_running.find(reply);
    if (it == m_running.end() || !it->refusal.isEmpty())
        return;
    it->refusal = why;
    reply->abort(); // finished() follows, and reports the refusal
}

void HttpCallback::finish(QNetworkReply *reply)
{
    reply->deleteLater();
    const auto it = m_running.find(reply);
    if (it == m_running.end())
        return;
    const State before = state();
    Running call = std::move(*it);
    m_running.erase(it);

    const QString target
        = QStringLiteral("POST %1").arg(m_options.url.toDisplayString(QUrl::RemoveUserInfo));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (call.refusal.isEmpty() && status >= 300 && status <= 399
        && reply->hasRawHeader(QByteArrayLiteral("Location"))) {
        const std::optional<QString> refused = followRedirect(reply, call);
        if (!refused)
            return; // the call goes on with the next request
        call.refusal = *refused;
    }
    const QByteArray body = reply->isOpen() && call.refusal.isEmpty()
                                ? reply->read(m_options.maxResultBytes + 1)
                                : QByteArray();
    Result<nlohmann::json> result = nlohmann::json();
    if (!call.refusal.isEmpty()) {
        result = makeError(QStringLiteral("%1: %2").arg(target, call.refusal), status);
    } else if (status == 0 || reply->error() == QNetworkReply::OperationCanceledError
               || reply->error() == QNetworkReply::TimeoutError) {
        // The cause in the words the hub connection and REST use (common/networkfault.h).
        const net::NetworkFault fault = net::faultOfNetworkError(reply->error());
        net::FaultContext context = net::FaultContext::of(m_options.url);
        if (fault == net::NetworkFault::Timeout)
            context.waited = std::chrono::milliseconds(m_options.timeoutMs);
        else if (fault == net::NetworkFault::TlsFailure || fault == net::NetworkFault::Other)
            context.detail = reply->errorString();
        result = makeError(
            QStringLiteral("%1 failed: %2").arg(target, net::describeNetworkFault(fault, context)),
            status);
    } else if (status < 200 || status > 299) {
        const QString reason
            = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        result = makeError(QStringLiteral("%1 answered HTTP %2%3: %4")
                               .arg(target)
                               .arg(status)
                               .arg(reason.isEmpty() ? QString() : QLatin1Char(' ') + reason)
                               .arg(excerpt(body)),
                           status);
    } else if (!body.trimmed().isEmpty()) {
        // An empty 2xx body is a callback that returned nothing (None in the SDK).
        auto parsed = parseJsonLimited(std::string_view(body.constData(), size_t(body.size())),
                                       QStringLiteral("http callback %1").arg(target),
                                       {kDefaultJsonMaxDepth, m_options.maxResultBytes});
        if (!parsed
            && jsonTextTooDeepAt(std::string_view(body.constData(), size_t(body.size()))) < 0
            && body.size() <= m_options.maxResultBytes)
            result
                = makeError(QStringLiteral("%1 answered HTTP %2 with a body that is not JSON: %3")
                                .arg(target)
                                .arg(status)
                                .arg(excerpt(body)),
                            status);
        else if (!parsed)
            result = makeError(parsed.error().message, status);
        else if (auto acceptable
                 = checkCallbackResult(*parsed, describe(), m_options.maxResultBytes);
                 !acceptable)
            result = acceptable.error();
        else
            result = std::move(*parsed);
    }
    QPointer<HttpCallback> self(this);
    call.done(std::move(result));
    if (self)
        updateState(before);
}

void HttpCallback::updateState(State before)
{
    if (state() != before)
        Q_EMIT stateChanged(state(),
                            m_running.isEmpty()
                                ? QStringLiteral("idle")
                                : QStringLiteral("%1 requests in flight").arg(m_running.size()));
}

} // namespace ango::callbacks::adapters
