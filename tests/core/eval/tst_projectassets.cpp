// A live project as a dataset, against the recording HTTP server (127.0.0.1, port 0): assets
// come page by page with the apikey header, their answers become ground truth, a failed page
// fails the load with the URL and the status, and maxPages bounds the listing.
#include "eval/projectassets.h"
#include "recordinghttpserver.h"

#include <QSignalSpy>
#include <QTest>

using namespace ango;
using namespace ango::eval;
using ango::test::RecordingHttpServer;
using ango::test::ScriptedResponse;
using nlohmann::json;

namespace {

constexpr auto kKey = "key-123456789";

json asset(const RecordingHttpServer &server, const std::string &id, int x)
{
    return {{"_id", "id-" + id},
            {"externalId", id},
            {"data", server.url(QStringLiteral("/img/%1.png").arg(QString::fromStdString(id)))
                         .toString()
                         .toStdString()},
            {"task",
             {{"tools",
               {{{"schemaId", "s-cat"},
                 {"title", "cat"},
                 {"bounding-box", {{"x", x}, {"y", 5}, {"width", 40}, {"height", 30}}}}}}}}};
}

json page(const json &assets, int total)
{
    return {{"status", "success"}, {"data", {{"assets", assets}, {"total", total}}}};
}

} // namespace

class tst_ProjectAssets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void twoPages();
    void failedPageNamesUrlAndStatus();
    void maxPagesBoundsTheListing();

private:
    ProjectSource source() const
    {
        ProjectSource s;
        s.apiHost = m_server->url();
        s.apiKey = QLatin1String(kKey);
        s.projectId = QStringLiteral("P1");
        s.pageSize = 2;
        s.retry.maxAttempts = 1; // a 500 fails at once here
        return s;
    }
    Result<Dataset> load(ProjectSource s, int *pages = nullptr);

    std::unique_ptr<RecordingHttpServer> m_server;
};

void tst_ProjectAssets::init()
{
    m_server = std::make_unique<RecordingHttpServer>();
    QVERIFY(m_server->listen());
}

Result<Dataset> tst_ProjectAssets::load(ProjectSource s, int *pages)
{
    ProjectAssetsLoader loader(std::move(s));
    QSignalSpy pageSpy(&loader, &ProjectAssetsLoader::pageLoaded);
    std::optional<Result<Dataset>> out;
    loader.load([&out](Result<Dataset> d) { out = std::move(d); });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(out.has_value(), 20000); }();
    if (pages)
        *pages = int(pageSpy.size());
    return out ? std::move(*out) : Result<Dataset>(makeError(QStringLiteral("timed out")));
}

void tst_ProjectAssets::twoPages()
{
    const QByteArray path = "/v2/project/P1/assets";
    m_server->enqueue(path,
                      ScriptedResponse::json(
                          200, page({asset(*m_server, "a1", 1), asset(*m_server, "a2", 2)}, 3)));
    m_server->enqueue(
        path, ScriptedResponse::json(200, page(json::array({asset(*m_server, "a3", 3)}), 3)));
    int pages = 0;
    auto d = load(source(), &pages);
    QVERIFY2(d, qPrintable(d ? QString() : d.error().message));
    QCOMPARE(pages, 2);
    QCOMPARE(m_server->requestCount(), 2); // total reached: no third request
    for (int i = 0; i < 2; ++i) {
        const auto &r = m_server->requests()[i];
        QCOMPARE(r.path, path);
        QCOMPARE(r.queryValue(QStringLiteral("page")), QString::number(i + 1));
        QCOMPARE(r.queryValue(QStringLiteral("limit")), QStringLiteral("2"));
        QCOMPARE(r.header("apikey"), QByteArray(kKey));
    }
    QCOMPARE(d->images.size(), 3u);
    QCOMPARE(d->images[2].key, QStringLiteral("a3"));
    QCOMPARE(d->images[2].url, m_server->url(QStringLiteral("/img/a3.png")).toString());
    QCOMPARE(d->categories.size(), 1u);
    QCOMPARE(d->categories[0].name, QStringLiteral("cat"));
    QCOMPARE(d->images[1].truth.size(), 1u);
    QCOMPARE(d->images[1].truth[0].box.x, 2.0);
    QCOMPARE(d->problemCount, 0);
    QVERIFY(d->sourceFile.contains(QStringLiteral("P1")));
}

void tst_ProjectAssets::failedPageNamesUrlAndStatus()
{
    const QByteArray path = "/v2/project/P1/assets";
    m_server->enqueue(path,
                      ScriptedResponse::json(
                          200, page({asset(*m_server, "a1", 1), asset(*m_server, "a2", 2)}, 9)));
    m_server->enqueue(path, ScriptedResponse::json(500, {{"message", "database hiccup"}}));
    auto d = load(source());
    QVERIFY(!d);
    const QString message = d.error().message;
    QVERIFY2(message.contains(m_server->url(QString::fromLatin1(path)).toString()),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("500")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("page 2")), qPrintable(message));
    QCOMPARE(d.error().status, 500);
    QVERIFY(!message.contains(QLatin1String(kKey)));

    // A 200 without data.assets is an error too, naming the page.
    m_server->enqueue(path, ScriptedResponse::json(200, {{"data", {{"items", json::array()}}}}));
    auto bad = load(source());
    QVERIFY(!bad);
    QVERIFY2(bad.error().message.contains(QStringLiteral("data.assets")),
             qPrintable(bad.error().message));
}

void tst_ProjectAssets::maxPagesBoundsTheListing()
{
    // A server that always has a full page: the listing stops at maxPages and says so.
    m_server->setRoute("/v2/project/P1/assets",
                       ScriptedResponse::json(
                           200, page({asset(*m_server, "x", 1), asset(*m_server, "y", 2)}, 1000)));
    ProjectSource s = source();
    s.maxPages = 3;
    auto d = load(s);
    QVERIFY2(d, qPrintable(d ? QString() : d.error().message));
    QCOMPARE(m_server->requestCount(), 3);
    // The same two externalIds on every page: the repeats are problems, not duplicates.
    QCOMPARE(d->images.size(), 2u);
    QVERIFY(d->problemCount >= 5);
    bool saysStopped = false;
    for (const DatasetProblem &p : d->problems)
        saysStopped = saysStopped || p.message.contains(QStringLiteral("stopped after 3 pages"));
    QVERIFY(saysStopped);
}

QTEST_GUILESS_MAIN(tst_ProjectAssets)
#include "tst_projectassets.moc"
