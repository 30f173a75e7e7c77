#include "runlauncher.h"

#include "consolecontroller.h"
#include "panels/run/runpanel.h"
#include "rest/restclient.h"
#include "runtime/run.h"

#include <QFileInfo>
#include <QUuid>

namespace ango::app {

using nlohmann::json;

RunLauncher::RunLauncher(ConsoleController *controller, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
{}

json RunLauncher::buildPayload(const RunSource &source, const RunSettings &settings,
                               const QString &assetUrl)
{
    // Exactly the keys the hub sends; configJSON is the editor's text.
    json payload = {
        {"projectId",
         (source.projectId.isEmpty() ? settings.projectId : source.projectId).toStdString()},
        {"categorySchema", settings.categorySchema},
        {"assetId", (source.assetId.isEmpty() ? source.externalId : source.assetId).toStdString()},
        {"dataURL", assetUrl.toStdString()},
        {"apiKey", source.apiKey.toStdString()},
        {"orgId", "local"},
        {"runBy", "ango-console"},
        {"session", QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString()},
        {"batches", json::array()},
        {"workflow", false},
    };
    if (!settings.configJson.isEmpty())
        payload["configJSON"] = settings.configJson.toStdString();
    return payload;
}

void RunLauncher::start(const RunSource &source, const RunSettings &settings)
{
    if (source.kind == RunSource::Kind::ProjectAsset) {
        lookUpAndRun(source, settings);
        return;
    }
    supersedeImage();
    Q_EMIT imageFileChosen(source.filePath);
    const QString url
        = source.filePath.startsWith(QLatin1Char(':'))
              ? QStringLiteral("qrc") + source.filePath
              : QUrl::fromLocalFile(QFileInfo(source.filePath).absoluteFilePath()).toString();
    const json payload = buildPayload(source, settings, url);
    Q_EMIT runStarted(payload);
    m_controller->runLocal(payload);
}

// A project asset is run as the hub runs it: the callback gets the asset's file URL and ids in
// the payload, so the asset is looked up first (with the key typed in the Run panel, on the API
// host of the Connection panel). A failed look-up starts no run.
void RunLauncher::lookUpAndRun(const RunSource &source, const RunSettings &settings)
{
    rest::AssetQuery query;
    query.projectId = source.projectId;
    query.assetId = source.assetId;
    query.externalId = source.externalId;
    const quint64 lookUp = m_lookUp = ++m_lookUps;
    Q_EMIT lookUpStarted();
    m_controller->lookUpAsset(settings.apiHost, source.apiKey, query,
                              [this, lookUp, source, settings](Result<json> asset) {
                                  if (lookUp != m_lookUp)
                                      return; // cancelled, or a newer run started
                                  m_lookUp = 0;
                                  if (!asset) {
                                      Q_EMIT lookUpFailed(asset.error().message);
                                      return;
                                  }
                                  runLookedUpAsset(source, settings, *asset);
                              });
}

void RunLauncher::runLookedUpAsset(const RunSource &source, const RunSettings &settings,
                                   const json &asset)
{
    const QString dataUrl = runtime::textField(asset, "data");
    if (dataUrl.isEmpty()) {
        Q_EMIT lookUpFailed(tr("the asset has no file URL (\"data\")"));
        return;
    }
    json payload = buildPayload(source, settings, dataUrl);
    const QString assetId = runtime::textField(asset, "_id");
    payload["assetId"] = (assetId.isEmpty() ? source.assetId : assetId).toStdString();
    if (const QString externalId = runtime::textField(asset, "externalId"); !externalId.isEmpty())
        payload["externalId"] = externalId.toStdString();
    Q_EMIT runStarted(payload);
    loadImageOf(payload, settings.apiHost);
    m_controller->runLocal(payload);
}

void RunLauncher::cancel()
{
    if (m_lookUp == 0) {
        m_controller->cancelLocalRun();
        return;
    }
    m_lookUp = 0; // its answer is dropped when it comes
    Q_EMIT lookUpCancelled();
}

void RunLauncher::loadImageOf(const json &payload, const QUrl &apiHost)
{
    const quint64 ticket = ++m_imageTicket;
    // A hub may send anything as dataURL: only a string names an image.
    const QString dataUrl = runtime::textField(payload, "dataURL");
    if (dataUrl.startsWith(QStringLiteral("qrc:"))) {
        Q_EMIT imageFileChosen(dataUrl.mid(3));
        return;
    }
    if (const QUrl url(dataUrl); url.isLocalFile()) {
        Q_EMIT imageFileChosen(url.toLocalFile());
        return;
    }
    m_controller->fetchAssetImage(
        payload,
        [this, ticket](Result<QByteArray> bytes) {
            if (ticket != m_imageTicket)
                return; // a later run's image is on its way
            if (!bytes)
                Q_EMIT imageFailed(bytes.error().message);
            else
                Q_EMIT imageFetched(*bytes);
        },
        apiHost);
}

} // namespace ango::app
