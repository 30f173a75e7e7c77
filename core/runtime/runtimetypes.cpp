#include "runtime/runtimetypes.h"

namespace ango::runtime {

QString stageName(RequestStage stage)
{
    switch (stage) {
    case RequestStage::Received:
        return QStringLiteral("received");
    case RequestStage::Dropped:
        return QStringLiteral("dropped");
    case RequestStage::Queued:
        return QStringLiteral("queued");
    case RequestStage::CallbackStarted:
        return QStringLiteral("callback started");
    case RequestStage::CallbackFinished:
        return QStringLiteral("callback finished");
    case RequestStage::Validated:
        return QStringLiteral("validated");
    case RequestStage::Held:
        return QStringLiteral("held");
    case RequestStage::Delivered:
        return QStringLiteral("delivered");
    case RequestStage::Failed:
        return QStringLiteral("failed");
    case RequestStage::Discarded:
        return QStringLiteral("discarded");
    }
    return QStringLiteral("unknown");
}

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Stopped:
        return QStringLiteral("stopped");
    case ConnectionState::Connecting:
        return QStringLiteral("connecting");
    case ConnectionState::Connected:
        return QStringLiteral("connected");
    case ConnectionState::Reconnecting:
        return QStringLiteral("reconnecting");
    case ConnectionState::Stopping:
        return QStringLiteral("stopping");
    }
    return QStringLiteral("unknown");
}

} // namespace ango::runtime
