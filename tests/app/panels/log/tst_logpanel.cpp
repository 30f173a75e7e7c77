#include "callbacks/functioncallback.h"
#include "panels/log/compactjson.h"
#include "panels/log/logdetail.h"
#include "panels/log/logexporter.h"
#include "panels/log/logfiltermodel.h"
#include "panels/log/logmodel.h"
#include "panels/log/logpanel.h"
#include "panels/log/logview.h"
#include "panels/log/requesttimeline.h"
#include "panels/log/textmatcher.h"
#include "runtime/pluginruntime.h"
#include "runtime/runregistry.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ango::app;
using ango::logging::Level;
using ango::logging::LogEntry;
using nlohmann::json;

// QCOMPARE cannot take nlohmann::json (its converting operator makes the qfloat16 overload
// ambiguous); compare the compact text instead (keys are sorted, so it is canonical).
#define QCOMPARE_JSON(actual, expected)                                                            \
    QCOMPARE(QString::fromStdString((actual).dump()), QString::fromStdString((expected).dump()))

namespace {

LogEntry makeEntry(quint64 id, const QString &message, const QString &session = {},
                   const QString &kind = {}, const QString &status = {}, Level level = Level::Info)
{
    LogEntry entry;
    entry.id = id;
    entry.time = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + qint64(id) * 7, Qt::UTC);
    entry.level = level;
    entry.category = QStringLiteral("hub");
    entry.direction = id % 2 ? QStringLiteral("in") : QStringLiteral("out");
    entry.kind = kind;
    entry.session = session;
    entry.status = status;
    entry.durationMs = qint64(id);
    entry.sizeBytes = qint64(id) * 10;
    entry.message = message;
    return entry;
}

QList<LogEntry> numbered(quint64 first, int count)
{
    QList<LogEntry> entries;
    for (int i = 0; i < count; ++i) {
        const quint64 id = first + quint64(i);
        entries.append(makeEntry(id, QStringLiteral("m%1").arg(id)));
    }
    return entries;
}

QStringList messages(const QAbstractItemModel &model)
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row)
        texts << model.index(row, LogModel::MessageColumn).data().toString();
    return texts;
}

} // namespace

class tst_LogPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compactJsonEqualsDump_data();
    void compactJsonEqualsDump();
    void storeKeepsEveryField();
    void ringBufferEvictsOldest();
    void batchLargerThanCapacityKeepsNewest();
    void stringPoolStaysBounded();
    void singleAppendsAreCoalesced();
    void textMatcher_data();
    void textMatcher();
    void filterByTextKindStatusAndLevel();
    void filterFollowsAppendsAndEvictions();
    void filterFromTheFilterBar();
    void modelsPassTester();
    void detailIsPrettyAndRedacted();
    void detailPaneShowsSelectedEntry();
    void messageIsVisibleWithoutScrolling();
    void requestStepOf_data();
    void requestStepOf();
    void timelineGroupsSessionAndFollowsIt();
    void exportAllAsJsonLines();
    void exportSelected();
    void replayEmitsRecordedPayload();
    void autoScrollOnlyAtBottom();
};

void tst_LogPanel::compactJsonEqualsDump_data()
{
    QTest::addColumn<QByteArray>("jsonText");
    QTest::newRow("scalars") << QByteArray(
        R"([null, true, false, 0, -7, 18446744073709551615, "x"])");
    QTest::newRow("floats") << QByteArray(R"([1.0, -0.5, 1e100, 3.141592653589793, 1e-7])");
    QTest::newRow("nested") << QByteArray(R"({"b": {"c": [], "a": {}}, "a": [[1], {"z": null}]})");
    QTest::newRow("escapes") << QByteArray(R"({"q\"uote": "back\\slash\n\t\u0001 /"})");
    QTest::newRow("unicode") << QByteArray(R"({"ключ": "значение 😀", "e": "\u00e9"})");
    QTest::newRow("request") << QByteArray(R"({"apiKey": "***abcd", "categorySchema": null,
        "dataURL": "https://x/y.jpg?sig=a%2Fb", "configJSON": "{\"t\": 0.5}", "batches": []})");
}

void tst_LogPanel::compactJsonEqualsDump()
{
    QFETCH(QByteArray, jsonText);
    const json value = json::parse(jsonText.toStdString());
    std::string out = "prefix:";
    appendCompactJson(out, value);
    QCOMPARE(QString::fromStdString(out), QString::fromStdString("prefix:" + value.dump()));
}

