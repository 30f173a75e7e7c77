#include "logging/logentry.h"
#include "logging/redact.h"

#include <QTest>
#include <QTimeZone>

using namespace ango::logging;
using namespace Qt::StringLiterals;
using nlohmann::json;

Q_DECLARE_METATYPE(ango::logging::Level)

// QCOMPARE cannot take nlohmann::json (its conversion templates trip over Qt's qfloat16).
#define COMPARE_JSON(actual, expected)                                                             \
    do {                                                                                           \
        const nlohmann::json actual_ = (actual);                                                   \
        const nlohmann::json expected_ = (expected);                                               \
        if (actual_ != expected_) {                                                                \
            const auto text = [](const nlohmann::json &j) {                                        \
                return QString::fromStdString(                                                     \
                    j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));             \
            };                                                                                     \
            QFAIL(qPrintable(u"\n   Actual: "_s + text(actual_) + u"\n Expected: "_s               \
                             + text(expected_)));                                                  \
        }                                                                                          \
    } while (false)

namespace {

// A REST call as the runner logs it; the local time is two hours ahead of UTC.
LogEntry fullEntry()
{
    LogEntry entry;
    entry.id = 42;
    entry.time = QDateTime(QDate(2024, 5, 1), QTime(14, 0, 0, 123), QTimeZone(2 * 3600));
    entry.level = Level::Warning;
    entry.category = u"rest"_s;
    entry.direction = u"out"_s;
    entry.kind = u"POST /v2/annotate/t1"_s;
    entry.session = u"sess-42"_s;
    entry.status = u"503"_s;
    entry.durationMs = 12;
    entry.sizeBytes = 340;
    entry.message = u"annotate failed"_s;
    entry.detail = {{"retry", 1}};
    return entry;
}

} // namespace

class TstLogEntry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesEveryFieldAsJson();
    void leavesEmptyFieldsOut();
    void namesLevels_data();
    void namesLevels();
    void writesOneJsonLine();
    void readsBackWhatItWrote();
    void rejectsBrokenEntries_data();
    void rejectsBrokenEntries();
    void formatsOneReadableLine();
    void formatsAMinimalEntry();
    void escapesControlCharacters_data();
    void escapesControlCharacters();
    void deepDetailIsNotDumped();
    void redactsEveryField();
};

void TstLogEntry::writesEveryFieldAsJson()
{
    const json expected = json::parse(R"({
        "id": 42, "time": "2024-05-01T12:00:00.123Z", "level": "warning", "category": "rest",
        "direction": "out", "kind": "POST /v2/annotate/t1", "session": "sess-42", "status": "503",
        "durationMs": 12, "sizeBytes": 340, "message": "annotate failed", "detail": {"retry": 1}
    })");
    COMPARE_JSON(toJson(fullEntry()), expected);
}

void TstLogEntry::leavesEmptyFieldsOut()
{
    LogEntry entry;
    entry.id = 7;
    COMPARE_JSON(toJson(entry), json::parse(R"({"id": 7, "level": "info"})"));

    entry.detail = json::object();
    COMPARE_JSON(toJson(entry), json::parse(R"({"id": 7, "level": "info"})"));
    entry.detail = json::array();
    COMPARE_JSON(toJson(entry), json::parse(R"({"id": 7, "level": "info"})"));

    // 0 is a measurement, -1 is none.
    entry.durationMs = 0;
    entry.sizeBytes = 0;
    entry.detail = false;
    COMPARE_JSON(
        toJson(entry),
        json::parse(
            R"({"id": 7, "level": "info", "durationMs": 0, "sizeBytes": 0, "detail": false})"));
}

void TstLogEntry::namesLevels_data()
{
    QTest::addColumn<Level>("level");
    QTest::addColumn<QString>("name");
    QTest::newRow("debug") << Level::Debug << u"debug"_s;
    QTest::newRow("info") << Level::Info << u"info"_s;
    QTest::newRow("warning") << Level::Warning << u"warning"_s;
    QTest::newRow("error") << Level::Error << u"error"_s;
}

