#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QQueue>
#include <QString>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <chrono>
#include <utility>

class QTcpServer;
class QTcpSocket;

// An HTTP/1.1 server on 127.0.0.1 (port 0) for tests: records every request as received and
// answers from a script. Keep-alive, pipelined and partially delivered requests are handled;
// request bodies must carry Content-Length (chunked uploads are answered 411).
namespace ango::test {

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

struct RecordedRequest
{
    QByteArray method;
    QByteArray target;  // the request-target exactly as sent
    QByteArray path;    // still percent-encoded
    QByteArray query;   // still percent-encoded, without '?'
    HeaderList headers; // names as sent, in order
    QByteArray body;
    qint64 receivedAtMs = 0; // since the server was created
    int connection = 0;      // index of the TCP connection it came on

    QByteArray header(QByteArrayView name) const; // case-insensitive; empty when absent
    bool hasHeader(QByteArrayView name) const;
    // application/x-www-form-urlencoded decoding, as web servers read queries ('+' is a space).
    QString queryValue(const QString &key) const;
    QStringList queryKeys() const;
};

struct ScriptedResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;
    std::chrono::milliseconds delay{0};
    bool answer = true;      // false: read the request, never reply (client-side timeouts)
    bool closeAfter = false; // close the connection after replying

    static ScriptedResponse json(int status, const nlohmann::json &body);
    static ScriptedResponse text(int status, QByteArray body,
                                 QByteArray contentType = QByteArrayLiteral("text/plain"));
    static ScriptedResponse redirect(const QUrl &location, int status = 302);
    static ScriptedResponse noAnswer();

    ScriptedResponse withHeader(QByteArray name, QByteArray value) const;
    ScriptedResponse after(std::chrono::milliseconds wait) const;
};

class RecordingHttpServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecordingHttpServer)

public:
    explicit RecordingHttpServer(QObject *parent = nullptr);
    ~RecordingHttpServer() override;

    bool listen(); // 127.0.0.1, port 0
    quint16 port() const;
    QUrl url(const QString &pathAndQuery = QStringLiteral("/")) const;

    // Which answer a request gets: the queue for its exact path, else the shared queue, else
    // the route's standing answer, else the fallback (404 {"message":"no scripted response"}).
    void enqueue(ScriptedResponse response);
    void enqueue(const QByteArray &path, ScriptedResponse response);
    void setRoute(const QByteArray &path, ScriptedResponse response);
    void setFallback(ScriptedResponse response);

    const QList<RecordedRequest> &requests() const { return m_requests; }
    int requestCount() const { return int(m_requests.size()); }
    int connectionCount() const { return m_connectionCount; }
    int openConnectionCount() const { return int(m_connections.size()); }

Q_SIGNALS:
    void requestReceived(int index);
    void connectionClosed(int connection);

private:
    struct Connection
    {
        int index = 0;
        QByteArray buffer;
        bool busy = false; // a request is waiting for its (delayed or withheld) answer
    };

    void accept();
    void readFrom(QTcpSocket *socket);
    void process(QTcpSocket *socket);
    ScriptedResponse responseFor(const QByteArray &path);
    void reply(QTcpSocket *socket, const ScriptedResponse &response, bool close);

    QTcpServer *m_server = nullptr;
    QElapsedTimer m_clock;
    QHash<QTcpSocket *, Connection> m_connections;
    int m_connectionCount = 0;
    QList<RecordedRequest> m_requests;
    QQueue<ScriptedResponse> m_queue;
    QHash<QByteArray, QQueue<ScriptedResponse>> m_pathQueues;
    QHash<QByteArray, ScriptedResponse> m_routes;
    ScriptedResponse m_fallback;
};

} // namespace ango::test
