#include "hub/localhub.h"

#include "jsoncompare.h"
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <QTest>
#include <QUrlQuery>

// The REST side of the local hub over real HTTP (QNetworkAccessManager): the SDK's endpoints,
// the apikey check, asset files on the same port, uploads, and the 404 + log line for anything
// the hub does not emulate.

using namespace ango;
using nlohmann::json;
using namespace Qt::StringLiterals;

namespace {

struct Answer
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    json data() const { return json::parse(body.toStdString(), nullptr, false); }
};

} // namespace

class tst_HubRest : public QObject
{
    Q_OBJECT

private:
    Answer call(const QByteArray &method, const QString &pathAndQuery, const QByteArray &apiKey,
                const QByteArray &body = {})
    {
        QNetworkRequest request(QUrl(m_hub->url().toString() + pathAndQuery));
        if (!apiKey.isNull())
            request.setRawHeader("apikey", apiKey);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            [&] { QVERIFY(finished.wait(10000)); }();
        Answer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        reply->deleteLater();
        return answer;
    }

    QByteArray key() const { return m_hub->apiKey().toUtf8(); }

    QNetworkAccessManager m_network;
    std::unique_ptr<hub::LocalHub> m_hub;
    std::unique_ptr<QSignalSpy> m_logs;
    QTemporaryDir m_dir;
    QString m_imagePath;
    QByteArray m_imageBytes;
    QString m_assetId;