void TstLogEntry::namesLevels()
{
    QFETCH(Level, level);
    QFETCH(QString, name);
    QCOMPARE(levelName(level), name);
    QCOMPARE(levelFromName(name), std::optional<Level>(level));
    QCOMPARE(levelFromName(name.toUpper()), std::optional<Level>(level));
    LogEntry entry;
    entry.level = level;
    QCOMPARE(QString::fromStdString(toJson(entry)["level"].get<std::string>()), name);
}

void TstLogEntry::writesOneJsonLine()
{
    LogEntry entry = fullEntry();
    entry.message = u"first line\nsecond line"_s;
    const QByteArray line = toJsonLine(entry);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    COMPARE_JSON(json::parse(line.toStdString())["message"], "first line\nsecond line");

    // Bytes from a plugin that are not UTF-8 must not make the export throw.
    entry.detail = {{"raw", std::string("caf\xe9")}};
    const QByteArray withBadBytes = toJsonLine(entry);
    QVERIFY(withBadBytes.contains("caf\xEF\xBF\xBD")); // U+FFFD
}

void TstLogEntry::readsBackWhatItWrote()
{
    const LogEntry written = fullEntry();
    const auto read = logEntryFromJson(json::parse(toJsonLine(written).toStdString()));
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    QCOMPARE(read->id, written.id);
    QCOMPARE(read->time, written.time);
    QCOMPARE(read->time.toMSecsSinceEpoch(), written.time.toMSecsSinceEpoch());
    QCOMPARE(read->level, written.level);
    QCOMPARE(read->category, written.category);
    QCOMPARE(read->direction, written.direction);
    QCOMPARE(read->kind, written.kind);
    QCOMPARE(read->session, written.session);
    QCOMPARE(read->status, written.status);
    QCOMPARE(read->durationMs, written.durationMs);
    QCOMPARE(read->sizeBytes, written.sizeBytes);
    QCOMPARE(read->message, written.message);
    COMPARE_JSON(read->detail, written.detail);

    const auto minimal = logEntryFromJson(json::parse(R"({"id": 3})"));
    QVERIFY(minimal.ok());
    QCOMPARE(minimal->durationMs, -1);
    QCOMPARE(minimal->sizeBytes, -1);
    QVERIFY(!minimal->time.isValid());
    QVERIFY(minimal->detail.is_null());
}

void TstLogEntry::rejectsBrokenEntries_data()
{
    QTest::addColumn<QByteArray>("entry");
    QTest::addColumn<QString>("message");
    QTest::newRow("list") << QByteArray("[]")
                          << u"A log entry must be a JSON object, but it is array."_s;
    QTest::newRow("level") << QByteArray(R"({"level": "loud"})")
                           << u"level: \"loud\" is not one of debug, info, warning, error."_s;
    QTest::newRow("time") << QByteArray(R"({"time": "yesterday"})")
                          << u"time: \"yesterday\" is not an ISO-8601 date and time."_s;
    QTest::newRow("duration as text") << QByteArray(R"({"durationMs": "5"})")
                                      << u"durationMs: must be a whole number, but it is string."_s;
    QTest::newRow("negative id") << QByteArray(R"({"id": -1})")
                                 << u"id: must be a whole number not below 0, but it is number."_s;
    QTest::newRow("message as object")
        << QByteArray(R"({"message": {}})") << u"message: must be text, but it is object."_s;
}

void TstLogEntry::rejectsBrokenEntries()
{
    QFETCH(QByteArray, entry);
    QFETCH(QString, message);
    const auto read = logEntryFromJson(json::parse(entry.toStdString()));
    QVERIFY(!read.ok());
    QCOMPARE(read.error().message, message);
}

void TstLogEntry::formatsOneReadableLine()
{
    QCOMPARE(formatText(fullEntry()),
             u"2024-05-01T12:00:00.123Z WARNING rest out POST /v2/annotate/t1 session=sess-42 503 "
             u"12 ms 340 B: annotate failed {\"retry\":1}"_s);

    LogEntry entry = fullEntry();
    entry.message = u"Traceback:\r\n  File \"plugin.py\"\nValueError"_s;
    entry.detail = nullptr;
    const QString line = formatText(entry);
    QVERIFY(!line.contains(u'\n'));
    QVERIFY(!line.contains(u'\r'));
    QVERIFY(line.endsWith(u": Traceback:\\n  File \"plugin.py\"\\nValueError"_s));
}

