#include "profile/profilejson.h"

#include <cmath>

namespace ango::profile {

namespace {

using Json = nlohmann::ordered_json;

std::string text(const QString &value)
{
    return value.toStdString();
}

// Whole seconds are written as integers: "120" reads better than "120.0".
Json seconds(double value)
{
    if (std::trunc(value) == value && std::abs(value) < 1e15)
        return qint64(value);
    return value;
}

Json secretJson(const SecretReference &reference)
{
    switch (reference.kind) {
    case SecretReference::Kind::Keychain:
        return {{"keychain", text(reference.name)}};
    case SecretReference::Kind::Environment:
        return {{"env", text(reference.name)}};
    case SecretReference::Kind::File:
        break;
    }
    return {{"file", text(reference.name)}};
}

Json callbackJson(const CallbackSettings &callback)
{
    if (callback.interpreter.isEmpty() && callback.concurrency == 0)
        return text(callback.spec);
    Json object{{"spec", text(callback.spec)}};
    if (!callback.interpreter.isEmpty())
        object["interpreter"] = text(callback.interpreter);
    if (callback.concurrency != 0)
        object["concurrency"] = callback.concurrency;
    return object;
}

// An object config is written as an object (readable, editable); anything else as the string.
Json configJson(const QString &config)
{
    try {
        Json value = Json::parse(text(config));
        if (value.is_object())
            return value;
    } catch (const nlohmann::json::exception &) {
        // Not JSON (only a hand-built Profile can hold that): kept as the string it is.
    }
    return text(config);
}

} // namespace

QByteArray toJson(const Profile &profile)
{
    Json root;
    root["version"] = profile.version;
    if (!profile.name.isEmpty())
        root["name"] = text(profile.name);
    root["hubUrl"] = text(profile.hubUrl.toString());
    root["apiHost"] = text(profile.apiHost.toString());
    root["pluginId"] = text(profile.pluginId);
    root["secret"] = secretJson(profile.secret);
    root["callback"] = callbackJson(profile.callback);
    Json mapping = Json::array();
    for (const CategoryMapping &entry : profile.mapping)
        mapping.push_back(
            {{"schemaId", text(entry.schemaId)}, {"modelClass", text(entry.modelClass)}});
    root["mapping"] = std::move(mapping);
    if (!profile.configJson.isEmpty())
        root["config"] = configJson(profile.configJson);
    root["concurrency"] = profile.concurrency;
    root["workflowConcurrency"] = profile.workflowConcurrency;
    root["requestTimeoutSeconds"] = seconds(profile.requestTimeoutSeconds);
    root["heartbeatSeconds"] = seconds(profile.heartbeatSeconds);
    root["review"] = profile.review == ReviewPolicy::Hold ? "hold" : "auto";
    root["logFormat"] = profile.logFormat == LogFormat::Jsonl ? "jsonl" : "text";
    return QByteArray::fromStdString(root.dump(2, ' ', false, Json::error_handler_t::replace))
           + '\n';
}

nlohmann::json categorySchema(const Profile &profile)
{
    if (profile.mapping.isEmpty())
        return nullptr;
    nlohmann::json list = nlohmann::json::array();
    for (const CategoryMapping &entry : profile.mapping)
        list.push_back(
            {{"schemaId", text(entry.schemaId)}, {"modelClass", text(entry.modelClass)}});
    return list;
}

} // namespace ango::profile
