// `ango-console eval --project ID` end to end: the recording HTTP server (127.0.0.1, port 0) is
// the REST API (two pages of assets with their answers) and serves the asset files the real
// python3 callback fetches; a failed page exits 2 naming the URL and the status.
#include "evalprocess.h"
#include "recordinghttpserver.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>

using ango::test::RecordingHttpServer;
using ango::test::ScriptedResponse;
using nlohmann::json;

namespace {

constexpr auto kKey = "live-key-0123456789";

using ango::test::Finished;

} // namespace

class tst_EvalProject : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void evaluatesLiveProject();
    void failedPageExitsTwo();
    void missingKeyExitsTwo();

private:
    json asset(const std::string &id, int x) const;
    Finished run(const QStringList &extra, bool withKey = true);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RecordingHttpServer> m_server;
};

void tst_EvalProject::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_server = std::make_unique<RecordingHttpServer>();
    QVERIFY(m_server->listen());
    // The asset files: what the model "sees". It finds the cats of a1 and a2, not of a3.
    for (const auto &[id, x, seen] :
         {std::tuple{"a1", 10, true}, std::tuple{"a2", 20, true}, std::tuple{"a3", 30, false}}) {
        json objects = json::array();
        if (seen)
            objects.push_back({{"cls", "cat"}, {"box", {x, 5, 40, 30}}, {"score", 0.9}});
        m_server->setRoute(QByteArray("/img/") + id + ".json",
                           ScriptedResponse::json(200, {{"objects", objects}}));
    }
}

json tst_EvalProject::asset(const std::string &id, int x) const
{
    return {{"externalId", id},
            {"data", m_server->url(QStringLiteral("/img/%1.json").arg(QString::fromStdString(id)))
                         .toString()
                         .toStdString()},
            {"task",
             {{"tools", json::array({{{"schemaId", "s-cat"},
                                      {"title", "cat"},
                                      {"bounding-box",
                                       {{"x", x}, {"y", 5}, {"width", 40}, {"height", 30}}}}})}}}};
}

Finished tst_EvalProject::run(const QStringList &extra, bool withKey)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("ANGO_API_KEY"));
    if (withKey)
        env.insert(QStringLiteral("ANGO_API_KEY"), QLatin1String(kKey));
    return ango::test::runEvalCli(
        QStringList{QStringLiteral("eval"), QStringLiteral("--callback"),
                    QStringLiteral("python:" ANGO_EVAL_MODEL), QStringLiteral("--project"),
                    QStringLiteral("P1"), QStringLiteral("--api-host"), m_server->url().toString(),
                    QStringLiteral("--cache-dir"), m_dir->filePath(QStringLiteral("cache"))}
            + extra,
        env);
}

void tst_EvalProject::evaluatesLiveProject()
{
    const QByteArray path = "/v2/project/P1/assets";
    // 50 assets a page are asked for, the server gives 2 (servers cap page sizes): "total" 3
    // makes the client ask for page 2.
    m_server->enqueue(
        path, ScriptedResponse::json(
                  200, {{"data", {{"assets", {asset("a1", 10), asset("a2", 20)}}, {"total", 3}}}}));
    m_server->enqueue(
        path, ScriptedResponse::json(
                  200, {{"data", {{"assets", json::array({asset("a3", 30)})}, {"total", 3}}}}));
    const QString report = m_dir->filePath(QStringLiteral("report.json"));
    const Finished done = run({QStringLiteral("--out"), report});
    QVERIFY2(done.code == 0, qPrintable(done.err));
    int assetPages = 0;
    for (const auto &r : m_server->requests()) {
        if (r.path == path) {
            ++assetPages;
            QCOMPARE(r.header("apikey"), QByteArray(kKey));
            QCOMPARE(r.queryValue(QStringLiteral("page")), QString::number(assetPages));
        } else {
            QVERIFY2(r.path.startsWith("/img/"), r.path.constData());
            QVERIFY(!r.hasHeader("apikey")); // the callback fetched the file itself
        }
    }
    QCOMPARE(assetPages, 2);
    QCOMPARE(m_server->requestCount(), 5); // two pages, three asset files
    QFile file(report);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const json r = json::parse(file.readAll().toStdString(), nullptr, false);
    // 2 of 3 cats found at precision 1: recall points 0..0.66 -> 67/101.
    QVERIFY(std::abs(r["classes"]["cat"]["AP"].get<double>() - 67.0 / 101) < 1e-12);
    QCOMPARE(r["images"].size(), 3u);
    QCOMPARE(r["images"][2]["key"].get<std::string>(), std::string("a3"));
    QCOMPARE(r["images"][2]["fn"].get<int>(), 1);
    QVERIFY(r["dataset"]["file"].get<std::string>().find("P1") != std::string::npos);
    QVERIFY(!done.err.contains(QLatin1String(kKey)));
    QVERIFY(!QString::fromStdString(r.dump()).contains(QLatin1String(kKey)));
}

void tst_EvalProject::failedPageExitsTwo()
{
    const QByteArray path = "/v2/project/P1/assets";
    m_server->enqueue(
        path,
        ScriptedResponse::json(
            200, {{"data", {{"assets", {asset("a1", 10), asset("a2", 20)}}, {"total", 60}}}}));
    m_server->setRoute(path, ScriptedResponse::json(500, {{"message", "database hiccup"}}));
    const Finished done = run({QStringLiteral("--page-size-is-fixed-so-this-flag-is-unknown")});
    QCOMPARE(done.code, 2); // an unknown flag first: exit 2 before any request
    QCOMPARE(m_server->requestCount(), 0);
    const Finished failed = run({});
    QCOMPARE(failed.code, 2);
    QVERIFY2(failed.err.contains(m_server->url(QString::fromLatin1(path)).toString()),
             qPrintable(failed.err));
    QVERIFY2(failed.err.contains(QStringLiteral("500")), qPrintable(failed.err));
    QVERIFY(failed.err.contains(QStringLiteral("page 2")));
    QVERIFY(!failed.err.contains(QLatin1String(kKey)));
}

void tst_EvalProject::missingKeyExitsTwo()
{
    const Finished done = run({}, false);
    QCOMPARE(done.code, 2);
    QVERIFY2(done.err.contains(QStringLiteral("ANGO_API_KEY")), qPrintable(done.err));
    QCOMPARE(m_server->requestCount(), 0);
    QFile keyFile(m_dir->filePath(QStringLiteral("key.txt")));
    QVERIFY(keyFile.open(QIODevice::WriteOnly));
    keyFile.write("from-file-key\n");
    keyFile.close();
    m_server->setRoute("/v2/project/P1/assets",
                       ScriptedResponse::json(200, {{"data", {{"assets", json::array()}}}}));
    const Finished fromFile = run({QStringLiteral("--api-key-file"), keyFile.fileName()}, false);
    QCOMPARE(fromFile.code, 2); // an empty project: nothing to run on
    QVERIFY2(fromFile.err.contains(QStringLiteral("no image")), qPrintable(fromFile.err));
    QCOMPARE(m_server->requests().value(0).header("apikey"), QByteArray("from-file-key"));
}

QTEST_GUILESS_MAIN(tst_EvalProject)
#include "tst_evalproject.moc"
