#include "hub/assetstore.h"

#include <QFileInfo>

namespace ango::hub {

Result<HubAsset> AssetStore::add(const QString &filePath)
{
    const QFileInfo info(filePath);
    if (!info.exists())
        return makeError(QStringLiteral("%1 does not exist").arg(filePath));
    if (!info.isFile() || !info.isReadable())
        return makeError(QStringLiteral("%1 is not a readable file").arg(filePath));
    const QString canonical = info.canonicalFilePath();
    for (const HubAsset &asset : std::as_const(m_assets))
        if (asset.filePath == canonical)
            return withUrl(asset);
    HubAsset asset;
    asset.id = QStringLiteral("asset-%1").arg(m_assets.size() + 1);
    asset.externalId = info.fileName();
    asset.filePath = canonical;
    m_assets.append(asset);
    return withUrl(asset);
}

std::optional<HubAsset> AssetStore::find(const QString &id) const
{
    for (const HubAsset &asset : m_assets)
        if (asset.id == id)
            return withUrl(asset);
    return std::nullopt;
}

QList<HubAsset> AssetStore::all() const
{
    QList<HubAsset> assets;
    for (const HubAsset &asset : m_assets)
        assets.append(withUrl(asset));
    return assets;
}

std::optional<HubAsset> AssetStore::fromFilePath(const QString &path) const
{
    // "/files/{id}/{name}": the name is only there so that URLs end like the file.
    const QStringList parts = path.split(QLatin1Char('/'));
    if (parts.size() != 4 || !parts.at(0).isEmpty() || parts.at(1) != QLatin1String("files"))
        return std::nullopt;
    auto asset = find(parts.at(2));
    if (!asset || asset->externalId != parts.at(3))
        return std::nullopt;
    return asset;
}

HubAsset AssetStore::withUrl(HubAsset asset) const
{
    QUrl url = m_base;
    url.setPath(QStringLiteral("/files/%1/%2").arg(asset.id, asset.externalId));
    asset.dataUrl = url.toString(QUrl::FullyEncoded);
    return asset;
}

} // namespace ango::hub
