#include "callbacks/adapters/httpcallback.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

namespace ango::callbacks::adapters {

namespace {

constexpr qsizetype kBodyExcerpt = 300;

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
    QNetworkRequest request(m_options.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    if (m_options.timeoutMs > 0)
        request.setTransferTimeout(m_options.timeoutMs);
    const State before = state();
    QNetworkReply *reply
        = m_network->post(request, QByteArray::fromStdString(body.dump(
                                       -1, ' ', false, nlohmann::json::error_handler_t::replace)));
    m_running.insert(reply, Running{call.id, std::move(done)});
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finish(reply); });
    updateState(before);
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
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
    Result<nlohmann::json> result = nlohmann::json();
    if (reply->error() == QNetworkReply::OperationCanceledError
        || reply->error() == QNetworkReply::TimeoutError) {
        result = makeError(
            QStringLiteral("%1: no answer within %2 ms").arg(target).arg(m_options.timeoutMs),
            status);
    } else if (status == 0) {
        result = makeError(QStringLiteral("%1 failed: %2").arg(target, reply->errorString()));
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
        nlohmann::json parsed
            = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
        if (parsed.is_discarded())
            result
                = makeError(QStringLiteral("%1 answered HTTP %2 with a body that is not JSON: %3")
                                .arg(target)
                                .arg(status)
                                .arg(excerpt(body)),
                            status);
        else
            result = std::move(parsed);
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
