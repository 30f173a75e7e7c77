#pragma once

#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QWebSocket>

// A hand-driven WebSocket client for the hub's tests: it sends exactly the frames a test writes
// (well-formed or not) and records every text frame received. It answers pings only when told to.
namespace ango::test {

class RawClient final : public QObject
{
    Q_OBJECT

public:
    explicit RawClient(bool answerPings = true, QObject *parent = nullptr)
        : QObject(parent)
        , m_answerPings(answerPings)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            frames << text;
            if (text == QLatin1String("2")) {
                ++pings;
                if (m_answerPings)
                    socket.sendTextMessage(QStringLiteral("3"));
            }
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] { closed = true; });
    }

    void open(const QUrl &hub,
              const QString &pathAndQuery = QStringLiteral("/socket.io/?EIO=4&transport=websocket"))
    {
        QUrl url(hub.toString().replace(QLatin1String("http://"), QLatin1String("ws://"))
                 + pathAndQuery);
        socket.open(url);
    }

    bool received(const QString &prefix) const
    {
        for (const QString &frame : frames)
            if (frame.startsWith(prefix))
                return true;
        return false;
    }

    QString first(const QString &prefix) const
    {
        for (const QString &frame : frames)
            if (frame.startsWith(prefix))
                return frame;
        return {};
    }

    QWebSocket socket;
    QStringList frames;
    int pings = 0;
    bool closed = false;

private:
    bool m_answerPings;
};

} // namespace ango::test
