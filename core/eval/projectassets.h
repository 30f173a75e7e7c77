#pragma once

#include "common/result.h"
#include "eval/dataset.h"
#include "rest/restclient.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>

// A live Ango project as a dataset: its assets, page by page through the REST API with the
// user's API key, each with its file URL ("data") and its answer as ground truth, read exactly
// like an Ango export (loadAngoExport).
namespace ango::eval {

struct ProjectSource
{
    QUrl apiHost;
    QString apiKey; // never in a message
    QString projectId;
    int pageSize = 50;  // assets per request (1..kMaxProjectPageSize)
    int maxPages = 200; // the listing stops here, and the dataset says so
    rest::RetryPolicy retry;
};

inline constexpr int kMaxProjectPageSize = 500;
inline constexpr int kMaxProjectPages = 10000;

// The same as loadAngoExport() for assets already in memory; `source` names them in messages.
Result<Dataset> datasetFromAngoAssets(const nlohmann::json &assets, const QString &source,
                                      const QString &imageDir = {});

class ProjectAssetsLoader final : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(Result<Dataset>)>;

    explicit ProjectAssetsLoader(ProjectSource source, QObject *parent = nullptr);
    ~ProjectAssetsLoader() override;

    // Asks for page 1, 2, … until the response's `total` assets have come (without a total:
    // until a page is short), a page is empty, or maxPages is reached; then done() once, from the event loop. A failed page fails the load:
    // the message names the URL and the HTTP status.
    void load(Done done);

Q_SIGNALS:
    void pageLoaded(int page, qsizetype assetsSoFar, qint64 total); // total -1: not given

private:
    void requestPage();
    void finish(Result<Dataset> result);

    ProjectSource m_source;
    rest::RestClient *m_client;
    Done m_done;
    nlohmann::json m_assets = nlohmann::json::array();
    int m_page = 0;
    bool m_truncated = false;
};

} // namespace ango::eval
