#pragma once

#include "hub/hubtypes.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <optional>

// The /plugin connections the hub knows and whether each is live: a plugin is live from a
// heartbeat with the right secret until staleAfter passes without another one, as the hub's
// indicator turns red some minutes after a script stops.
namespace ango::hub {

class PluginRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PluginRegistry)

public:
    explicit PluginRegistry(std::chrono::milliseconds staleAfter, QObject *parent = nullptr);

    void add(const QString &connectionId, const QString &peer, const QString &userAgent);
    void heartbeat(const QString &connectionId, const QString &pluginId);
    void refuse(const QString &connectionId, const QString &pluginId, const QString &reason);
    void remove(const QString &connectionId);

    std::optional<ConnectedPlugin> find(const QString &connectionId) const;
    QList<ConnectedPlugin> all() const; // oldest connection first
    // The connection a run for this plugin goes to: the newest one that heartbeats (live or
    // stale: its socket is still open); refused and pending ones never get runs.
    std::optional<ConnectedPlugin> target(const QString &pluginId) const;

Q_SIGNALS:
    void added(const ango::hub::ConnectedPlugin &plugin);
    void changed(const ango::hub::ConnectedPlugin &plugin); // state or heartbeat
    void removed(const ango::hub::ConnectedPlugin &plugin);

private:
    void checkStale();

    std::chrono::milliseconds m_staleAfter;
    QHash<QString, ConnectedPlugin> m_plugins;
    QTimer m_staleCheck;
};

} // namespace ango::hub
