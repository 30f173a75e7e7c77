#pragma once

#include <QAbstractSocket>
#include <QNetworkReply>
#include <QString>

namespace ango::socketio {

// Why a connection to a host failed, as far as the user can act on it.
enum class TransportFault {
    HostNotFound,      // DNS: the name does not resolve
    ConnectionRefused, // nothing listens on that port
    TlsFailure,        // handshake or certificate
    Timeout,           // no answer in time
    WrongSecret,       // the host answered, and refused our credentials
    Closed,            // the host closed the connection
    Other,
};

TransportFault classifySocketError(QAbstractSocket::SocketError error);
TransportFault classifyNetworkError(QNetworkReply::NetworkError error);

// One sentence in plain words that names the host, e.g. "Cannot find the host hub.example.com:
// the name does not resolve (check the spelling and your network/DNS)." `detail` (the library's
// own text) is appended in brackets when not empty.
QString describeTransportFault(TransportFault fault, const QString &host,
                               const QString &detail = {});

} // namespace ango::socketio
