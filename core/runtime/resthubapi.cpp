#include "runtime/resthubapi.h"

namespace ango::runtime {

RestHubApi::RestHubApi(QUrl apiHost, rest::RetryPolicy policy, QObject *parent)
    : HubApi(parent)
    , m_client(new rest::RestClient(std::move(apiHost), this))
{
    m_client->setRetryPolicy(policy);
}

RestHubApi::~RestHubApi()
{
    delete m_client; // its callbacks never run after this
}

void RestHubApi::annotate(const QString &apiKey, const QString &taskId,
                          const nlohmann::json &answer, JsonDone done)
{
    m_client->annotate(apiKey, taskId, answer, std::move(done));
}

} // namespace ango::runtime
