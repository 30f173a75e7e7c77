#include "jsoncompare.h"
#include "runtime/pluginrequest.h"

#include <QTest>

using ango::runtime::isTruthy;
using ango::runtime::parsePluginRequest;
using nlohmann::json;

Q_DECLARE_METATYPE(json)

// QCOMPARE cannot take nlohmann::json (its implicit conversions confuse QTest's overloads).

class tst_PluginRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejected_data();
    void rejected();
    void typedFields();
    void numericSessionIsEchoedUnchanged();
    void tagsBecomeBatches_data();
    void tagsBecomeBatches();
    void unknownKeysAreKept();
    void configJson_data();
    void configJson();
    void invalidConfigJsonNamesThePosition_data();
    void invalidConfigJsonNamesThePosition();
    void categorySchema_data();
    void categorySchema();
    void workflowAndOverwrite_data();
    void workflowAndOverwrite();
    void workflowWithoutTaskIdIsAnError();
    void manyAndUnicodeClasses();
    void truthiness_data();
    void truthiness();
};

void tst_PluginRequest::rejected_data()
{
    QTest::addColumn<json>("payload");
    QTest::addColumn<QString>("reason");
    QTest::newRow("array") << json::array({1, 2})
                           << QStringLiteral("is a JSON array, not an object");
    QTest::newRow("string") << json("plugin") << QStringLiteral("is a JSON string, not an object");
    QTest::newRow("null") << json() << QStringLiteral("is a JSON null, not an object");
    QTest::newRow("number") << json(3) << QStringLiteral("is a JSON number, not an object");
    QTest::newRow("no session") << json{{"projectId", "p"}} << QStringLiteral("has no \"session\"");
    QTest::newRow("null session") << json{{"session", nullptr}}
                                  << QStringLiteral("has no \"session\"");
    QTest::newRow("empty session")
        << json{{"session", ""}} << QStringLiteral("\"session\" is empty");
    QTest::newRow("object session") << json{{"session", {{"a", 1}}}}
                                    << QStringLiteral("\"session\" is a JSON object, not a string");
}

void tst_PluginRequest::rejected()
{
    QFETCH(json, payload);
    QFETCH(QString, reason);
    const auto request = parsePluginRequest(payload);
    QVERIFY(!request);
    QVERIFY2(request.error().message.contains(reason), qPrintable(request.error().message));
}

void tst_PluginRequest::typedFields()
{
    const json payload
        = {{"projectId", "p1"},
           {"categorySchema", json::array({{{"schemaId", "s1"}, {"modelClass", "car"}}})},
           {"assetId", "a1"},
           {"dataURL", "https://x/y.png"},
           {"apiKey", "key-123456789"},
           {"orgId", "o1"},
           {"runBy", "u1"},
           {"session", "sess-1"},
           {"configJSON", "{\"threshold\": 0.5}"},
           {"workflow", false},
           {"taskId", "t1"},
           {"overwrite", false}};
    const auto request = parsePluginRequest(payload);
    QVERIFY(request);
    QCOMPARE(request->session, QStringLiteral("sess-1"));
    QCOMPARE(request->projectId, QStringLiteral("p1"));
    QCOMPARE(request->assetId, QStringLiteral("a1"));
    QCOMPARE(request->dataUrl, QStringLiteral("https://x/y.png"));
    QCOMPARE(request->apiKey, QStringLiteral("key-123456789"));
    QCOMPARE(request->orgId, QStringLiteral("o1"));
    QCOMPARE(request->runBy, QStringLiteral("u1"));
    QCOMPARE(request->taskId, QStringLiteral("t1"));
    QCOMPARE(request->workflow, false);
    QCOMPARE(request->overwrite, false);
    QCOMPARE(int(request->categorySchema.size()), 1);
    QVERIFY(request->config.has_value());
    QCOMPARE((*request->config)["threshold"].get<double>(), 0.5);
    QVERIFY(request->errors.isEmpty());
    QVERIFY(request->warnings.isEmpty());
    // The callback's payload is the original, configJSON still a string, plus batches.
    JSON_COMPARE(request->payload["configJSON"], payload["configJSON"]);
    JSON_COMPARE(request->payload["batches"], json::array());
}

