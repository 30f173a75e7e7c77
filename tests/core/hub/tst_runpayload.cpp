#include "hub/runpayload.h"

#include "jsoncompare.h"

#include <QTest>

// The `plugin` payload: exactly the hub's keys (ango-protocol.md §2.1), typed as the SDK reads
// them.

using namespace ango::hub;
using nlohmann::json;
using namespace Qt::StringLiterals;

namespace {

QStringList keysOf(const json &object)
{
    QStringList keys;
    for (auto it = object.begin(); it != object.end(); ++it)
        keys << QString::fromStdString(it.key());
    keys.sort();
    return keys;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

HubAsset asset()
{
    return HubAsset{QStringLiteral("asset-1"), QStringLiteral("cat.png"),
                    QStringLiteral("/tmp/cat.png"),
                    QStringLiteral("http://127.0.0.1:9/files/asset-1/cat.png")};
}

PayloadContext context()
{
    return PayloadContext{QStringLiteral("s-1"),    QStringLiteral("p-1"),
                          QStringLiteral("key-1"),  QStringLiteral("org-1"),
                          QStringLiteral("user-1"), QStringLiteral("task-1")};
}

} // namespace

class tst_RunPayload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keys_data()
    {
        QTest::addColumn<bool>("workflow");
        QTest::addColumn<QStringList>("expected");
        const QStringList base = {u"apiKey"_s,     u"assetId"_s, u"batches"_s, u"categorySchema"_s,
                                  u"configJSON"_s, u"dataURL"_s, u"orgId"_s,   u"projectId"_s,
                                  u"runBy"_s,      u"session"_s, u"tags"_s,    u"workflow"_s};
        QTest::newRow("interactive") << false << base;
        QTest::newRow("workflow") << true << sorted(QStringList(base) << QStringLiteral("taskId"));
    }

    void keys()
    {
        QFETCH(bool, workflow);
        QFETCH(QStringList, expected);
        RunRequest run;
        run.workflow = workflow;
        const json payload = buildPluginPayload(run, asset(), context());
        QCOMPARE(keysOf(payload), expected);
        QCOMPARE(sorted(workflow ? workflowPayloadKeys() : interactivePayloadKeys()), expected);
    }

    void values()
    {
        RunRequest run;
        run.categorySchema = json::array({{{"schemaId", "s-car"}, {"modelClass", "car"}}});
        run.configJson = QStringLiteral("{\"threshold\": 0.5}");
        run.workflow = true;
        const json payload = buildPluginPayload(run, asset(), context());
        JSON_COMPARE(payload["configJSON"],
                     json("{\"threshold\": 0.5}")); // a string, decoded by the plugin
        JSON_COMPARE(payload["categorySchema"], run.categorySchema);
        JSON_COMPARE(payload["workflow"], json(true));
        JSON_COMPARE(payload["taskId"], json("task-1"));
        JSON_COMPARE(payload["assetId"], json("asset-1"));
        JSON_COMPARE(payload["dataURL"], json("http://127.0.0.1:9/files/asset-1/cat.png"));
        JSON_COMPARE(payload["apiKey"], json("key-1"));
        JSON_COMPARE(payload["session"], json("s-1"));
        JSON_COMPARE(payload["tags"], json::array());
        JSON_COMPARE(payload["batches"], json::array());
    }

    void noConfigNoMappingAreNull()
    {
        RunRequest run;
        run.categorySchema = json::object(); // not a list: the hub sends null, as for "not mapped"
        const json payload = buildPluginPayload(run, asset(), context());
        QVERIFY(payload["configJSON"].is_null());
        QVERIFY(payload["categorySchema"].is_null());
        JSON_COMPARE(payload["workflow"], json(false));
    }
};

QTEST_GUILESS_MAIN(tst_RunPayload)
#include "tst_runpayload.moc"
