#pragma once

#include "callbacks/callback.h"

#include <QHash>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

// `http:URL`: each call POSTs the request JSON to the author's endpoint and takes the result from
// the JSON response. Non-2xx answers, unreadable bodies and timeouts become errors carrying the
// status and an excerpt of the body.
namespace ango::callbacks::adapters {

struct HttpCallbackOptions
{
    QUrl url;
    int timeoutMs = 0; // 0: none of our own; the runtime's per-request timeout cancels the call
    qint64 maxResultBytes = kDefaultMaxResultBytes; // a longer response body is refused
};

// Redirects the callback follows: same origin (scheme, host, port) only, at most this many. A
// redirect elsewhere would carry the payload, apiKey included, to a stranger (307/308 re-POST).
inline constexpr int kMaxHttpRedirects = 3;

class HttpCallback final : public Callback
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpCallback)

public:
    explicit HttpCallback(const HttpCallbackOptions &options, QObject *parent = nullptr);
    ~HttpCallback() override;

    QString describe() const override;
    void invoke(Call call, Done done) override;
    void cancel(quint64 callId) override;
    State state() const override { return m_running.isEmpty() ? State::Ready : State::Running; }

private:
    void finish(QNetworkReply *reply);
    void updateState(State before);

    HttpCallbackOptions m_options;
    QNetworkAccessManager *m_network = nullptr;
    struct Running
    {
        quint64 callId = 0;
        Done done;
        QByteArray body;
        QString refusal; // why the call fails though the reply came (a redirect, a large body)
        int redirects = 0;
    };
    void send(const QUrl &url, Running call);
    // Empty when the redirect is followed; else why not.
    std::optional<QString> followRedirect(QNetworkReply *reply, Running &call);
    void onDownloadProgress(QNetworkReply *reply, qint64 received, qint64 total);
    void refuse(QNetworkReply *reply, const QString &why);
    QHash<QNetworkReply *, Running> m_running;
};

} // namespace ango::callbacks::adapters
