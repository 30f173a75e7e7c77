#pragma once

#include "callbacks/callback.h"

#include <QHash>
#include <QUrl>

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
};

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
    };
    QHash<QNetworkReply *, Running> m_running;
};

} // namespace ango::callbacks::adapters