void tst_LogPanel::storeKeepsEveryField()
{
    LogModel model(10);
    LogEntry entry = makeEntry(42, QStringLiteral("héllo\nsecond line"), QStringLiteral("s1"),
                               QStringLiteral("plugin"), QStringLiteral("200"), Level::Warning);
    entry.detail = json::parse(R"({"b": [1, 2.5, "x"], "a": {"nested": null}})");
    LogEntry bare;
    bare.message = QStringLiteral("no time, no detail");
    model.appendBatch(QList<LogEntry>{entry, bare});

    const LogEntry back = model.entry(0);
    QCOMPARE(back.id, entry.id);
    QCOMPARE(back.time, entry.time);
    QCOMPARE(back.level, entry.level);
    QCOMPARE(back.category, entry.category);
    QCOMPARE(back.direction, entry.direction);
    QCOMPARE(back.kind, entry.kind);
    QCOMPARE(back.session, entry.session);
    QCOMPARE(back.status, entry.status);
    QCOMPARE(back.durationMs, entry.durationMs);
    QCOMPARE(back.sizeBytes, entry.sizeBytes);
    QCOMPARE(back.message, entry.message);
    QCOMPARE_JSON(back.detail, entry.detail);

    // Bytes that are not UTF-8 (from a plugin) are stored replaced, not thrown.
    LogEntry broken;
    broken.detail = json{{"text", std::string("ok \xff\xfe end")}};
    model.appendBatch(QList<LogEntry>{broken});
    QCOMPARE(QString::fromStdString(model.entry(2).detail.at("text").get<std::string>()),
             QStringLiteral("ok \uFFFD\uFFFD end"));

    const LogEntry second = model.entry(1);
    QVERIFY(!second.time.isValid());
    QVERIFY(second.detail.is_null());
    QCOMPARE(second.durationMs, -1);
    QCOMPARE(second.message, bare.message);

    // The table shows one line of the message; the detail pane the rest.
    QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(), QStringLiteral("héllo …"));
    QCOMPARE(model.index(0, LogModel::DirectionColumn).data().toString(), QStringLiteral("← out"));
    QCOMPARE(model.index(0, LogModel::SessionColumn).data().toString(), QStringLiteral("s1"));
    QCOMPARE(model.index(0, 0).data(LogModel::DetailJsonRole).toByteArray(),
             QByteArray::fromStdString(entry.detail.dump()));
}

void tst_LogPanel::ringBufferEvictsOldest()
{
    LogModel model(5);
    QSignalSpy aboutToRemove(&model, &QAbstractItemModel::rowsAboutToBeRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.appendBatch(numbered(1, 3));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.last().at(1).toInt(), 0);
    QCOMPARE(inserted.last().at(2).toInt(), 2);
    QCOMPARE(aboutToRemove.count(), 0);
    const quint64 firstSeq = model.seqOfRow(0);

    model.appendBatch(numbered(4, 4));
    QCOMPARE(aboutToRemove.count(), 1);
    QCOMPARE(aboutToRemove.last().at(1).toInt(), 0);
    QCOMPARE(aboutToRemove.last().at(2).toInt(), 1);
    QCOMPARE(inserted.last().at(1).toInt(), 1);
    QCOMPARE(inserted.last().at(2).toInt(), 4);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(messages(model),
             (QStringList{QStringLiteral("m3"), QStringLiteral("m4"), QStringLiteral("m5"),
                          QStringLiteral("m6"), QStringLiteral("m7")}));
    QCOMPARE(model.rowOfSeq(firstSeq), -1);
    QCOMPARE(model.rowOfSeq(firstSeq + 2), 0);

    // Wrapping around the ring many times keeps the order.
    for (int i = 0; i < 7; ++i)
        model.appendBatch(numbered(8 + quint64(i) * 3, 3)); // 8 ... 28
    QCOMPARE(messages(model),
             (QStringList{QStringLiteral("m24"), QStringLiteral("m25"), QStringLiteral("m26"),
                          QStringLiteral("m27"), QStringLiteral("m28")}));
    QCOMPARE(model.entry(4).id, quint64(28));

    model.setCapacity(2);
    QCOMPARE(messages(model), (QStringList{QStringLiteral("m27"), QStringLiteral("m28")}));
    model.setCapacity(4);
    model.appendBatch(numbered(29, 3));
    QCOMPARE(messages(model), (QStringList{QStringLiteral("m28"), QStringLiteral("m29"),
                                           QStringLiteral("m30"), QStringLiteral("m31")}));
}

