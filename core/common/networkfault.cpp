#include "common/networkfault.h"

#include <QObject>

namespace ango::net {

NetworkFault faultOfSocketError(QAbstractSocket::SocketError error)
{
    switch (error) {
    case QAbstractSocket::HostNotFoundError:
        return NetworkFault::HostNotFound;
    case QAbstractSocket::ConnectionRefusedError:
        return NetworkFault::ConnectionRefused;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return NetworkFault::TlsFailure;
    case QAbstractSocket::SocketTimeoutError:
        return NetworkFault::Timeout;
    case QAbstractSocket::RemoteHostClosedError:
        return NetworkFault::Closed;
    case QAbstractSocket::ProxyAuthenticationRequiredError:
        return NetworkFault::WrongCredentials;
    default:
        return NetworkFault::Other;
    }
}

NetworkFault faultOfNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::HostNotFoundError:
        return NetworkFault::HostNotFound;
    case QNetworkReply::ConnectionRefusedError:
        return NetworkFault::ConnectionRefused;
    case QNetworkReply::SslHandshakeFailedError:
        return NetworkFault::TlsFailure;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // what a transfer timeout reports
        return NetworkFault::Timeout;
    case QNetworkReply::AuthenticationRequiredError:
    case QNetworkReply::ContentAccessDenied:
        return NetworkFault::WrongCredentials;
    case QNetworkReply::RemoteHostClosedError:
        return NetworkFault::Closed;
    default:
        return NetworkFault::Other;
    }
}

bool isCredentialStatus(int status)
{
    return status == 401 || status == 403;
}

FaultContext FaultContext::of(const QUrl &url)
{
    FaultContext context;
    context.host = url.host();
    const bool secure
        = url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("wss");
    context.port = url.port(secure ? 443 : 80);
    return context;
}

namespace {

QString duration(std::chrono::milliseconds waited)
{
    if (waited.count() < 1000)
        return QObject::tr("%1 ms").arg(waited.count());
    if (waited.count() % 1000 == 0)
        return QObject::tr("%1 s").arg(waited.count() / 1000);
    return QObject::tr("%1 s").arg(double(waited.count()) / 1000.0, 0, 'f', 1);
}

} // namespace

QString describeNetworkFault(NetworkFault fault, const FaultContext &context)
{
    const QString host = context.host.isEmpty() ? QObject::tr("the host") : context.host;
    const QString hostPort
        = context.port >= 0 ? QStringLiteral("%1:%2").arg(host).arg(context.port) : host;
    QString text;
    switch (fault) {
    case NetworkFault::HostNotFound:
        text = QObject::tr("cannot resolve host %1 (check the spelling, and your network or DNS)")
                   .arg(host);
        break;
    case NetworkFault::ConnectionRefused:
        text = context.port >= 0
                   ? QObject::tr("%1 refused the connection on port %2 — is the hub running?")
                         .arg(host)
                         .arg(context.port)
                   : QObject::tr("%1 refused the connection — is the hub running?").arg(host);
        break;
    case NetworkFault::TlsFailure:
        // The detail is the TLS problem itself; without it the likeliest cause is said.
        text = context.detail.isEmpty()
                   ? QObject::tr("TLS with %1 failed: the handshake did not complete (an https "
                                 "URL for a server that speaks plain http?)")
                         .arg(hostPort)
                   : QObject::tr("TLS with %1 failed: %2").arg(hostPort, context.detail);
        return text;
    case NetworkFault::Timeout:
        text = context.waited.count() >= 0 ? QObject::tr("%1 did not answer within %2")
                                                 .arg(hostPort, duration(context.waited))
                                           : QObject::tr("%1 did not answer in time").arg(hostPort);
        break;
    case NetworkFault::WrongCredentials:
        text = context.pluginId.isEmpty()
                   ? QObject::tr("%1 refused the API key: wrong key, or no access to this "
                                 "resource")
                         .arg(hostPort)
                   : QObject::tr("the hub %1 refused plugin ID %2: wrong secret or ID")
                         .arg(hostPort, context.pluginId);
        break;
    case NetworkFault::Closed:
        text = QObject::tr("%1 closed the connection").arg(hostPort);
        break;
    case NetworkFault::Other:
        text = QObject::tr("the connection to %1 failed").arg(hostPort);
        break;
    }
    if (!context.detail.isEmpty())
        text += QStringLiteral(" (%1)").arg(context.detail);
    return text;
}

} // namespace ango::net
