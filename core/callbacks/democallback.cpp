#include "callbacks/democallback.h"

#include <QTimer>

namespace ango::callbacks {

namespace {

// The "demo" knobs from configJSON; anything unreadable means "no knobs", as the sample ignores
// the config it does not know.
nlohmann::json demoKnobs(const nlohmann::json &request)
{
    const auto config = request.find("configJSON");
    if (config == request.end())
        return nlohmann::json::object();
    nlohmann::json parsed;
    if (config->is_string() && config->get_ref<const std::string &>().empty())
        return nlohmann::json::object(); // the hub's usual "": nothing to parse
    if (config->is_string())
        parsed = nlohmann::json::parse(config->get<std::string>(), nullptr, false);
    else
        parsed = *config;
    if (!parsed.is_object())
        return nlohmann::json::object();
    const auto demo = parsed.find("demo");
    if (demo == parsed.end() || !demo->is_object())
        return nlohmann::json::object();
    return *demo;
}

} // namespace

DemoCallback::DemoCallback(QObject *parent)
    : Callback(parent)
{}

DemoCallback::~DemoCallback()
{
    qDeleteAll(m_delayed);
}

nlohmann::json DemoCallback::sampleResult(const nlohmann::json &categorySchema)
{
    using json = nlohmann::json;
    // Member by member: an initializer list builds every element as a temporary and then copies
    // it, which cost more than the rest of the demo's run.
    json bbox = json::object();
    bbox["x"] = 20;
    bbox["y"] = 30;
    bbox["width"] = 50;
    bbox["height"] = 60;
    json box = json::object();
    box["bounding-box"] = std::move(bbox);
    // The sample takes categorySchema[0]; skipping entries without a schemaId keeps an unmapped
    // first class from producing an object with a null schemaId.
    if (categorySchema.is_array()) {
        for (const auto &entry : categorySchema) {
            if (!entry.is_object())
                continue;
            if (const auto id = entry.find("schemaId"); id != entry.end() && !id->is_null()) {
                box["schemaId"] = *id;
                break;
            }
        }
    }
    json objects = json::array();
    objects.push_back(std::move(box));
    json result = json::object();
    result["objects"] = std::move(objects);
    result["classifications"] = json::array();
    result["relations"] = json::array();
    return result;
}

void DemoCallback::invoke(Call call, Done done)
{
    if (call.log)
        call.log(LogLevel::Info, QStringLiteral("Plugin session is started!"));
    const nlohmann::json knobs = demoKnobs(call.request);
    const auto delay = knobs.find("delayMs");
    if (delay == knobs.end() || !delay->is_number() || delay->get<double>() <= 0) {
        finish(call, done, knobs);
        return;
    }
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    timer->setInterval(int(std::min(delay->get<double>(), 3600000.0)));
    const quint64 id = call.id;
    m_delayed.insert(id, timer);
    connect(timer, &QTimer::timeout, this, [this, id, call = std::move(call), done, knobs] {
        if (QTimer *t = m_delayed.take(id))
            t->deleteLater();
        finish(call, done, knobs);
    });
    timer->start();
}

void DemoCallback::cancel(quint64 callId)
{
    if (QTimer *timer = m_delayed.take(callId)) {
        timer->stop();
        timer->deleteLater();
    }
}

void DemoCallback::finish(const Call &call, const Done &done, const nlohmann::json &knobs)
{
    if (const auto error = knobs.find("error"); error != knobs.end() && error->is_string()) {
        done(makeError(QString::fromStdString(error->get<std::string>())));
        return;
    }
    nlohmann::json result;
    if (const auto fixed = knobs.find("result"); fixed != knobs.end())
        result = *fixed;
    else
        result = sampleResult(call.request.is_object() && call.request.contains("categorySchema")
                                  ? call.request["categorySchema"]
                                  : nlohmann::json());
    if (call.log)
        call.log(LogLevel::Info, QStringLiteral("Plugin session is ended!"));
    done(std::move(result));
}

} // namespace ango::callbacks
