#include "connectedpluginmodel.h"

#include "hub/localhub.h"

#include <QColor>

#include <algorithm>

namespace ango::app {

namespace {

QColor stateColor(hub::PluginState state)
{
    switch (state) {
    case hub::PluginState::Live:
        return QColor(0x2e, 0xa0, 0x43);
    case hub::PluginState::Stale:
        return QColor(0xd9, 0x8e, 0x04);
    case hub::PluginState::Refused:
        return QColor(0xcf, 0x22, 0x2e);
    case hub::PluginState::Pending:
        break;
    }
    return QColor(0x8c, 0x95, 0x9f);
}

} // namespace

ConnectedPluginModel::ConnectedPluginModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    // Ages are shown in whole seconds.
    m_ageTick.setInterval(1000);
    connect(&m_ageTick, &QTimer::timeout, this, &ConnectedPluginModel::tickAges);
}

void ConnectedPluginModel::setHub(hub::LocalHub *localHub)
{
    if (m_hub)
        m_hub->disconnect(this);
    m_hub = localHub;
    beginResetModel();
    m_rows.clear();
    if (m_hub)
        for (const hub::ConnectedPlugin &plugin : m_hub->plugins())
            m_rows.append(Row{plugin, true});
    endResetModel();
    if (!m_hub)
        return;
    connect(m_hub, &hub::LocalHub::pluginConnected, this, &ConnectedPluginModel::upsert);
    connect(m_hub, &hub::LocalHub::pluginChanged, this, &ConnectedPluginModel::upsert);
    connect(m_hub, &hub::LocalHub::pluginDisconnected, this, &ConnectedPluginModel::onDisconnected);
    m_ageTick.start();
}

void ConnectedPluginModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int ConnectedPluginModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConnectedPluginModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConnectedPluginModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const hub::ConnectedPlugin &plugin = row.plugin;
    switch (role) {
    case PluginIdRole:
        return plugin.pluginId;
    case StateRole:
        return int(plugin.state);
    case ConnectionIdRole:
        return plugin.connectionId;
    case ConnectedRole:
        return row.connected;
    default:
        break;
    }
    switch (index.column()) {
    case PluginColumn:
        if (role == Qt::DisplayRole)
            return plugin.pluginId.isEmpty() ? tr("(no heartbeat yet)") : plugin.pluginId;
        if (role == Qt::ToolTipRole)
            return tr("connection %1").arg(plugin.connectionId);
        break;
    case StateColumn:
        if (role == Qt::DisplayRole)
            return row.connected ? hub::pluginStateName(plugin.state)
                                 : tr("%1 (gone)").arg(hub::pluginStateName(plugin.state));
        if (role == Qt::DecorationRole)
            return stateColor(plugin.state);
        if (role == Qt::ToolTipRole && plugin.state == hub::PluginState::Refused)
            return plugin.refusal;
        break;
    case HeartbeatColumn:
        if (role == Qt::DisplayRole)
            return heartbeatAge(plugin.lastHeartbeat, QDateTime::currentDateTimeUtc());
        if (role == Qt::ToolTipRole && plugin.lastHeartbeat.isValid())
            return plugin.lastHeartbeat.toLocalTime().toString(Qt::ISODate);
        break;
    case PeerColumn:
        if (role == Qt::DisplayRole)
            return plugin.peer;
        if (role == Qt::ToolTipRole)
            return plugin.userAgent;
        break;
    default:
        break;
    }
    return {};
}

QVariant ConnectedPluginModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PluginColumn:
        return tr("Plugin");
    case StateColumn:
        return tr("State");
    case HeartbeatColumn:
        return tr("Last heartbeat");
    case PeerColumn:
        return tr("Peer");
    default:
        return {};
    }
}

hub::ConnectedPlugin ConnectedPluginModel::pluginAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).plugin : hub::ConnectedPlugin{};
}

int ConnectedPluginModel::rowOfConnection(const QString &connectionId) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).connected && m_rows.at(row).plugin.connectionId == connectionId)
            return row;
    return -1;
}

QString ConnectedPluginModel::heartbeatAge(const QDateTime &lastHeartbeat, const QDateTime &now)
{
    if (!lastHeartbeat.isValid())
        return tr("never");
    const qint64 seconds = std::max<qint64>(0, lastHeartbeat.secsTo(now));
    if (seconds < 120)
        return tr("%1 s ago").arg(seconds);
    if (seconds < 7200)
        return tr("%1 min ago").arg(seconds / 60);
    return tr("%1 h ago").arg(seconds / 3600);
}

void ConnectedPluginModel::upsert(const hub::ConnectedPlugin &plugin)
{
    if (plugin.state == hub::PluginState::Live)
        dropGoneRefusalsOf(plugin.pluginId);
    if (const int row = rowOfConnection(plugin.connectionId); row >= 0) {
        m_rows[row].plugin = plugin;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(Row{plugin, true});
    endInsertRows();
}

void ConnectedPluginModel::onDisconnected(const hub::ConnectedPlugin &plugin)
{
    const int row = rowOfConnection(plugin.connectionId);
    if (row < 0)
        return;
    if (m_rows.at(row).plugin.state != hub::PluginState::Refused) {
        removeRowAt(row);
        return;
    }
    m_rows[row].connected = false;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    int gone = 0;
    for (const Row &each : std::as_const(m_rows))
        gone += each.connected ? 0 : 1;
    for (int i = 0; gone > kMaxGoneRefusals && i < m_rows.size();) {
        if (!m_rows.at(i).connected) {
            removeRowAt(i);
            --gone;
        } else {
            ++i;
        }
    }
}

void ConnectedPluginModel::dropGoneRefusalsOf(const QString &pluginId)
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row)
        if (!m_rows.at(row).connected && m_rows.at(row).plugin.pluginId == pluginId)
            removeRowAt(row);
}

void ConnectedPluginModel::removeRowAt(int row)
{
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void ConnectedPluginModel::tickAges()
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, HeartbeatColumn),
                           index(int(m_rows.size()) - 1, HeartbeatColumn), {Qt::DisplayRole});
}

} // namespace ango::app
