#include "hub/pluginregistry.h"

#include <algorithm>

namespace ango::hub {

QString pluginStateName(PluginState state)
{
    switch (state) {
    case PluginState::Pending:
        return QStringLiteral("pending");
    case PluginState::Live:
        return QStringLiteral("live");
    case PluginState::Stale:
        return QStringLiteral("stale");
    case PluginState::Refused:
        return QStringLiteral("refused");
    }
    return QStringLiteral("unknown");
}

PluginRegistry::PluginRegistry(std::chrono::milliseconds staleAfter, QObject *parent)
    : QObject(parent)
    , m_staleAfter(staleAfter)
{
    // Checked a few times per staleAfter, so a plugin turns stale at most 20% late.
    const auto period = std::clamp<qint64>(staleAfter.count() / 5, 20, 1000);
    m_staleCheck.setInterval(int(period));
    connect(&m_staleCheck, &QTimer::timeout, this, &PluginRegistry::checkStale);
}

void PluginRegistry::add(const QString &connectionId, const QString &peer, const QString &userAgent)
{
    ConnectedPlugin plugin;
    plugin.connectionId = connectionId;
    plugin.connectedAt = QDateTime::currentDateTimeUtc();
    plugin.peer = peer;
    plugin.userAgent = userAgent;
    m_plugins.insert(connectionId, plugin);
    Q_EMIT added(plugin);
}

void PluginRegistry::heartbeat(const QString &connectionId, const QString &pluginId)
{
    const auto it = m_plugins.find(connectionId);
    if (it == m_plugins.end())
        return;
    it->pluginId = pluginId;
    it->state = PluginState::Live;
    it->refusal.clear();
    it->lastHeartbeat = QDateTime::currentDateTimeUtc();
    if (!m_staleCheck.isActive())
        m_staleCheck.start();
    Q_EMIT changed(*it);
}

void PluginRegistry::refuse(const QString &connectionId, const QString &pluginId,
                            const QString &reason)
{
    const auto it = m_plugins.find(connectionId);
    if (it == m_plugins.end())
        return;
    it->pluginId = pluginId;
    it->state = PluginState::Refused;
    it->refusal = reason;
    Q_EMIT changed(*it);
}

void PluginRegistry::remove(const QString &connectionId)
{
    if (const auto plugin = m_plugins.take(connectionId); !plugin.connectionId.isEmpty())
        Q_EMIT removed(plugin);
    if (m_plugins.isEmpty())
        m_staleCheck.stop();
}

std::optional<ConnectedPlugin> PluginRegistry::find(const QString &connectionId) const
{
    const auto it = m_plugins.constFind(connectionId);
    if (it == m_plugins.cend())
        return std::nullopt;
    return *it;
}

QList<ConnectedPlugin> PluginRegistry::all() const
{
    QList<ConnectedPlugin> plugins = m_plugins.values();
    std::sort(plugins.begin(), plugins.end(),
              [](const ConnectedPlugin &a, const ConnectedPlugin &b) {
                  return a.connectedAt < b.connectedAt;
              });
    return plugins;
}

std::optional<ConnectedPlugin> PluginRegistry::target(const QString &pluginId) const
{
    std::optional<ConnectedPlugin> best;
    for (const ConnectedPlugin &plugin : m_plugins) {
        if (plugin.pluginId != pluginId)
            continue;
        if (plugin.state != PluginState::Live && plugin.state != PluginState::Stale)
            continue;
        // Live beats stale; then the most recent heartbeat.
        if (!best || (plugin.state == PluginState::Live && best->state == PluginState::Stale)
            || (plugin.state == best->state && plugin.lastHeartbeat > best->lastHeartbeat))
            best = plugin;
    }
    return best;
}

void PluginRegistry::checkStale()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto it = m_plugins.begin(); it != m_plugins.end(); ++it) {
        if (it->state != PluginState::Live)
            continue;
        if (it->lastHeartbeat.msecsTo(now) >= m_staleAfter.count()) {
            it->state = PluginState::Stale;
            Q_EMIT changed(*it);
        }
    }
}

} // namespace ango::hub