void tst_PluginRequest::numericSessionIsEchoedUnchanged()
{
    const auto request = parsePluginRequest(json{{"session", 42}});
    QVERIFY(request);
    QCOMPARE(request->session, QStringLiteral("42"));
    JSON_COMPARE(request->sessionValue, json(42));
}

void tst_PluginRequest::tagsBecomeBatches_data()
{
    QTest::addColumn<json>("payload");
    QTest::addColumn<json>("batches");
    QTest::newRow("tags only") << json{{"session", "s"}, {"tags", {"b1", "b2"}}}
                               << json{"b1", "b2"};
    QTest::newRow("batches only") << json{{"session", "s"}, {"batches", {"b3"}}} << json{"b3"};
    QTest::newRow("both: batches win")
        << json{{"session", "s"}, {"tags", {"t"}}, {"batches", {"b"}}} << json{"b"};
    QTest::newRow("neither") << json{{"session", "s"}} << json::array();
    QTest::newRow("null batches, tags")
        << json{{"session", "s"}, {"batches", nullptr}, {"tags", {"t"}}} << json{"t"};
}

void tst_PluginRequest::tagsBecomeBatches()
{
    QFETCH(json, payload);
    QFETCH(json, batches);
    const auto request = parsePluginRequest(payload);
    QVERIFY(request);
    JSON_COMPARE(request->batches, batches);
    JSON_COMPARE(request->payload["batches"], batches);
}

void tst_PluginRequest::unknownKeysAreKept()
{
    const json payload = {
        {"session", "s"}, {"labeltask", {{"_id", "x"}}}, {"stage", "Plugin"}, {"custom", {1, 2}}};
    const auto request = parsePluginRequest(payload);
    QVERIFY(request);
    JSON_COMPARE(request->payload["labeltask"], payload["labeltask"]);
    JSON_COMPARE(request->payload["stage"], payload["stage"]);
    JSON_COMPARE(request->payload["custom"], payload["custom"]);
}

void tst_PluginRequest::configJson_data()
{
    QTest::addColumn<json>("configJSON");
    QTest::addColumn<bool>("hasConfig");
    QTest::addColumn<json>("config");
    QTest::newRow("object text") << json("{\"a\": [1, 2]}") << true << json{{"a", {1, 2}}};
    QTest::newRow("number text") << json("3") << true << json(3);
    QTest::newRow("empty string") << json("") << false << json();
    QTest::newRow("null") << json() << false << json();
    QTest::newRow("already an object") << json{{"a", 1}} << true << json{{"a", 1}};
}

void tst_PluginRequest::configJson()
{
    QFETCH(json, configJSON);
    QFETCH(bool, hasConfig);
    QFETCH(json, config);
    const auto request = parsePluginRequest(json{{"session", "s"}, {"configJSON", configJSON}});
    QVERIFY(request);
    QVERIFY(request->errors.isEmpty());
    QCOMPARE(request->config.has_value(), hasConfig);
    if (hasConfig)
        JSON_COMPARE(*request->config, config);
}

void tst_PluginRequest::invalidConfigJsonNamesThePosition_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("position");
    QTest::newRow("bad literal")
        << QStringLiteral("{\"a\": tru}")
        << QStringLiteral("line 1, column 10 (character 10)"); // where the reader stopped
    QTest::newRow("second line") << QStringLiteral("{\n  \"a\": 1,\n  oops\n}")
                                 << QStringLiteral("line 3, column 3 (character 15)");
    // Columns count characters, not UTF-8 bytes.
    QTest::newRow("after unicode")
        << QStringLiteral("{\"名前\": x}") << QStringLiteral("line 1, column 8 (character 8)");
    QTest::newRow("truncated") << QStringLiteral("{\"a\": 1")
                               << QStringLiteral("line 1, column 8 (character 8)");
    QTest::newRow("whitespace only")
        << QStringLiteral("   ") << QStringLiteral("line 1, column 4 (character 4)");
}

void tst_PluginRequest::invalidConfigJsonNamesThePosition()
{
    QFETCH(QString, text);
    QFETCH(QString, position);
    const auto request
        = parsePluginRequest(json{{"session", "s"}, {"configJSON", text.toStdString()}});
    QVERIFY(request); // answerable: the error goes back with the session
    QCOMPARE(request->errors.size(), 1);
    const QString error = request->errors.constFirst();
    QVERIFY2(error.startsWith(QStringLiteral("configJSON is not valid JSON at ")),
             qPrintable(error));
    QVERIFY2(error.contains(position), qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral("json.exception")), qPrintable(error));
}

