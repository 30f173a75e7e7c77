#pragma once

#include "rest/restclient.h"
#include "runtime/hubapi.h"

// The runtime's real REST calls: a rest::RestClient on the API host.
namespace ango::runtime {

class RestHubApi final : public HubApi
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestHubApi)

public:
    RestHubApi(QUrl apiHost, rest::RetryPolicy policy, QObject *parent = nullptr);
    ~RestHubApi() override;

    rest::RestClient *client() const { return m_client; }

    void annotate(const QString &apiKey, const QString &taskId, const nlohmann::json &answer,
                  JsonDone done) override;

private:
    rest::RestClient *m_client;
};

} // namespace ango::runtime
