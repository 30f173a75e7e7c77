#pragma once

#include "hub/hubtypes.h"
#include "hub/localhub.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QTimer>

// The /plugin connections of a LocalHub, one row each, for the panel's table: plugin id, a
// live/stale/refused indicator, the age of the last heartbeat (ticking), the peer. A refused
// connection stays listed after the plugin exits (the SDK quits on a refusal, so the row would
// otherwise flash by unseen) until that plugin id comes back live or the list is cleared.
namespace ango::app {

class ConnectedPluginModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectedPluginModel)

public:
    enum Column { PluginColumn, StateColumn, HeartbeatColumn, PeerColumn, ColumnCount };
    enum Role {
        PluginIdRole = Qt::UserRole + 1, // QString
        StateRole,                       // int(hub::PluginState)
        ConnectionIdRole,                // QString, the Engine.IO sid
        ConnectedRole,                   // bool: the connection is still open
    };

    explicit ConnectedPluginModel(QObject *parent = nullptr);

    // Follows this hub's plugin signals; rows are rebuilt from hub->plugins().
    void setHub(hub::LocalHub *hub);
    void clear();

    // Refused connections kept after they closed: at most this many, oldest dropped first.
    static constexpr int kMaxGoneRefusals = 20;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    hub::ConnectedPlugin pluginAt(int row) const;
    int rowOfConnection(const QString &connectionId) const;
    // "12 s ago", "3 min ago", "never".
    static QString heartbeatAge(const QDateTime &lastHeartbeat, const QDateTime &now);

private:
    struct Row
    {
        hub::ConnectedPlugin plugin;
        bool connected = true;
    };

    void upsert(const hub::ConnectedPlugin &plugin);
    void onDisconnected(const hub::ConnectedPlugin &plugin);
    void dropGoneRefusalsOf(const QString &pluginId);
    void removeRowAt(int row);
    void tickAges();

    QPointer<hub::LocalHub> m_hub;
    QList<Row> m_rows;
    QTimer m_ageTick;
};

} // namespace ango::app