void TstLogEntry::formatsAMinimalEntry()
{
    LogEntry entry;
    QCOMPARE(formatText(entry), u"- INFO"_s);
    entry.time = QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), QTimeZone::utc());
    entry.level = Level::Error;
    entry.category = u"hub"_s;
    entry.direction = u"in"_s;
    entry.kind = u"plugin"_s;
    entry.message = u"Plugin session is started!"_s;
    QCOMPARE(formatText(entry),
             u"2024-01-02T03:04:05.000Z ERROR hub in plugin: Plugin session is started!"_s);
}

void TstLogEntry::redactsEveryField()
{
    const QString secret = u"9f2c4e1a7b3d8f60c5e2a9d4b7f1c3e8"_s;
    Redactor redactor;
    redactor.addSecret(secret);

    LogEntry entry = fullEntry();
    entry.kind = u"GET /v2/assets?apikey="_s + secret;
    entry.session = secret;
    entry.status = u"denied for "_s + secret;
    entry.message = u"heartbeat {\"id\":\"p\",\"secret\":\""_s + secret + u"\"}"_s;
    entry.detail = {{"apiKey", "unregistered-key-1234"}, {"echo", secret.toStdString()}};

    const LogEntry redacted = redactEntry(redactor, entry);
    const QString text = formatText(redacted);
    const QString jsonLine = QString::fromUtf8(toJsonLine(redacted));
    for (const QString &out : {text, jsonLine}) {
        QVERIFY2(!out.contains(secret.left(5)) && !out.contains(secret.mid(10, 5)),
                 qPrintable(out));
        QVERIFY2(!out.contains(u"unregistered"_s), qPrintable(out));
    }
    QCOMPARE(redacted.kind, u"GET /v2/assets?apikey=***c3e8"_s);
    QCOMPARE(redacted.session, u"***c3e8"_s);
    COMPARE_JSON(redacted.detail["apiKey"], "***1234");
    // What is not secret stays.
    QCOMPARE(redacted.id, entry.id);
    QCOMPARE(redacted.time, entry.time);
    QCOMPARE(redacted.category, entry.category);
    QCOMPARE(redacted.durationMs, entry.durationMs);
}

void TstLogEntry::escapesControlCharacters_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("shown");
    QTest::newRow("ESC colours") << u"GET /\x1b[31mred\x1b[0m"_s << u"GET /\\x1b[31mred\\x1b[0m"_s;
    QTest::newRow("NUL") << (u"a"_s + QChar(0) + u"b"_s) << u"a\\x00b"_s;
    QTest::newRow("backspace and bell") << u"x\b\ay"_s << u"x\\x08\\x07y"_s;
    QTest::newRow("tab") << u"a\tb"_s << u"a\\tb"_s;
    QTest::newRow("DEL and C1") << u"a\x7f\u009bb"_s << u"a\\x7f\\x9bb"_s;
    QTest::newRow("CR LF") << u"a\r\nb\rc"_s << u"a\\nb\\nc"_s;
    QTest::newRow("printable untouched") << u"Grüße, 你好 \\x1b"_s << u"Grüße, 你好 \\x1b"_s;
}

void TstLogEntry::escapesControlCharacters()
{
    QFETCH(QString, message);
    QFETCH(QString, shown);
    LogEntry entry;
    entry.message = message;
    entry.kind = message; // every text field, not only the message
    QCOMPARE(formatText(entry), u"- INFO "_s + shown + u": "_s + shown);
}

void TstLogEntry::deepDetailIsNotDumped()
{
    LogEntry entry;
    entry.message = u"deep"_s;
    entry.detail = nlohmann::json::parse(std::string(70000, '[') + std::string(70000, ']'));
    QVERIFY(formatText(entry).contains(u"nested deeper than 512 levels"_s));
    QVERIFY(toJsonLine(entry).contains("nested deeper than 512 levels"));
}

QTEST_GUILESS_MAIN(TstLogEntry)
#include "tst_logentry.moc"
