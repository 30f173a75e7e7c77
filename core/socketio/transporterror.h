#pragma once

#include "common/networkfault.h"

#include <QAbstractSocket>
#include <QNetworkReply>
#include <QString>

// The hub connection's names for a failed connection: the shared words of
// common/networkfault.h, with the host given as "host:port" as the client knows it.
namespace ango::socketio {

using TransportFault = net::NetworkFault;

inline TransportFault classifySocketError(QAbstractSocket::SocketError error)
{
    return net::faultOfSocketError(error);
}

inline TransportFault classifyNetworkError(QNetworkReply::NetworkError error)
{
    return net::faultOfNetworkError(error);
}

// One sentence in plain words naming the host, e.g. "127.0.0.1 refused the connection on port
// 9 — is the hub running?". hostPort is "host:port" ("[::1]:port" for IPv6) or a bare host;
// `detail` (the library's own text) follows in brackets when not empty.
QString describeTransportFault(TransportFault fault, const QString &hostPort,
                               const QString &detail = {});

} // namespace ango::socketio
