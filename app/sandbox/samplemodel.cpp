#include "samplemodel.h"

#include "callbacks/callbackfactory.h"
#include "callbacks/functioncallback.h"

#include <QFile>

namespace ango::app::sandbox {

namespace {

using json = nlohmann::json;

Result<json> readJsonResource(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read the bundled %1").arg(path));
    const QByteArray bytes = file.readAll();
    json value = json::parse(bytes.constBegin(), bytes.constEnd(), nullptr, false);
    if (value.is_discarded())
        return makeError(QStringLiteral("the bundled %1 is not valid JSON").arg(path));
    return value;
}

// The model's class of a sample object: its objectId is "<class>-<n>".
std::string modelClassOf(const json &object)
{
    const std::string id = object.value("objectId", std::string());
    return id.substr(0, id.rfind('-'));
}

} // namespace

QString sampleImagePath()
{
    return QStringLiteral(":/sample/sample.png");
}

Result<SampleMapping> sampleMapping()
{
    auto mapping = readJsonResource(QStringLiteral(":/sample/mapping.json"));
    if (!mapping)
        return mapping.error();
    return SampleMapping{mapping->value("categorySchema", json::array()),
                         mapping->value("labelSet", json::object())};
}

Result<json> runSampleModel(const json &request)
{
    auto detections = readJsonResource(QStringLiteral(":/sample/sample-answer.json"));
    if (!detections)
        return detections.error();
    std::map<std::string, std::string> schemaIdOf;
    if (auto cs = request.find("categorySchema"); cs != request.end() && cs->is_array())
        for (const json &entry : *cs)
            if (entry.is_object() && entry.contains("modelClass") && entry.contains("schemaId")
                && entry["modelClass"].is_string() && entry["schemaId"].is_string())
                schemaIdOf[entry["modelClass"].get<std::string>()]
                    = entry["schemaId"].get<std::string>();

    json objects = json::array();
    for (json object : detections->value("objects", json::array())) {
        const std::string modelClass = modelClassOf(object);
        object.erase("schemaId");
        if (auto it = schemaIdOf.find(modelClass); it != schemaIdOf.end())
            object["schemaId"] = it->second;
        object["modelClass"] = modelClass; // lets the console name unmapped classes
        objects.push_back(std::move(object));
    }
    return json{{"objects", std::move(objects)},
                {"classifications", detections->value("classifications", json::array())},
                {"relations", json::array()}};
}

void registerSampleModel()
{
    callbacks::registerCallbackKind(QStringLiteral("sample"), [](const QString &, const QVariantMap &) {
        return Result<std::unique_ptr<callbacks::Callback>>(
            std::make_unique<callbacks::FunctionCallback>(
                [](const callbacks::Call &call) -> Result<json> {
                    call.log(callbacks::LogLevel::Info, QStringLiteral("Sample model: detecting…"));
                    return runSampleModel(call.request);
                },
                QStringLiteral("sandbox sample model")));
    });
}

} // namespace ango::app::sandbox
