#include "callbacks/callbackfactory.h"
#include "callbacks/democallback.h"
#include "callbacks/functioncallback.h"
#include "jsoncompare.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <stdexcept>

using namespace ango::callbacks;
using ango::Result;
using nlohmann::json;

namespace {

struct Recorded
{
    QList<std::pair<LogLevel, QString>> lines;
    std::optional<Result<json>> result;
    int calls = 0;
};

Call makeCall(quint64 id, json request, Recorded &recorded)
{
    Call call;
    call.id = id;
    call.request = std::move(request);
    call.log = [&recorded](LogLevel level, const QString &line) {
        recorded.lines.append({level, line});
    };
    return call;
}

Callback::Done recorder(Recorded &recorded)
{
    return [&recorded](Result<json> result) {
        ++recorded.calls;
        recorded.result = std::move(result);
    };
}

} // namespace

// QCOMPARE cannot take nlohmann::json (its implicit conversions confuse QTest's overloads).

class tst_Callbacks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void levelNamesAreTheSdks();
    void demoReturnsTheSampleBoxWithTheFirstMappedClass();
    void demoOmitsSchemaIdWithoutMapping_data();
    void demoOmitsSchemaIdWithoutMapping();
    void demoLogsStartAndEnd();
    void demoDelayIsAsynchronousAndCancellable();
    void demoErrorAndFixedResultKnobs();
    void functionCallbackSyncAsyncAndThrowing();
    void factoryKnowsDemoAndNamesUnknownKinds();
    void factoryIsExtensible();
};

void tst_Callbacks::levelNamesAreTheSdks()
{
    QCOMPARE(levelName(LogLevel::Debug), QStringLiteral("DEBUG"));
    QCOMPARE(levelName(LogLevel::Info), QStringLiteral("INFO"));
    QCOMPARE(levelName(LogLevel::Warning), QStringLiteral("WARNING"));
    QCOMPARE(levelName(LogLevel::Error), QStringLiteral("ERROR"));
}

void tst_Callbacks::demoReturnsTheSampleBoxWithTheFirstMappedClass()
{
    DemoCallback demo;
    Recorded recorded;
    const json schema
        = json::array({{{"schemaId", "797ea755f5693c0dc902558"}, {"modelClass", "Vehicle"}},
                       {{"schemaId", "other"}, {"modelClass", "Person"}}});
    demo.invoke(makeCall(1, {{"session", "s"}, {"categorySchema", schema}}, recorded),
                recorder(recorded));
    QCOMPARE(recorded.calls, 1);
    QVERIFY(recorded.result->ok());
    const json expected
        = {{"objects",
            json::array({{{"bounding-box", {{"x", 20}, {"y", 30}, {"width", 50}, {"height", 60}}},
                          {"schemaId", "797ea755f5693c0dc902558"}}})},
           {"classifications", json::array()},
           {"relations", json::array()}};
    JSON_COMPARE(recorded.result->value(), expected);
}

void tst_Callbacks::demoOmitsSchemaIdWithoutMapping_data()
{
    QTest::addColumn<json>("request");
    QTest::newRow("null") << json{{"session", "s"}, {"categorySchema", nullptr}};
    QTest::newRow("absent") << json{{"session", "s"}};
    QTest::newRow("empty list") << json{{"session", "s"}, {"categorySchema", json::array()}};
}

void tst_Callbacks::demoOmitsSchemaIdWithoutMapping()
{
    QFETCH(json, request);
    DemoCallback demo;
    Recorded recorded;
    demo.invoke(makeCall(1, request, recorded), recorder(recorded));
    QVERIFY(recorded.result->ok());
    const json &object = recorded.result->value()["objects"][0];
    QVERIFY(!object.contains("schemaId"));
    JSON_COMPARE(object["bounding-box"]["width"], json(50));
}

void tst_Callbacks::demoLogsStartAndEnd()
{
    DemoCallback demo;
    Recorded recorded;
    demo.invoke(makeCall(1, {{"session", "s"}}, recorded), recorder(recorded));
    QCOMPARE(recorded.lines.size(), 2);
    QCOMPARE(recorded.lines.at(0).first, LogLevel::Info);
    QCOMPARE(recorded.lines.at(0).second, QStringLiteral("Plugin session is started!"));
    QCOMPARE(recorded.lines.at(1).second, QStringLiteral("Plugin session is ended!"));
}