void tst_LogPanel::batchLargerThanCapacityKeepsNewest()
{
    LogModel model(5);
    model.appendBatch(numbered(1, 3));
    QSignalSpy aboutToRemove(&model, &QAbstractItemModel::rowsAboutToBeRemoved);
    model.appendBatch(numbered(100, 12));
    QCOMPARE(aboutToRemove.count(), 1);
    QCOMPARE(aboutToRemove.last().at(2).toInt(), 2); // all three old rows
    QCOMPARE(messages(model),
             (QStringList{QStringLiteral("m107"), QStringLiteral("m108"), QStringLiteral("m109"),
                          QStringLiteral("m110"), QStringLiteral("m111")}));
}

void tst_LogPanel::stringPoolStaysBounded()
{
    LogModel model(10);
    for (int batch = 0; batch < 2000; ++batch) {
        QList<LogEntry> entries;
        for (int i = 0; i < 10; ++i) {
            const quint64 id = quint64(batch) * 10 + quint64(i);
            entries.append(makeEntry(id, QStringLiteral("m"), QStringLiteral("session-%1").arg(id),
                                     QStringLiteral("plugin"),
                                     QStringLiteral("status-%1").arg(id)));
        }
        model.appendBatch(entries);
    }
    // 20,000 distinct statuses went through the pool; only the last 10 are alive.
    QVERIFY2(model.store().poolSize() < 2 * 4096 + 100,
             qPrintable(QString::number(model.store().poolSize())));
    QVERIFY(model.store().poolGeneration() > 0);
    for (int row = 0; row < 10; ++row) {
        QCOMPARE(model.index(row, LogModel::SessionColumn).data().toString(),
                 QStringLiteral("session-%1").arg(19990 + row));
        QCOMPARE(model.index(row, LogModel::StatusColumn).data().toString(),
                 QStringLiteral("status-%1").arg(19990 + row));
        QCOMPARE(model.index(row, LogModel::KindColumn).data().toString(),
                 QStringLiteral("plugin"));
    }
}

void tst_LogPanel::singleAppendsAreCoalesced()
{
    LogModel model(100);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (const LogEntry &entry : numbered(1, 3))
        model.append(entry);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pendingCount(), 3);
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.count(), 1);

    // A batch keeps the order after pending single entries.
    model.append(makeEntry(4, QStringLiteral("m4")));
    model.appendBatch(numbered(5, 1));
    QCOMPARE(messages(model).mid(3), (QStringList{QStringLiteral("m4"), QStringLiteral("m5")}));
}

void tst_LogPanel::textMatcher_data()
{
    QTest::addColumn<QString>("needle");
    QTest::addColumn<QString>("haystack");
    QTest::addColumn<bool>("matches");
    QTest::newRow("empty needle") << QString() << QStringLiteral("x") << true;
    QTest::newRow("case") << QStringLiteral("ErRoR") << QStringLiteral("an error here") << true;
    QTest::newRow("at start") << QStringLiteral("abc") << QStringLiteral("ABCdef") << true;
    QTest::newRow("at end") << QStringLiteral("def") << QStringLiteral("abcDEF") << true;
    QTest::newRow("absent") << QStringLiteral("abd") << QStringLiteral("abcabcab") << false;
    QTest::newRow("longer than text") << QStringLiteral("abcdef") << QStringLiteral("abc") << false;
    QTest::newRow("repeats") << QStringLiteral("aab") << QStringLiteral("aaaaab") << true;
    QTest::newRow("after non-ASCII") << QStringLiteral("id") << QStringLiteral("ünï ID") << true;
    QTest::newRow("non-ASCII needle")
        << QStringLiteral("ÜNÏ") << QStringLiteral("x ünïcode") << true;
    QTest::newRow("non-ASCII absent") << QStringLiteral("ß") << QStringLiteral("ss") << false;
}

