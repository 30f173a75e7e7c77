#include "eval/projectassets.h"

#include <QMetaObject>

using nlohmann::json;

namespace ango::eval {

ProjectAssetsLoader::ProjectAssetsLoader(ProjectSource source, QObject *parent)
    : QObject(parent)
    , m_source(std::move(source))
    , m_client(new rest::RestClient(m_source.apiHost, this))
{
    m_source.pageSize = std::clamp(m_source.pageSize, 1, kMaxProjectPageSize);
    m_source.maxPages = std::clamp(m_source.maxPages, 1, kMaxProjectPages);
    m_client->setRetryPolicy(m_source.retry);
}

ProjectAssetsLoader::~ProjectAssetsLoader() = default;

void ProjectAssetsLoader::load(Done done)
{
    m_done = std::move(done);
    m_assets = json::array();
    m_page = 0;
    m_truncated = false;
    if (m_source.projectId.isEmpty() || m_source.apiKey.isEmpty() || !m_source.apiHost.isValid()) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                finish(makeError(QStringLiteral(
                    "a live project needs the API host, the project ID and an API key")));
            },
            Qt::QueuedConnection);
        return;
    }
    requestPage();
}

void ProjectAssetsLoader::requestPage()
{
    ++m_page;
    const int page = m_page;
    m_client->getAssetPage(
        m_source.apiKey, m_source.projectId, page, m_source.pageSize,
        [this, page](Result<json> data) {
            if (!data) {
                // HTTP failures already name the method, URL and status; say which page.
                finish(makeError(QStringLiteral("project %1, assets page %2: %3")
                                     .arg(m_source.projectId)
                                     .arg(page)
                                     .arg(data.error().message),
                                 data.error().status));
                return;
            }
            const json &assets = (*data)["assets"];
            qint64 total = -1;
            if (const auto t = data->find("total"); t != data->end() && t->is_number_integer())
                total = t->get<qint64>();
            if (qsizetype(m_assets.size() + assets.size()) > kMaxImages) {
                finish(makeError(QStringLiteral("project %1 has more than %2 assets")
                                     .arg(m_source.projectId)
                                     .arg(kMaxImages)));
                return;
            }
            for (const json &asset : assets)
                m_assets.push_back(asset);
            Q_EMIT pageLoaded(page, qsizetype(m_assets.size()), total);
            // With a total, pages continue until it is reached: a server may cap the page size
            // below what was asked. Without one, a short page is the last.
            const bool last = assets.empty()
                              || (total >= 0 ? qint64(m_assets.size()) >= total
                                             : assets.size() < std::size_t(m_source.pageSize));
            if (!last && page >= m_source.maxPages) {
                m_truncated = true;
            } else if (!last) {
                requestPage();
                return;
            }
            const QString where = QStringLiteral("project %1").arg(m_source.projectId);
            auto dataset = datasetFromAngoAssets(m_assets, where);
            if (dataset) {
                dataset->sourceFile = m_client->apiHost().toString(QUrl::RemoveUserInfo)
                                      + QStringLiteral(" project ") + m_source.projectId;
                if (m_truncated)
                    dataset->addProblem(DatasetProblem{
                        where,
                        QStringLiteral("assets"),
                        {},
                        QStringLiteral("stopped after %1 pages of %2 (%3 of %4 assets); more "
                                       "pages are not evaluated")
                            .arg(m_source.maxPages)
                            .arg(m_source.pageSize)
                            .arg(m_assets.size())
                            .arg(total >= 0 ? QString::number(total) : QStringLiteral("?"))});
            }
            finish(std::move(dataset));
        });
}

void ProjectAssetsLoader::finish(Result<Dataset> result)
{
    m_assets = json::array();
    if (m_done) {
        Done done = std::move(m_done);
        m_done = nullptr;
        done(std::move(result));
    }
}

} // namespace ango::eval