void tst_PluginRequest::categorySchema_data()
{
    QTest::addColumn<json>("payload");
    QTest::addColumn<json>("schema");
    QTest::addColumn<int>("warnings");
    const json list = json::array({{{"schemaId", "s"}, {"modelClass", "c"}}});
    QTest::newRow("list") << json{{"session", "s"}, {"categorySchema", list}} << list << 0;
    QTest::newRow("null") << json{{"session", "s"}, {"categorySchema", nullptr}} << json() << 0;
    QTest::newRow("absent") << json{{"session", "s"}} << json() << 0;
    QTest::newRow("string") << json{{"session", "s"}, {"categorySchema", "car"}} << json() << 1;
}

void tst_PluginRequest::categorySchema()
{
    QFETCH(json, payload);
    QFETCH(json, schema);
    QFETCH(int, warnings);
    const auto request = parsePluginRequest(payload);
    QVERIFY(request);
    JSON_COMPARE(request->categorySchema, schema);
    QCOMPARE(request->warnings.size(), warnings);
    QVERIFY(request->errors.isEmpty());
}

void tst_PluginRequest::workflowAndOverwrite_data()
{
    QTest::addColumn<json>("workflow");
    QTest::addColumn<bool>("isWorkflow");
    QTest::newRow("true") << json(true) << true;
    QTest::newRow("false") << json(false) << false;
    QTest::newRow("1") << json(1) << true;
    QTest::newRow("0") << json(0) << false;
    QTest::newRow("\"true\"") << json("true") << true;
    QTest::newRow("\"\"") << json("") << false;
    QTest::newRow("null") << json() << false;
}

void tst_PluginRequest::workflowAndOverwrite()
{
    QFETCH(json, workflow);
    QFETCH(bool, isWorkflow);
    const auto request
        = parsePluginRequest(json{{"session", "s"}, {"workflow", workflow}, {"taskId", "t"}});
    QVERIFY(request);
    QCOMPARE(request->workflow, isWorkflow);
    QCOMPARE(request->overwrite, true); // the newest SDK's default
}

void tst_PluginRequest::workflowWithoutTaskIdIsAnError()
{
    const auto request = parsePluginRequest(json{{"session", "s"}, {"workflow", true}});
    QVERIFY(request);
    QCOMPARE(request->errors.size(), 1);
    QVERIFY(request->errors.constFirst().contains(QStringLiteral("taskId")));
}

void tst_PluginRequest::manyAndUnicodeClasses()
{
    json schema = json::array();
    for (int i = 0; i < 2000; ++i)
        schema.push_back({{"schemaId", "id" + std::to_string(i)},
                          {"modelClass", "класс 車 🚗 " + std::to_string(i)}});
    const auto request = parsePluginRequest(json{{"session", "s"}, {"categorySchema", schema}});
    QVERIFY(request);
    QCOMPARE(int(request->categorySchema.size()), 2000);
    QCOMPARE(request->categorySchema[1999]["modelClass"].get<std::string>(),
             std::string("класс 車 🚗 1999"));
}

void tst_PluginRequest::truthiness_data()
{
    QTest::addColumn<json>("value");
    QTest::addColumn<bool>("truthy");
    QTest::newRow("null") << json() << false;
    QTest::newRow("false") << json(false) << false;
    QTest::newRow("0.0") << json(0.0) << false;
    QTest::newRow("0.5") << json(0.5) << true;
    QTest::newRow("-1") << json(-1) << true;
    QTest::newRow("empty list") << json::array() << false;
    QTest::newRow("list") << json{0} << true;
    QTest::newRow("empty object") << json::object() << false;
    QTest::newRow("\"false\"") << json("false") << true; // Python: a non-empty string
}

void tst_PluginRequest::truthiness()
{
    QFETCH(json, value);
    QFETCH(bool, truthy);
    QCOMPARE(isTruthy(value), truthy);
}

QTEST_GUILESS_MAIN(tst_PluginRequest)
#include "tst_pluginrequest.moc"
