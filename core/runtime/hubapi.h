#pragma once

#include "common/result.h"

#include <QObject>
#include <QString>

#include <nlohmann/json.hpp>

#include <functional>

// The REST calls the runtime makes, so that tests can answer them in-process. The real one is
// RestHubApi (rest::RestClient). Contract, as rest::RestClient keeps it: `done` is called exactly
// once, from the event loop, never from inside the call that started it and never after the
// object is destroyed; an error carries the HTTP status (0 for transport failures) and a message
// that names the status and the URL.
namespace ango::runtime {

class HubApi : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HubApi)

public:
    using JsonDone = std::function<void(Result<nlohmann::json>)>;

    using QObject::QObject;

    // POST /v2/annotate/{taskId} {"answer": answer, …}: a workflow run's delivery.
    virtual void annotate(const QString &apiKey, const QString &taskId,
                          const nlohmann::json &answer, JsonDone done)
        = 0;
};

} // namespace ango::runtime