void tst_LogPanel::textMatcher()
{
    QFETCH(QString, needle);
    QFETCH(QString, haystack);
    QFETCH(bool, matches);
    const TextMatcher matcher(needle);
    QCOMPARE(matcher.matches(QByteArrayView(haystack.toUtf8())), matches);
    QCOMPARE(matcher.matches(haystack), matches);
}

void tst_LogPanel::filterByTextKindStatusAndLevel()
{
    LogModel model(100);
    LogEntry withDetail = makeEntry(1, QStringLiteral("payload"), QStringLiteral("s1"),
                                    QStringLiteral("plugin"), QString(), Level::Debug);
    withDetail.detail = json{{"assetId", "ASSET-77"}};
    model.appendBatch(QList<LogEntry>{
        withDetail,
        makeEntry(2, QStringLiteral("Connected to hub"), {}, QStringLiteral("connect"),
                  QStringLiteral("ok")),
        makeEntry(3, QStringLiteral("response"), QStringLiteral("s1"), QStringLiteral("response"),
                  QStringLiteral("200")),
        makeEntry(4, QStringLiteral("callback failed"), QStringLiteral("s2"),
                  QStringLiteral("callback"), QStringLiteral("failed"), Level::Error),
        makeEntry(5, QStringLiteral("GET /v2/project"), QStringLiteral("s2"), QStringLiteral("GET"),
                  QStringLiteral("404"), Level::Warning),
    });
    LogFilterModel filter;
    filter.setSourceModel(&model);
    auto ids = [&] {
        QList<quint64> list;
        for (int row = 0; row < filter.rowCount(); ++row)
            list << filter.index(row, 0).data(LogModel::EntryIdRole).toULongLong();
        return list;
    };
    QCOMPARE(ids(), (QList<quint64>{1, 2, 3, 4, 5}));

    filter.setFilterText(QStringLiteral("CONNECTED TO"));
    QCOMPARE(ids(), (QList<quint64>{2}));
    filter.setFilterText(QStringLiteral("asset-77")); // only in the detail JSON
    QCOMPARE(ids(), (QList<quint64>{1}));
    filter.setFilterText(QStringLiteral("s2")); // session
    QCOMPARE(ids(), (QList<quint64>{4, 5}));
    filter.setFilterText(QStringLiteral("404")); // status
    QCOMPARE(ids(), (QList<quint64>{5}));
    filter.setFilterText(QString());

    filter.setKinds({QStringLiteral("response"), QStringLiteral("GET")});
    QCOMPARE(ids(), (QList<quint64>{3, 5}));
    filter.setStatuses({QStringLiteral("404")});
    QCOMPARE(ids(), (QList<quint64>{5}));
    filter.setKinds({});
    filter.setStatuses({QStringLiteral("failed"), QStringLiteral("ok")});
    QCOMPARE(ids(), (QList<quint64>{2, 4}));
    filter.setStatuses({});

    filter.setMinimumLevel(Level::Warning);
    QCOMPARE(ids(), (QList<quint64>{4, 5}));
    filter.setMinimumLevel(Level::Info);
    QCOMPARE(ids(), (QList<quint64>{2, 3, 4, 5}));
    filter.setSession(QStringLiteral("s1"));
    QCOMPARE(ids(), (QList<quint64>{3}));
    filter.setFilter({});
    QCOMPARE(filter.rowCount(), 5);

    // Indexes map both ways.
    const QModelIndex source = model.index(3, LogModel::MessageColumn);
    filter.setMinimumLevel(Level::Warning);
    const QModelIndex proxy = filter.mapFromSource(source);
    QCOMPARE(proxy.row(), 0);
    QCOMPARE(filter.mapToSource(proxy), source);
    QVERIFY(!filter.mapFromSource(model.index(0, 0)).isValid());
}