    bool logged(const QString &needle, logging::Level level) const
    {
        for (const auto &args : *m_logs) {
            const auto entry = args.at(0).value<logging::LogEntry>();
            if (entry.message.contains(needle) && entry.level == level)
                return true;
        }
        return false;
    }

private Q_SLOTS:
    void init()
    {
        qRegisterMetaType<logging::LogEntry>();
        m_hub = std::make_unique<hub::LocalHub>();
        m_logs = std::make_unique<QSignalSpy>(m_hub.get(), &hub::LocalHub::logged);
        QVERIFY(m_dir.isValid());
        m_imagePath = m_dir.filePath(QStringLiteral("street scene.png"));
        m_imageBytes = QByteArray("\x89PNG\r\n\x1a\n not really a png, but bytes to compare", 48);
        QFile file(m_imagePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(m_imageBytes);
        file.close();
        auto started = m_hub->start(QStringLiteral("127.0.0.1:0"));
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        auto asset = m_hub->addAsset(m_imagePath);
        QVERIFY(asset.ok());
        m_assetId = asset->id;
    }

    void cleanup()
    {
        m_logs.reset();
        m_hub.reset();
    }

    void startRefusesBadAddresses_data()
    {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("message");
        QTest::newRow("no port") << u"127.0.0.1"_s << u"HOST:PORT"_s;
        QTest::newRow("bad port") << u"127.0.0.1:99999"_s << u"valid port"_s;
        QTest::newRow("host name") << u"example.org:0"_s << u"not an IP address"_s;
    }

    void startRefusesBadAddresses()
    {
        QFETCH(QString, listen);
        QFETCH(QString, message);
        hub::LocalHub other;
        auto started = other.start(listen);
        QVERIFY(!started.ok());
        QVERIFY2(started.error().message.contains(message), qPrintable(started.error().message));
    }

    void portInUseIsAnError()
    {
        hub::LocalHub other;
        auto started = other.start(m_hub->listenAddress());
        QVERIFY(!started.ok());
        QVERIFY2(started.error().message.contains(QStringLiteral("cannot listen")),
                 qPrintable(started.error().message));
    }

    void assetsListAndDataUrl()
    {
        const QString filters = QString::fromUtf8(
            QUrl::toPercentEncoding(QStringLiteral("{\"_id\":\"%1\"}").arg(m_assetId)));
        const Answer listing = call(
            "GET",
            QStringLiteral("/v2/project/local-project/assets?page=1&limit=10&filters=") + filters,
            key());
        QCOMPARE(listing.status, 200);
        const json data = listing.data();
        JSON_COMPARE(data["data"]["total"], json(1));
        const json asset = data["data"]["assets"][0];
        JSON_COMPARE(asset["_id"], json(m_assetId.toStdString()));
        JSON_COMPARE(asset["externalId"], json("street scene.png"));

        // The data URL is on the same port and needs no apikey, as a storage URL.
        const QString url = QString::fromStdString(asset["data"].get<std::string>());
        QVERIFY2(url.startsWith(m_hub->url().toString() + QStringLiteral("/files/")),
                 qPrintable(url));
        QNetworkReply *reply = m_network.get(QNetworkRequest(QUrl(url)));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), m_imageBytes);
        QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(),
                 QByteArray("image/png"));
        reply->deleteLater();

        // Form-encoded as python's requests writes it: "+" for the space after the colon.
        const Answer formEncoded = call(
            "GET",
            QStringLiteral(
                "/v2/project/local-project/assets?page=1&limit=10&filters=%7B%22_id%22%3A+%22")
                + m_assetId + QStringLiteral("%22%7D"),
            key());
        QCOMPARE(formEncoded.status, 200);
        JSON_COMPARE(formEncoded.data()["data"]["total"], json(1));

        // Filters that match nothing, and the older query keys.
        JSON_COMPARE(call("GET", QStringLiteral("/v2/project/local-project/assets?_id=nope"), key())
                         .data()["data"]["total"],
                     json(0));
        JSON_COMPARE(
            call("GET",
                 QStringLiteral("/v2/project/local-project/assets?externalId=street%20scene.png"),
                 key())
                .data()["data"]["total"],
            json(1));
        QCOMPARE(call("GET", QStringLiteral("/v2/project/other/assets"), key()).status, 404);
    }

    void apikeyIsChecked_data()
    {
        QTest::addColumn<QByteArray>("apiKey");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << QByteArray() << u"no apikey header"_s;
        QTest::newRow("wrong") << QByteArray("not-the-key") << u"wrong apikey"_s;
    }

    void apikeyIsChecked()
    {
        QFETCH(QByteArray, apiKey);
        QFETCH(QString, message);
        const Answer answer = call("GET", QStringLiteral("/v2/project/local-project"), apiKey);
        QCOMPARE(answer.status, 401);
        JSON_COMPARE(answer.data()["error"]["statusCode"], json(401));
        QVERIFY(logged(message, logging::Level::Warning));
        QCOMPARE(call("GET", QStringLiteral("/v2/project/local-project"), key()).status, 200);
    }

    void unknownEndpointIs404AndLogged_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::newRow("unknown v2") << QByteArray("GET") << u"/v2/project/local-project/exports"_s;
        QTest::newRow("wrong method") << QByteArray("DELETE") << u"/v2/task/t-1"_s;
        QTest::newRow("outside v2") << QByteArray("POST") << u"/api/v1/things"_s;
    }

    void unknownEndpointIs404AndLogged()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        const Answer answer
            = call(method, path, key(), method == "POST" ? QByteArray("{}") : QByteArray());
        QCOMPARE(answer.status, 404);
        QCOMPARE(answer.contentType, QByteArray("application/json"));
        const json body = answer.data();
        JSON_COMPARE(body["status"], json("fail"));
        QVERIFY(QString::fromStdString(body["message"].get<std::string>()).contains(path));
        QVERIFY2(logged(QStringLiteral("unknown endpoint: the local hub does not emulate %1 %2")
                            .arg(QString::fromLatin1(method), path),
                        logging::Level::Warning),
                 "no log line names the endpoint");
    }

    void logsNeverShowTheApiKey()
    {
        (void)call("GET",
                   QStringLiteral("/v2/project/local-project/assets?apikey=") + m_hub->apiKey(),
                   key());
        QVERIFY(!m_logs->isEmpty());
        for (const auto &args : *m_logs) {
            const auto entry = args.at(0).value<logging::LogEntry>();
            QVERIFY2(!entry.message.contains(m_hub->apiKey()), qPrintable(entry.message));
        }
    }

    void projectAndTask()
    {
        const json project = call("GET", QStringLiteral("/v2/project/local-project"), key()).data();
        JSON_COMPARE(project["data"]["project"]["_id"], json("local-project"));
        QVERIFY(project["data"]["project"]["categorySchema"]["tools"].is_array());
        QCOMPARE(call("GET", QStringLiteral("/v2/task/unknown-task"), key()).status, 404);
    }

    void uploadRoundTrip()
    {
        const json answer
            = call("GET",
                   QStringLiteral(
                       "/v2/getUploadUrl?name=mask.png&project=local-project&type=brushes"),
                   key())
                  .data();
        const QUrl uploadUrl(
            QString::fromStdString(answer["data"]["uploadUrl"].get<std::string>()));
        QCOMPARE(uploadUrl.port(), m_hub->url().port());
        QNetworkRequest put(uploadUrl);
        QNetworkReply *reply = m_network.put(put, QByteArray("mask bytes"));
        QSignalSpy putDone(reply, &QNetworkReply::finished);
        QVERIFY(putDone.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();

        // The stored URL is the upload URL without its query string (the SDK's convention).
        const Answer back = call("GET", uploadUrl.path(), QByteArray());
        QCOMPARE(back.status, 200);
        QCOMPARE(back.body, QByteArray("mask bytes"));

        // Signing echoes the URL back: files here need no signature.
        const QString stored = uploadUrl.toString(QUrl::RemoveQuery);
        const json signedUrl = call("GET",
                                    QStringLiteral("/v2/getSignedUrl?name=")
                                        + QString::fromUtf8(QUrl::toPercentEncoding(stored)),
                                    key())
                                   .data();
        QCOMPARE(QString::fromStdString(signedUrl["data"]["signedUrl"].get<std::string>()), stored);

        // A PUT to a path never handed out is refused.
        QCOMPARE(call("PUT", QStringLiteral("/uploads/forged/x.png"), QByteArray(), QByteArray("x"))
                     .status,
                 404);
    }

    void backChannelAndImport()
    {
        QSignalSpy pluginLogs(m_hub.get(), &hub::LocalHub::pluginLogged);
        QSignalSpy imports(m_hub.get(), &hub::LocalHub::labelsImported);
        const json logBody
            = {{"level", "WARNING"}, {"session", "s-9"}, {"msg", "from the REST connector"}};
        QCOMPARE(call("POST", QStringLiteral("/v2/pluginLog"), key(),
                      QByteArray::fromStdString(logBody.dump()))
                     .status,
                 200);
        QCOMPARE(pluginLogs.size(), 1);
        const auto entry = pluginLogs.at(0).at(1).value<logging::LogEntry>();
        QCOMPARE(entry.message, QStringLiteral("from the REST connector"));
        QCOMPARE(entry.level, logging::Level::Warning);
        QCOMPARE(entry.session, QStringLiteral("s-9"));

        const json labels
            = {{"project", "local-project"}, {"jsonContent", json::array({{{"externalId", "a"}}})}};
        QCOMPARE(call("POST", QStringLiteral("/v2/import/labels"), key(),
                      QByteArray::fromStdString(labels.dump()))
                     .status,
                 200);
        QCOMPARE(imports.size(), 1);
        QCOMPARE(
            call("POST", QStringLiteral("/v2/import/labels"), key(), QByteArray("not json")).status,
            400);
    }

    void longPollingRefusalsAreEngineIoErrors_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("code");
        QTest::newRow("EIO 3") << QByteArray("GET") << u"EIO=3&transport=polling"_s << 5;
        QTest::newRow("unknown transport") << QByteArray("GET") << u"EIO=4&transport=xhr"_s << 0;
        QTest::newRow("unknown sid")
            << QByteArray("GET") << u"EIO=4&transport=polling&sid=x"_s << 1;
        QTest::newRow("POST handshake") << QByteArray("POST") << u"EIO=4&transport=polling"_s << 2;
    }

    void longPollingRefusalsAreEngineIoErrors()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, query);
        QFETCH(int, code);
        const Answer answer
            = call(method, QStringLiteral("/socket.io/?") + query, QByteArray(), "x");
        QCOMPARE(answer.status, 400);
        QCOMPARE(answer.data().value("code", -1), code);
        QVERIFY(logged(QStringLiteral("refused an Engine.IO request"), logging::Level::Warning));
    }

    void longPollingHandshakeOffersTheUpgrade()
    {
        const Answer answer
            = call("GET", QStringLiteral("/socket.io/?EIO=4&transport=polling"), QByteArray());
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.body.startsWith("0{"));
        const json open = json::parse(answer.body.mid(1).toStdString(), nullptr, false);
        QVERIFY(open.value("sid", "").size() > 0);
        QVERIFY(open["upgrades"] == json::array({"websocket"}));
    }
};

QTEST_GUILESS_MAIN(tst_HubRest)
#include "tst_hubrest.moc"
