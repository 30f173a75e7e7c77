#pragma once

#include "common/result.h"
#include "hub/hubtypes.h"

#include <QList>
#include <QUrl>

// Local images offered to plugins as the project's assets. Each gets an id and a `data` URL on
// the hub's own port (/files/{id}/{file name}), which is what the SDK downloads.
namespace ango::hub {

class AssetStore
{
public:
    void setBaseUrl(const QUrl &base) { m_base = base; }

    // The file must exist and be readable; adding the same file again returns its asset.
    Result<HubAsset> add(const QString &filePath);
    std::optional<HubAsset> find(const QString &id) const;
    QList<HubAsset> all() const;

    // The route of an asset's file: "/files/{id}/{name}" (decoded path) → the asset, if any.
    std::optional<HubAsset> fromFilePath(const QString &path) const;

private:
    HubAsset withUrl(HubAsset asset) const;

    QUrl m_base;
    QList<HubAsset> m_assets;
};

} // namespace ango::hub
