#include "hub/runpayload.h"

namespace ango::hub {

using nlohmann::json;

QStringList interactivePayloadKeys()
{
    return {
        QStringLiteral("projectId"),  QStringLiteral("categorySchema"), QStringLiteral("apiKey"),
        QStringLiteral("orgId"),      QStringLiteral("runBy"),          QStringLiteral("session"),
        QStringLiteral("configJSON"), QStringLiteral("tags"),           QStringLiteral("batches"),
        QStringLiteral("workflow"),   QStringLiteral("assetId"),        QStringLiteral("dataURL")};
}

QStringList workflowPayloadKeys()
{
    return interactivePayloadKeys() << QStringLiteral("taskId");
}

json buildPluginPayload(const RunRequest &run, const HubAsset &asset, const PayloadContext &context)
{
    json payload = {
        {"projectId", context.projectId.toStdString()},
        {"categorySchema", run.categorySchema.is_array() ? run.categorySchema : json()},
        {"apiKey", context.apiKey.toStdString()},
        {"orgId", context.orgId.toStdString()},
        {"runBy", context.runBy.toStdString()},
        {"session", context.session.toStdString()},
        {"configJSON", run.configJson ? json(run.configJson->toStdString()) : json()},
        {"tags", json::array()},
        {"batches", json::array()},
        {"workflow", run.workflow},
        {"assetId", asset.id.toStdString()},
        {"dataURL", asset.dataUrl.toStdString()},
    };
    if (run.workflow)
        payload["taskId"] = context.taskId.toStdString();
    return payload;
}

} // namespace ango::hub
