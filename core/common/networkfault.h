#pragma once

#include <QAbstractSocket>
#include <QNetworkReply>
#include <QString>
#include <QUrl>

#include <chrono>

// Why a connection to a host failed, in the words a person can act on. The hub connection
// (core/socketio) and the REST paths (core/rest) both say it through describeNetworkFault, so the
// same cause reads the same everywhere.
namespace ango::net {

enum class NetworkFault {
    HostNotFound,      // DNS: the name does not resolve
    ConnectionRefused, // nothing listens on that port
    TlsFailure,        // handshake or certificate
    Timeout,           // no answer in time
    WrongCredentials,  // the host answered and refused the id and secret / the API key
    Closed,            // the host closed the connection
    Other,
};

NetworkFault faultOfSocketError(QAbstractSocket::SocketError error);
NetworkFault faultOfNetworkError(QNetworkReply::NetworkError error);
// 401 and 403 are refused credentials; every other status is not a network fault.
bool isCredentialStatus(int status);

struct FaultContext
{
    QString host;                         // the name or address as the user wrote it
    int port = -1;                        // -1: not known
    std::chrono::milliseconds waited{-1}; // a timeout: how long was waited; -1: not known
    QString pluginId;                     // the id presented; its secret is never named
    QString detail;                       // the library's words (the TLS problem, say)

    // host and port from a URL (the scheme's default port when none is written).
    static FaultContext of(const QUrl &url);
};

// "cannot resolve host hub.example", "127.0.0.1 refused the connection on port 9 — is the hub
// running?", "TLS with 127.0.0.1:8443 failed: …", "127.0.0.1:8080 did not answer within 2 s",
// "the hub 127.0.0.1:8080 refused plugin ID p-1: wrong secret or ID".
QString describeNetworkFault(NetworkFault fault, const FaultContext &context);

} // namespace ango::net
