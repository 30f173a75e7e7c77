#include "transporterror.h"

#include <QObject>

namespace ango::socketio {

TransportFault classifySocketError(QAbstractSocket::SocketError error)
{
    switch (error) {
    case QAbstractSocket::HostNotFoundError:
        return TransportFault::HostNotFound;
    case QAbstractSocket::ConnectionRefusedError:
        return TransportFault::ConnectionRefused;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return TransportFault::TlsFailure;
    case QAbstractSocket::SocketTimeoutError:
        return TransportFault::Timeout;
    case QAbstractSocket::RemoteHostClosedError:
        return TransportFault::Closed;
    case QAbstractSocket::ProxyAuthenticationRequiredError:
        return TransportFault::WrongSecret;
    default:
        return TransportFault::Other;
    }
}

TransportFault classifyNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::HostNotFoundError:
        return TransportFault::HostNotFound;
    case QNetworkReply::ConnectionRefusedError:
        return TransportFault::ConnectionRefused;
    case QNetworkReply::SslHandshakeFailedError:
        return TransportFault::TlsFailure;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // what a transfer timeout reports
        return TransportFault::Timeout;
    case QNetworkReply::AuthenticationRequiredError:
    case QNetworkReply::ContentAccessDenied:
        return TransportFault::WrongSecret;
    case QNetworkReply::RemoteHostClosedError:
        return TransportFault::Closed;
    default:
        return TransportFault::Other;
    }
}

QString describeTransportFault(TransportFault fault, const QString &host, const QString &detail)
{
    QString text;
    switch (fault) {
    case TransportFault::HostNotFound:
        text = QObject::tr("Cannot find the host %1: the name does not resolve (check the "
                           "spelling and your network or DNS).");
        break;
    case TransportFault::ConnectionRefused:
        text = QObject::tr("%1 refused the connection: nothing is listening on that port "
                           "(check the port, and that the hub is running).");
        break;
    case TransportFault::TlsFailure:
        text = QObject::tr("The secure connection to %1 failed: its TLS certificate or "
                           "handshake was not accepted (check https/http and the certificate).");
        break;
    case TransportFault::Timeout:
        text = QObject::tr("%1 did not answer in time (check the address, a firewall or a "
                           "proxy in between).");
        break;
    case TransportFault::WrongSecret:
        text = QObject::tr("%1 refused the plugin's credentials: the plugin id or secret is "
                           "wrong.");
        break;
    case TransportFault::Closed:
        text = QObject::tr("%1 closed the connection.");
        break;
    case TransportFault::Other:
        text = QObject::tr("The connection to %1 failed.");
        break;
    }
    text = text.arg(host.isEmpty() ? QObject::tr("the host") : host);
    if (!detail.isEmpty())
        text += QStringLiteral(" (%1)").arg(detail);
    return text;
}

} // namespace ango::socketio