void tst_LogPanel::filterFollowsAppendsAndEvictions()
{
    LogModel model(10);
    LogFilterModel filter;
    filter.setSourceModel(&model);
    filter.setFilterText(QStringLiteral("even"));
    QSignalSpy inserted(&filter, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&filter, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&filter, &QAbstractItemModel::modelReset);

    auto batch = [](quint64 first, int count) {
        QList<LogEntry> entries;
        for (int i = 0; i < count; ++i) {
            const quint64 id = first + quint64(i);
            entries.append(
                makeEntry(id, QStringLiteral("%1 %2")
                                  .arg(id % 2 ? QStringLiteral("odd") : QStringLiteral("even"))
                                  .arg(id)));
        }
        return entries;
    };
    model.appendBatch(batch(1, 6)); // evens: 2 4 6
    QCOMPARE(filter.rowCount(), 3);
    QCOMPARE(inserted.count(), 1);
    model.appendBatch(batch(7, 3)); // 8
    QCOMPARE(filter.rowCount(), 4);
    model.appendBatch(batch(10, 5)); // evicts 1..4 (evens 2, 4); adds 10, 12, 14
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.last().at(1).toInt(), 0);
    QCOMPARE(removed.last().at(2).toInt(), 1);
    QCOMPARE(reset.count(), 0); // no full refilter for appends and evictions
    QStringList expected;
    for (int id : {6, 8, 10, 12, 14})
        expected << QStringLiteral("even %1").arg(id);
    QCOMPARE(messages(filter), expected);

    // An eviction of only rejected rows changes nothing in the proxy.
    const qsizetype removals = removed.count();
    model.appendBatch(batch(15, 1)); // evicts 5 (odd), adds 15 (odd)
    QCOMPARE(removed.count(), removals);
    QCOMPARE(messages(filter), expected);
}

void tst_LogPanel::filterFromTheFilterBar()
{
    LogPanel panel;
    panel.appendBatch({makeEntry(1, QStringLiteral("alpha")), makeEntry(2, QStringLiteral("beta")),
                       makeEntry(3, QStringLiteral("Alphabet"))});
    QTest::keyClicks(panel.filterEdit(), QStringLiteral("alpha"));
    QTRY_COMPARE(panel.filterModel()->rowCount(), 2);
    QCOMPARE(panel.filterModel()->filter().text, QStringLiteral("alpha"));
}

