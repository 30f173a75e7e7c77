#include "transporterror.h"

namespace ango::socketio {

QString describeTransportFault(TransportFault fault, const QString &hostPort, const QString &detail)
{
    net::FaultContext context;
    context.detail = detail;
    context.host = hostPort;
    // The port follows the last ':' of "host:port" or "[v6]:port"; a bare v6 address has none.
    const qsizetype colon = hostPort.lastIndexOf(QLatin1Char(':'));
    const bool bracketed = hostPort.startsWith(QLatin1Char('['));
    if (colon > 0
        && (bracketed ? hostPort.at(colon - 1) == QLatin1Char(']')
                      : hostPort.count(QLatin1Char(':')) == 1)) {
        bool numeric = false;
        const int port = hostPort.mid(colon + 1).toInt(&numeric);
        if (numeric) {
            context.port = port;
            context.host = hostPort.left(colon);
        }
    }
    return net::describeNetworkFault(fault, context);
}

} // namespace ango::socketio
