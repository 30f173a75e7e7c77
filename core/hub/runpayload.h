#pragma once

#include "hub/hubtypes.h"

#include <QStringList>

#include <nlohmann/json.hpp>

// The `plugin` event's payload, with the keys the hub sends a model plugin (ango-protocol.md
// §2.1) and no others: every SDK version finds what it reads (dataURL for the v2 samples, assetId
// for v3, tags for old runtimes, batches for new ones, taskId for workflow runs).
namespace ango::hub {

struct PayloadContext
{
    QString session;
    QString projectId;
    QString apiKey;
    QString orgId;
    QString runBy;
    QString taskId; // workflow runs
};

// The keys of every run, and those only workflow runs add.
QStringList interactivePayloadKeys();
QStringList workflowPayloadKeys();

// configJSON goes as a string (the plugin decodes it) or null; categorySchema as given (a list,
// or null when nothing is mapped); workflow runs add taskId.
nlohmann::json buildPluginPayload(const RunRequest &run, const HubAsset &asset,
                                  const PayloadContext &context);

} // namespace ango::hub