void tst_LogPanel::modelsPassTester()
{
    LogModel model(20);
    LogFilterModel filter;
    filter.setSourceModel(&model);
    RequestTimelineModel timeline;
    QAbstractItemModelTester logTester(&model,
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(&filter,
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester timelineTester(&timeline,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);

    filter.setFilterText(QStringLiteral("3"));
    for (int i = 0; i < 10; ++i)
        model.appendBatch(numbered(quint64(i) * 7, 7)); // wraps and evicts
    filter.setMinimumLevel(Level::Info);
    filter.setFilter({});
    model.append(makeEntry(1000, QStringLiteral("single")));
    model.flush();
    model.setCapacity(5);
    model.clear();
    model.appendBatch(numbered(1, 3));

    QList<std::pair<quint64, LogEntry>> entries;
    for (const LogEntry &entry : numbered(1, 3))
        entries.append({entry.id, entry});
    timeline.setSession(QStringLiteral("s"), entries);
    timeline.clear();
}

void tst_LogPanel::detailIsPrettyAndRedacted()
{
    ango::logging::Redactor redactor;
    redactor.addSecret(QStringLiteral("hunter2-secret-value"));
    const json detail = json::parse(R"({"apiKey": "k-1234567890", "projectId": "p1",
        "note": "uses hunter2-secret-value inside", "nested": {"token": "abcdef"}})");
    const QString text = logDetailJsonText(detail, redactor);
    QVERIFY2(!text.contains(QStringLiteral("k-1234567890")), qPrintable(text));
    QVERIFY(!text.contains(QStringLiteral("hunter2-secret-value")));
    QVERIFY(!text.contains(QStringLiteral("abcdef")));
    QVERIFY(text.contains(QStringLiteral("\n  \"projectId\": \"p1\"")));
    QVERIFY(logDetailJsonText(nullptr, redactor).isEmpty());

    LogEntry entry = makeEntry(7, QStringLiteral("sent hunter2-secret-value"), QStringLiteral("s9"),
                               QStringLiteral("plugin"), QStringLiteral("200"));
    const QString header = logDetailHeaderText(entry, redactor);
    QVERIFY(header.contains(QStringLiteral("Session   s9")));
    QVERIFY(header.contains(QStringLiteral("Status    200")));
    QVERIFY(header.contains(QStringLiteral("Duration  7 ms")));
    QVERIFY(!header.contains(QStringLiteral("hunter2-secret-value")));
}

void tst_LogPanel::detailPaneShowsSelectedEntry()
{
    LogPanel panel;
    LogEntry entry = makeEntry(1, QStringLiteral("plugin payload"), QStringLiteral("s1"),
                               QStringLiteral("plugin"));
    entry.detail = json::parse(R"({"apiKey": "k-1234567890", "assetId": "a-1"})");
    panel.appendBatch({makeEntry(0, QStringLiteral("first")), entry});
    panel.view()->setCurrentIndex(panel.filterModel()->index(1, 0));
    const QString json = panel.detailView()->jsonText();
    QVERIFY(json.contains(QStringLiteral("\"assetId\": \"a-1\"")));
    QVERIFY2(!json.contains(QStringLiteral("k-1234567890")), qPrintable(json));
    QVERIFY(panel.detailView()->headerText().contains(QStringLiteral("plugin payload")));
    panel.view()->setCurrentIndex(panel.filterModel()->index(0, 0));
    QVERIFY(panel.detailView()->jsonText().isEmpty());
}

void tst_LogPanel::messageIsVisibleWithoutScrolling()
{
    LogPanel panel;
    panel.resize(1000, 300);
    panel.appendBatch({makeEntry(0, QStringLiteral("the callback returned 3 objects"))});
    panel.model()->flush();
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const LogView *view = panel.view();
    // About the log's width in a 1920-px window: the message column starts inside the view and
    // shows at least 150 px of the message before any scrolling.
    const int start = view->columnViewportPosition(LogModel::MessageColumn);
    QVERIFY2(
        start >= 0 && start + 150 <= view->viewport()->width(),
        qPrintable(
            QStringLiteral("message at %1 of %2 px").arg(start).arg(view->viewport()->width())));
}

void tst_LogPanel::requestStepOf_data()
{
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("direction");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("step");
    const auto row = [](const char *name, const char *category, const char *direction,
                        const char *kind, const char *message, RequestStep step) {
        QTest::newRow(name) << QString::fromUtf8(category) << QString::fromUtf8(direction)
                            << QString::fromUtf8(kind) << QString::fromUtf8(message) << int(step);
    };
    // Steps come from the runs' typed stages: log text never decides one.
    row("log copy of a stage", "request", "", "delivered", "", RequestStep::Other);
    row("plugin event in", "hub", "in", "plugin", "plugin payload", RequestStep::Other);
    row("author's logger", "plugin", "", "", "Plugin session is started!", RequestStep::Callback);
    row("callback stdout", "callback", "", "stdout", "print", RequestStep::Callback);
    row("result problem", "runtime", "", "", "result problem at objects[0]: x", RequestStep::Other);
    row("response out", "hub", "out", "response", "response", RequestStep::Other);
    row("held line", "runtime", "", "", "result held for review (p1)", RequestStep::Other);
    row("heartbeat", "hub", "out", "heartbeat", "heartbeat", RequestStep::Other);
}

void tst_LogPanel::requestStepOf()
{
    QFETCH(QString, category);
    QFETCH(QString, direction);
    QFETCH(QString, kind);
    QFETCH(QString, message);
    LogEntry entry;
    entry.category = category;
    entry.direction = direction;
    entry.kind = kind;
    entry.message = message;
    QTEST(int(ango::app::requestStepOf(entry)), "step");
}

void tst_LogPanel::timelineGroupsSessionAndFollowsIt()
{
    // A run through the real runtime (no hub: a local run), its stages kept by the registry.
    ango::callbacks::FunctionCallback callback([](const ango::callbacks::Call &) {
        return ango::Result<nlohmann::json>(nlohmann::json{{"objects", nlohmann::json::array()}});
    });
    ango::runtime::RuntimeOptions options;
    options.hubUrl = QUrl(QStringLiteral("http://127.0.0.1:9")); // never started
    ango::runtime::PluginRuntime runtime(options, &callback);
    ango::runtime::RunRegistry runs;
    runs.observe(&runtime);
    LogPanel panel;
    RequestTimelineModel *timeline = panel.timelineModel();
    timeline->setRunRegistry(&runs);
    QAbstractItemModelTester tester(timeline,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    connect(&runtime, &ango::runtime::PluginRuntime::logged, &panel, &LogPanel::append);

    // Log lines that look like stages do not make steps: only typed stages do.
    LogEntry fake = makeEntry(1, QStringLiteral("result held for review (p1)"),
                              QStringLiteral("s1"), QStringLiteral("delivered"));
    fake.category = QStringLiteral("request");
    LogEntry plugin
        = makeEntry(2, QStringLiteral("hello"), QStringLiteral("s1"), QStringLiteral("log"));
    plugin.category = QStringLiteral("plugin");
    panel.appendBatch({fake, plugin});
    panel.model()->flush();
    panel.view()->setCurrentIndex(panel.filterModel()->index(1, 0));
    QCOMPARE(timeline->session(), QStringLiteral("s1"));
    QCOMPARE(timeline->rowCount(), 1); // the plugin line; the log's stage copy is left out
    using State = RequestTimelineModel::StepState;
    QCOMPARE(timeline->stepState(RequestStep::Callback), State::Reached);
    QCOMPARE(timeline->stepState(RequestStep::Delivery), State::NotReached);

    // The run of the session arrives: its stages follow as they happen, typed and in order.
    QSignalSpy stepsChanged(timeline, &RequestTimelineModel::stepsChanged);
    QSignalSpy finished(&runs, &ango::runtime::RunRegistry::localRunFinished);
    runs.startLocal({{"session", "s1"}, {"categorySchema", nullptr}});
    QTRY_COMPARE(finished.count(), 1);
    for (RequestStep step : kRequestSteps)
        QVERIFY2(timeline->stepState(step) == State::Reached, qPrintable(requestStepName(step)));
    QStringList kinds;
    for (int row = 0; row < timeline->rowCount(); ++row)
        if (timeline->index(row, 0).data(RequestTimelineModel::StepRole).toInt()
            != int(RequestStep::Other))
            kinds << timeline->index(row, RequestTimelineModel::KindColumn).data().toString();
    QCOMPARE(kinds,
             (QStringList{QStringLiteral("log"), QStringLiteral("received"),
                          QStringLiteral("callback started"), QStringLiteral("callback finished"),
                          QStringLiteral("validated"), QStringLiteral("delivered")}));
    QVERIFY(stepsChanged.count() >= 5);

    // A replay joins the session's timeline, marked as one.
    QVERIFY(runs.replay(1));
    QTRY_COMPARE(finished.count(), 2);
    QString replayed;
    for (int row = 0; row < timeline->rowCount(); ++row)
        replayed += timeline->index(row, RequestTimelineModel::MessageColumn).data().toString();
    QVERIFY2(replayed.contains(QStringLiteral("replay of run 1")), qPrintable(replayed));
    timeline->clear();
    QCOMPARE(timeline->rowCount(), 0);
}

void tst_LogPanel::exportAllAsJsonLines()
{
    QTemporaryDir dir;
    LogPanel panel;
    ango::logging::Redactor redactor;
    redactor.addSecret(QStringLiteral("plugin-secret-123"));
    panel.setRedactor(redactor);
    QList<LogEntry> entries;
    for (quint64 id = 1; id <= 4500; ++id) { // more than two slices
        LogEntry entry
            = makeEntry(id, QStringLiteral("entry %1").arg(id), QStringLiteral("s%1").arg(id % 3));
        if (id == 10) {
            entry.message = QStringLiteral("secret plugin-secret-123 leaked");
            entry.detail = json{{"apiKey", "key-abcdefgh"}, {"n", 10}};
        }
        entries.append(entry);
    }
    panel.appendBatch(entries);
    const QString path = dir.filePath(QStringLiteral("all.jsonl"));
    QSignalSpy finished(&panel, &LogPanel::exportFinished);
    LogExporter *exporter = panel.exportToFile(path, false);
    QSignalSpy progressed(exporter, &LogExporter::progressed);
    QVERIFY(finished.wait());
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(progressed.count(), 3);

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), 4501); // the last line ends with '\n'
    QVERIFY(lines.last().isEmpty());
    for (int i = 0; i < 4500; ++i) {
        const json line = json::parse(lines[i].toStdString());
        QCOMPARE(line.at("id").get<quint64>(), quint64(i + 1));
        if (i == 9) {
            QCOMPARE(line.at("detail").at("n").get<int>(), 10);
            QVERIFY(line.at("detail").at("apiKey").get<std::string>() != "key-abcdefgh");
            QVERIFY(line.at("message").get<std::string>().find("plugin-secret-123")
                    == std::string::npos);
        }
    }
    const ango::Result<LogEntry> first
        = ango::logging::logEntryFromJson(json::parse(lines[0].toStdString()));
    QVERIFY(first.ok());
    QCOMPARE(first->message, QStringLiteral("entry 1"));
    QCOMPARE(first->session, QStringLiteral("s1"));
    QCOMPARE(first->time, entries.first().time);
}

