#include "hub/restapi.h"

#include "hub/socketsession.h"
#include "socketio/socketiopacket.h"

#include <QDateTime>
#include <QFile>
#include <QMimeDatabase>

namespace ango::hub {

using nlohmann::json;

namespace {

std::string str(const QString &text)
{
    return text.toStdString();
}

QString describe(const HttpRequest &request)
{
    QString text = QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path;
    if (!request.rawQuery.isEmpty())
        text += QLatin1Char('?') + request.displayQuery();
    return text;
}

// The request body as a JSON value; a message names what is wrong otherwise.
Result<json> bodyJson(const HttpRequest &request)
{
    if (request.body.isEmpty())
        return makeError(QStringLiteral("the request has no JSON body"));
    auto parsed = socketio::parseJson(
        std::string_view(request.body.constData(), size_t(request.body.size())));
    if (!parsed)
        return makeError(QStringLiteral("the body is not JSON: %1").arg(parsed.error().message));
    return std::move(*parsed);
}

json success(json data)
{
    return json{{"status", "success"}, {"data", std::move(data)}};
}

json arrayOr(const json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_array() ? *it : json::array();
}

} // namespace

HttpReply jsonReply(int status, const json &body)
{
    HttpReply reply;
    reply.status = status;
    reply.body = QByteArray::fromStdString(socketio::dumpJson(body));
    return reply;
}

HttpReply jsonError(int status, const QString &message)
{
    return jsonReply(
        status,
        json{{"status", "fail"}, {"error", {{"statusCode", status}}}, {"message", str(message)}});
}

RestApi::RestApi(AssetStore *assets, QObject *parent)
    : QObject(parent)
    , m_assets(assets)
{
    setCategorySchema(json());
}

void RestApi::setCategorySchema(const json &categorySchema)
{
    json tools = json::array();
    if (categorySchema.is_array()) {
        for (const json &entry : categorySchema) {
            if (!entry.is_object() || !entry.contains("schemaId"))
                continue;
            tools.push_back({{"tool", "bounding-box"},
                             {"title", entry.value("modelClass", json(""))},
                             {"schemaId", entry["schemaId"]},
                             {"required", false},
                             {"classifications", json::array()},
                             {"options", json::array()}});
        }
    }
    m_labelSet
        = {{"tools", tools}, {"classifications", json::array()}, {"relations", json::array()}};
}

void RestApi::registerTask(const QString &taskId, const QString &assetId)
{
    m_tasks.insert(taskId, Task{assetId, json{{"tools", json::array()},
                                              {"classifications", json::array()},
                                              {"relations", json::array()}}});
}

HttpReply RestApi::handle(const HttpRequest &request)
{
    logging::Level level = logging::Level::Info;
    QString note;
    HttpReply reply = route(request, level, note);
    if (reply.status >= 400 && level == logging::Level::Info)
        level = logging::Level::Warning;

    logging::LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = level;
    entry.category = QStringLiteral("rest");
    entry.direction = QStringLiteral("in");
    entry.kind = QString::fromLatin1(request.method);
    entry.status = QString::number(reply.status);
    entry.sizeBytes = request.body.size() + reply.body.size(); // both ways: uploads and downloads
    entry.message = describe(request);
    if (!note.isEmpty())
        entry.message += QStringLiteral(": ") + note;
    Q_EMIT logged(entry);
    // What the call means for a run comes after the line saying it arrived.
    const auto deferred = std::exchange(m_deferred, {});
    for (const auto &emitNow : deferred)
        emitNow();
    return reply;
}

HttpReply RestApi::route(const HttpRequest &request, logging::Level &level, QString &note)
{
    const QString &path = request.path;
    const QByteArray &method = request.method;
    const bool get = method == "GET";
    const bool post = method == "POST";

    // Files and uploads stand for storage URLs (S3 and the like): no apikey, as there.
    if (path.startsWith(QLatin1String("/files/")) && get) {
        if (auto asset = m_assets->fromFilePath(path))
            return assetFile(*asset);
        note = QStringLiteral("no such asset file");
        return jsonError(404, QStringLiteral("Not found: no asset file at %1").arg(path));
    }
    if (path.startsWith(QLatin1String("/uploads/"))) {
        if (method == "PUT")
            return putUpload(request, note);
        if (get)
            return getUpload(path);
    }

    if (path.startsWith(QLatin1String("/v2/"))) {
        const QByteArray key = request.header("apikey");
        if (key.isEmpty()) {
            note = QStringLiteral("refused: no apikey header");
            return jsonError(401, QStringLiteral("Unauthorized: the apikey header is missing"));
        }
        if (QString::fromUtf8(key) != m_apiKey) {
            note = QStringLiteral("refused: wrong apikey (use the apiKey of the plugin request)");
            return jsonError(401, QStringLiteral("Unauthorized: invalid apikey"));
        }
        const QStringList parts = path.mid(4).split(QLatin1Char('/')); // after "/v2/"
        const qsizetype n = parts.size();
        if (get && n == 3 && parts[0] == QLatin1String("project")
            && parts[2] == QLatin1String("assets"))
            return assets(request, parts[1]);
        if (get && n == 2 && parts[0] == QLatin1String("project"))
            return project(parts[1]);
        if (post && n == 2 && parts[0] == QLatin1String("annotate"))
            return annotate(request, parts[1], note);
        if (post && n == 2 && parts[0] == QLatin1String("import")
            && parts[1] == QLatin1String("labels"))
            return importLabels(request, note);
        if (get && n == 2 && parts[0] == QLatin1String("task"))
            return task(parts[1]);
        if (get && n == 1 && parts[0] == QLatin1String("getUploadUrl"))
            return uploadUrl(request);
        if (get && n == 1 && parts[0] == QLatin1String("getSignedUrl"))
            return signedUrl(request);
        if (post && n == 1 && parts[0] == QLatin1String("pluginLog"))
            return backChannel(request, true, note);
        if (post && n == 1 && parts[0] == QLatin1String("pluginResponse"))
            return backChannel(request, false, note);
    }

    level = logging::Level::Warning;
    const QString endpoint = QString::fromLatin1(method) + QLatin1Char(' ') + path;
    note = QStringLiteral("unknown endpoint: the local hub does not emulate %1").arg(endpoint);
    return jsonError(
        404, QStringLiteral("Not found: %1 is not an endpoint of the local hub").arg(endpoint));
}

HttpReply RestApi::assets(const HttpRequest &request, const QString &projectId)
{
    if (projectId != m_projectId)
        return jsonError(404, QStringLiteral("Not found: no project %1 (the local project is %2)")
                                  .arg(projectId, m_projectId));
    // Filters as the newest SDK sends them (filters={"_id": …}), and the older query keys.
    QString idFilter = request.queryValue(QStringLiteral("_id"));
    QString externalFilter = request.queryValue(QStringLiteral("externalId"));
    if (const QString filters = request.queryValue(QStringLiteral("filters")); !filters.isEmpty()) {
        const QByteArray utf8 = filters.toUtf8();
        auto parsed = socketio::parseJson(std::string_view(utf8.constData(), size_t(utf8.size())));
        if (!parsed || !parsed->is_object())
            return jsonError(400, QStringLiteral("filters must be a JSON object"));
        if (const auto id = parsed->find("_id"); id != parsed->end() && id->is_string())
            idFilter = QString::fromStdString(id->get<std::string>());
        if (const auto ext = parsed->find("externalId"); ext != parsed->end() && ext->is_string())
            externalFilter = QString::fromStdString(ext->get<std::string>());
    }
    bool pageOk = false;
    bool limitOk = false;
    int page = request.queryValue(QStringLiteral("page")).toInt(&pageOk);
    int limit = request.queryValue(QStringLiteral("limit")).toInt(&limitOk);
    if (!pageOk || page < 1)
        page = 1;
    if (!limitOk || limit < 1)
        limit = 10;

    json matching = json::array();
    for (const HubAsset &asset : m_assets->all()) {
        if (!idFilter.isEmpty() && asset.id != idFilter)
            continue;
        if (!externalFilter.isEmpty() && asset.externalId != externalFilter)
            continue;
        matching.push_back({{"_id", str(asset.id)},
                            {"externalId", str(asset.externalId)},
                            {"data", str(asset.dataUrl)},
                            {"project", str(m_projectId)},
                            {"batches", json::array()},
                            {"isPreLabeled", false}});
    }
    json pageOfAssets = json::array();
    const auto first = qsizetype(page - 1) * limit;
    for (qsizetype i = first; i < qsizetype(matching.size()) && i < first + limit; ++i)
        pageOfAssets.push_back(matching[size_t(i)]);
    return jsonReply(200, success({{"assets", pageOfAssets}, {"total", matching.size()}}));
}

HttpReply RestApi::project(const QString &projectId)
{
    if (projectId != m_projectId)
        return jsonError(404, QStringLiteral("Not found: no project %1 (the local project is %2)")
                                  .arg(projectId, m_projectId));
    return jsonReply(
        200, success({{"project",
                       {{"_id", str(m_projectId)},
                        {"name", "Local hub project"},
                        {"description", "Served by the Ango Plugin Console's local hub"},
                        {"batches", json::array()},
                        {"stages", json::array({{{"id", "Start"}, {"type", "Start"}},
                                                {{"id", "Plugin"}, {"type", "Plugin"}},
                                                {{"id", "Complete"}, {"type", "Complete"}}})},
                        {"categorySchema", m_labelSet}}}}));
}

HttpReply RestApi::annotate(const HttpRequest &request, const QString &taskId, QString &note)
{
    auto body = bodyJson(request);
    if (!body) {
        note = body.error().message;
        return jsonError(400, body.error().message);
    }
    if (!body->is_object() || !body->contains("answer") || !(*body)["answer"].is_object()) {
        note = QStringLiteral("the body has no \"answer\" object");
        return jsonError(400,
                         QStringLiteral("the body must be {\"answer\": {...}, \"duration\": 0}"));
    }
    const json &answer = (*body)["answer"];
    if (auto it = m_tasks.find(taskId); it != m_tasks.end())
        it->answer = {{"tools", answer.contains("objects") ? arrayOr(answer, "objects")
                                                           : arrayOr(answer, "tools")},
                      {"classifications", arrayOr(answer, "classifications")},
                      {"relations", arrayOr(answer, "relations")}};
    else
        note = QStringLiteral("task %1 was not sent by this hub").arg(taskId);
    m_deferred.push_back([this, taskId, body = *body] { Q_EMIT annotated(taskId, body); });
    return jsonReply(200, success({{"task", {{"_id", str(taskId)}}}}));
}

HttpReply RestApi::importLabels(const HttpRequest &request, QString &note)
{
    auto body = bodyJson(request);
    if (!body) {
        note = body.error().message;
        return jsonError(400, body.error().message);
    }
    if (!body->is_object() || !body->contains("jsonContent")
        || !(*body)["jsonContent"].is_array()) {
        note = QStringLiteral("the body has no \"jsonContent\" list");
        return jsonError(
            400, QStringLiteral("the body must be {\"project\": …, \"jsonContent\": [...]}"));
    }
    const auto count = (*body)["jsonContent"].size();
    note = QStringLiteral("%1 record(s)").arg(count);
    m_deferred.push_back([this, body = *body] { Q_EMIT labelsImported(body); });
    return jsonReply(200, success({{"importedCount", count}}));
}

HttpReply RestApi::task(const QString &taskId)
{
    const auto it = m_tasks.constFind(taskId);
    if (it == m_tasks.cend())
        return jsonError(404, QStringLiteral("Not found: no task %1").arg(taskId));
    json asset;
    if (auto found = m_assets->find(it->assetId))
        asset = {{"_id", str(found->id)},
                 {"externalId", str(found->externalId)},
                 {"data", str(found->dataUrl)}};
    return jsonReply(200, success({{"task",
                                    {{"_id", str(taskId)},
                                     {"project", str(m_projectId)},
                                     {"asset", asset},
                                     {"answer", it->answer},
                                     {"brushDataUrl", nullptr},
                                     {"medicalBrushDataUrl", nullptr}}}}));
}

HttpReply RestApi::uploadUrl(const HttpRequest &request)
{
    QString name = request.queryValue(QStringLiteral("name"));
    name = name.section(QLatin1Char('/'), -1);
    if (name.isEmpty())
        return jsonError(400, QStringLiteral("getUploadUrl needs a name"));
    const QString path = QStringLiteral("/uploads/%1/%2").arg(randomId(12), name);
    m_uploadSlots.insert(path, true);
    QUrl url = m_base;
    url.setPath(path);
    url.setQuery(QStringLiteral("X-Local-Signature=%1").arg(randomId(8)));
    return jsonReply(200, success({{"uploadUrl", str(url.toString(QUrl::FullyEncoded))}}));
}

HttpReply RestApi::signedUrl(const HttpRequest &request)
{
    const QString name = request.queryValue(QStringLiteral("name"));
    if (name.isEmpty())
        return jsonError(400, QStringLiteral("getSignedUrl needs a name"));
    return jsonReply(200, success({{"signedUrl", str(name)}}));
}

HttpReply RestApi::backChannel(const HttpRequest &request, bool isLog, QString &note)
{
    auto body = bodyJson(request);
    if (!body) {
        note = body.error().message;
        return jsonError(400, body.error().message);
    }
    if (!body->is_object()) {
        note = QStringLiteral("the body is not a JSON object");
        return jsonError(400, QStringLiteral("the body must be a JSON object"));
    }
    if (isLog)
        m_deferred.push_back([this, body = *body] { Q_EMIT pluginLogPosted(body); });
    else
        m_deferred.push_back([this, body = *body] { Q_EMIT pluginResponsePosted(body); });
    return jsonReply(200, json{{"status", "success"}});
}

HttpReply RestApi::putUpload(const HttpRequest &request, QString &note)
{
    if (!m_uploadSlots.contains(request.path)) {
        note = QStringLiteral("no upload URL was handed out for this path");
        return jsonError(
            404, QStringLiteral("Not found: get an upload URL from /v2/getUploadUrl first"));
    }
    if (m_uploadBytes + request.body.size() > m_maxUploadBytes) {
        note = QStringLiteral("the local hub keeps at most %1 bytes of uploads")
                   .arg(m_maxUploadBytes);
        return jsonError(413, note);
    }
    m_uploadSlots.remove(request.path);
    m_uploadBytes += request.body.size();
    m_uploads.insert(request.path, request.body);
    note = QStringLiteral("%1 bytes stored").arg(request.body.size());
    HttpReply reply;
    reply.contentType = QByteArrayLiteral("text/plain");
    return reply;
}

HttpReply RestApi::getUpload(const QString &path)
{
    const auto it = m_uploads.constFind(path);
    if (it == m_uploads.cend())
        return jsonError(404, QStringLiteral("Not found: nothing was uploaded to %1").arg(path));
    HttpReply reply;
    reply.contentType = QByteArrayLiteral("application/octet-stream");
    reply.body = *it;
    return reply;
}

HttpReply RestApi::assetFile(const HubAsset &asset)
{
    // Local images are small; reading one on the event loop is cheaper than a thread hop.
    QFile file(asset.filePath);
    if (!file.open(QIODevice::ReadOnly))
        return jsonError(
            500, QStringLiteral("cannot read %1: %2").arg(asset.externalId, file.errorString()));
    HttpReply reply;
    reply.contentType = QMimeDatabase().mimeTypeForFile(asset.filePath).name().toLatin1();
    reply.body = file.readAll();
    return reply;
}

} // namespace ango::hub