void tst_Callbacks::demoDelayIsAsynchronousAndCancellable()
{
    DemoCallback demo;
    Recorded first;
    Recorded cancelled;
    Recorded later;
    auto delayed = [](int ms) {
        return json{{"session", "s"}, {"configJSON", json{{"demo", {{"delayMs", ms}}}}.dump()}};
    };
    demo.invoke(makeCall(1, delayed(20), first), recorder(first));
    demo.invoke(makeCall(2, delayed(20), cancelled), recorder(cancelled));
    QCOMPARE(first.calls, 0); // not before the delay
    demo.cancel(2);
    demo.invoke(makeCall(3, delayed(80), later), recorder(later));
    QTRY_COMPARE(first.calls, 1);
    QVERIFY(first.result->ok());
    // By the time a later, longer call completes, the cancelled one would have too.
    QTRY_COMPARE(later.calls, 1);
    QCOMPARE(cancelled.calls, 0);
}

void tst_Callbacks::demoErrorAndFixedResultKnobs()
{
    DemoCallback demo;
    Recorded failing;
    demo.invoke(
        makeCall(1, {{"session", "s"}, {"configJSON", R"({"demo": {"error": "model exploded"}})"}},
                 failing),
        recorder(failing));
    QVERIFY(!failing.result->ok());
    QCOMPARE(failing.result->error().message, QStringLiteral("model exploded"));

    Recorded fixed;
    demo.invoke(
        makeCall(2, {{"session", "s"}, {"configJSON", R"({"demo": {"result": [1, 2]}})"}}, fixed),
        recorder(fixed));
    QVERIFY(fixed.result->ok());
    JSON_COMPARE(fixed.result->value(), json({1, 2}));
}

void tst_Callbacks::functionCallbackSyncAsyncAndThrowing()
{
    FunctionCallback sync([](const Call &call) -> Result<json> {
        call.log(LogLevel::Warning, QStringLiteral("hello"));
        return json{{"echo", call.request["session"]}};
    });
    Recorded a;
    sync.invoke(makeCall(1, {{"session", "s1"}}, a), recorder(a));
    QCOMPARE(a.calls, 1);
    JSON_COMPARE(a.result->value(), (json{{"echo", "s1"}}));
    QCOMPARE(a.lines.size(), 1);

    FunctionCallback async(FunctionCallback::AsyncFunction([](Call call, Callback::Done done) {
        QTimer::singleShot(1, [call = std::move(call), done] { done(json(call.id)); });
    }));
    Recorded b;
    async.invoke(makeCall(7, {{"session", "s"}}, b), recorder(b));
    QCOMPARE(b.calls, 0);
    QTRY_COMPARE(b.calls, 1);
    JSON_COMPARE(b.result->value(), json(7));

    FunctionCallback throwing(
        [](const Call &) -> Result<json> { throw std::runtime_error("boom"); });
    Recorded c;
    throwing.invoke(makeCall(1, {{"session", "s"}}, c), recorder(c));
    QCOMPARE(c.calls, 1);
    QVERIFY(!c.result->ok());
    QVERIFY(c.result->error().message.contains(QStringLiteral("boom")));
}

void tst_Callbacks::factoryKnowsDemoAndNamesUnknownKinds()
{
    auto demo = createCallback(QStringLiteral("demo"));
    QVERIFY(demo);
    QVERIFY(qobject_cast<DemoCallback *>(demo->get()));

    auto unknown = createCallback(QStringLiteral("ruby:model.rb"));
    QVERIFY(!unknown);
    QVERIFY(unknown.error().message.contains(QStringLiteral("\"ruby\"")));
    QVERIFY(unknown.error().message.contains(QStringLiteral("demo")));

    QVERIFY(!createCallback(QStringLiteral("demo:extra")));
    QVERIFY(!createCallback(QString()));
}

void tst_Callbacks::factoryIsExtensible()
{
    QString seen;
    registerCallbackKind(QStringLiteral("test-kind"),
                         [&seen](const QString &argument,
                                 const QVariantMap &options) -> Result<std::unique_ptr<Callback>> {
                             seen = argument + QLatin1Char('|')
                                    + options.value(QStringLiteral("k")).toString();
                             return std::unique_ptr<Callback>(std::make_unique<DemoCallback>());
                         });
    QVERIFY(callbackKinds().contains(QStringLiteral("test-kind")));
    auto made = createCallback(QStringLiteral("test-kind:a:b"),
                               {{QStringLiteral("k"), QStringLiteral("v")}});
    QVERIFY(made);
    QCOMPARE(seen, QStringLiteral("a:b|v"));
}

QTEST_GUILESS_MAIN(tst_Callbacks)
#include "tst_callbacks.moc"