void tst_LogPanel::exportSelected()
{
    QTemporaryDir dir;
    LogPanel panel;
    panel.appendBatch(numbered(1, 5));
    QItemSelectionModel *selection = panel.view()->selectionModel();
    selection->select(panel.filterModel()->index(3, 0),
                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->select(panel.filterModel()->index(1, 0),
                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const QString path = dir.filePath(QStringLiteral("some.jsonl"));
    QSignalSpy finished(&panel, &LogPanel::exportFinished);
    panel.exportToFile(path, true);
    QVERIFY(finished.wait());
    QVERIFY(finished.first().at(0).toBool());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(json::parse(lines[0].toStdString()).at("message").get<std::string>(),
             std::string("m2"));
    QCOMPARE(json::parse(lines[1].toStdString()).at("message").get<std::string>(),
             std::string("m4"));

    // An unwritable place is reported, not thrown.
    QSignalSpy failed(&panel, &LogPanel::exportFinished);
    panel.exportToFile(dir.filePath(QStringLiteral("no/such/dir/x.jsonl")), false);
    QVERIFY(failed.wait());
    QCOMPARE(failed.first().at(0).toBool(), false);
}

void tst_LogPanel::replayEmitsRecordedPayload()
{
    LogPanel panel;
    const json payload = json::parse(R"({"projectId": "p", "dataURL": "https://x/img.jpg",
                                         "session": "s1", "apiKey": "***abcd"})");
    LogEntry request = makeEntry(1, QStringLiteral("plugin payload"), QStringLiteral("s1"),
                                 QStringLiteral("plugin"));
    request.direction = QStringLiteral("in");
    request.detail = payload;
    LogEntry response = makeEntry(2, QStringLiteral("response"), QStringLiteral("s1"),
                                  QStringLiteral("response"));
    response.detail = json{{"x", 1}};
    panel.appendBatch({request, response});

    QSignalSpy replay(&panel, &LogPanel::replayRequested);
    panel.view()->setCurrentIndex(panel.filterModel()->index(1, 0));
    QVERIFY(!panel.replayAction()->isEnabled());
    panel.view()->setCurrentIndex(panel.filterModel()->index(0, 0));
    QVERIFY(panel.replayAction()->isEnabled());
    panel.replayAction()->trigger();
    QCOMPARE(replay.count(), 1);
    QCOMPARE_JSON(replay.first().first().value<json>(), payload);
}

void tst_LogPanel::autoScrollOnlyAtBottom()
{
    LogModel model(300);
    LogView view;
    view.setModel(&model);
    view.resize(400, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollBar *bar = view.verticalScrollBar();
    // Batches arrive from the event loop; between two of them the view lays itself out.
    auto append = [&](quint64 first, int count) {
        model.appendBatch(numbered(first, count));
        QCoreApplication::processEvents();
    };

    append(1, 100);
    QVERIFY(bar->maximum() > 0);
    QCOMPARE(bar->value(), bar->maximum()); // was at the bottom (empty): follows

    bar->setValue(10); // the user scrolls up to read
    append(101, 50);
    QCOMPARE(bar->value(), 10);
    QVERIFY(!view.isAtBottom());

    bar->setValue(bar->maximum()); // back at the bottom: follows again
    append(151, 50);
    QVERIFY(view.isAtBottom());
    QCOMPARE(view.indexAt(QPoint(5, view.viewport()->height() - 5)).isValid(), true);
    QCOMPARE(model.index(model.rowCount() - 1, 0).data(LogModel::EntryIdRole).toULongLong(),
             quint64(200));

    // Reading while old rows are evicted keeps the same entries on screen...
    bar->setValue(60);
    const quint64 readingSeq = model.seqOfRow(60);
    append(201, 120); // 320 > 300: evicts 20
    QCOMPARE(bar->value(), 40);
    QCOMPARE(model.seqOfRow(bar->value()), readingSeq);
    // ... until they are gone themselves.
    append(321, 50);
    QCOMPARE(bar->value(), 0);
    QVERIFY(!view.isAtBottom());
}

QTEST_MAIN(tst_LogPanel)
#include "tst_logpanel.moc"
