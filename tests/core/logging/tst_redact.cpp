#include "logging/redact.h"
#include "procstatus.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace ango::logging;
using namespace Qt::StringLiterals;
using nlohmann::json;

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

// Secrets shaped like the real ones: a plugin secret, an apiKey with URL- and JSON-special
// characters, a non-ASCII one.
const QString kPluginSecret = u"9f2c4e1a7b3d8f60c5e2a9d4b7f1c3e8"_s;
const QString kApiKey = u"ak_live/Zq+8 r\"w\\m@Kp=Tx1"_s;
const QString kUmlaut = u"Schlüssel-Geheim-42"_s;

QString jsonEscaped(const QString &text, bool asciiOnly = false)
{
    const std::string dumped = json(text.toStdString()).dump(-1, ' ', asciiOnly);
    return QString::fromStdString(dumped.substr(1, dumped.size() - 2));
}

// Every form of the secret a log line could carry, and every run of 5 of its characters: the
// mask shows at most the last 4.
QString leakIn(const QString &text, const QString &secret)
{
    const QStringList forms{
        secret,
        QString::fromLatin1(QUrl::toPercentEncoding(secret)),
        QString::fromLatin1(QUrl::toPercentEncoding(secret)).toLower(),
        jsonEscaped(secret),
        jsonEscaped(secret, true),
        jsonEscaped(jsonEscaped(secret)),
    };
    for (const QString &form : forms) {
        if (text.contains(form))
            return u"the form "_s + form;
    }
    for (qsizetype i = 0; i + 5 <= secret.size(); ++i) {
        if (text.contains(secret.mid(i, 5)))
            return u"the part "_s + secret.mid(i, 5);
    }
    return {};
}

#define VERIFY_NO_LEAK(text, secret)                                                               \
    do {                                                                                           \
        const QString leak = leakIn(text, secret);                                                 \
        QVERIFY2(leak.isEmpty(), qPrintable(leak + u" survived in: "_s + (text)));                 \
    } while (false)

Redactor redactorWith(const QStringList &secrets)
{
    Redactor redactor;
    for (const QString &secret : secrets)
        redactor.addSecret(secret);
    return redactor;
}

} // namespace

class TstRedact : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void masks_data();
    void masks();
    void recognisesSecretKeys_data();
    void recognisesSecretKeys();
    void redactsText_data();
    void redactsText();
    void secretNeverSurvivesInText_data();
    void secretNeverSurvivesInText();
    void ignoresValuesTooShortToBeSecrets();
    void forgetsRemovedSecrets();
    void redactingTwiceChangesNothing();
    void masksSecretKeysAtAnyDepth();
    void redactsRegisteredSecretsInStringsAndKeys();
    void redactsInsideConfigJson();
    void leavesOrdinaryJsonUntouched();
    void pluginPayloadKeepsNoSecret();
    void longSecretsAreMaskedLiterally_data();
    void longSecretsAreMaskedLiterally();
    void hugeSecretInBoundedMemory();
    void deepJsonIsNotWalked();
};

void TstRedact::masks_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("masked");

    QTest::newRow("empty") << QString() << u"***"_s;
    QTest::newRow("3 chars") << u"abc"_s << u"***"_s;
    QTest::newRow("7 chars") << u"abcdefg"_s << u"***"_s;
    QTest::newRow("8 chars") << u"abcdefgh"_s << u"***efgh"_s;
    QTest::newRow("plugin secret") << kPluginSecret << u"***c3e8"_s;
    QTest::newRow("emoji kept whole") << u"abcdefg\U0001F600"_s << u"***fg\U0001F600"_s;
    QTest::newRow("emoji never halved") << u"abcdefgh\U0001F600xyz"_s << u"***xyz"_s;
}

void TstRedact::masks()
{
    QFETCH(QString, secret);
    QFETCH(QString, masked);
    QCOMPARE(mask(secret), masked);
}

void TstRedact::recognisesSecretKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("secret");

    for (const char *key :
         {"apiKey",       "apikey",        "api_key",       "API_KEY",       "ApiKey",
          "api-key",      "x-api-key",     "X-Api-Key",     "secret",        "Secret",
          "pluginSecret", "plugin_secret", "password",      "PASSWORD",      "passwd",
          "token",        "accessToken",   "refresh_token", "authorization", "Authorization",
          "cookie",       "Set-Cookie",    "apiKeys"})
        QTest::newRow(key) << QString::fromLatin1(key) << true;
    for (const char *key : {"session", "sessionId", "projectId", "orgId", "runBy", "schemaId",
                            "pluginId", "tokens", "tokenCount", "keyId", "secretary", "message",
                            "description", "categorySchema", "configJSON", "key", "id"})
        QTest::newRow(key) << QString::fromLatin1(key) << false;
}

void TstRedact::recognisesSecretKeys()
{
    QFETCH(QString, key);
    QFETCH(bool, secret);
    QCOMPARE(isSecretKey(key), secret);
}

void TstRedact::redactsText_data()
{
    QTest::addColumn<QStringList>("secrets");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    const QStringList plugin{kPluginSecret};
    QTest::newRow("plain") << plugin << u"heartbeat with "_s + kPluginSecret + u" sent"_s
                           << u"heartbeat with ***c3e8 sent"_s;
    QTest::newRow("repeated") << plugin
                              << kPluginSecret + u" and "_s + kPluginSecret + u" again "_s
                                     + kPluginSecret
                              << u"***c3e8 and ***c3e8 again ***c3e8"_s;
    QTest::newRow("back to back") << plugin << kPluginSecret + kPluginSecret << u"***c3e8***c3e8"_s;
    QTest::newRow("self-overlapping occurrences")
        << QStringList{u"abababab"_s} << u"x abababababab y"_s << u"x *** y"_s;
    QTest::newRow("overlapping secrets")
        << QStringList{u"abcdefgh12345678"_s, u"12345678wxyzWXYZ"_s}
        << u"<abcdefgh12345678wxyzWXYZ>"_s << u"<***>"_s;
    QTest::newRow("overlapping secrets, one alone")
        << QStringList{u"abcdefgh12345678"_s, u"12345678wxyzWXYZ"_s} << u"<12345678wxyzWXYZ>"_s
        << u"<***WXYZ>"_s;
    QTest::newRow("secret inside a longer secret")
        << QStringList{u"INNER-key-77"_s, u"outer-INNER-key-77-tail"_s}
        << u"a outer-INNER-key-77-tail b INNER-key-77"_s << u"a *** b ***y-77"_s;
    QTest::newRow("short secret masked without tail")
        << QStringList{u"abc123"_s} << u"pw abc123 end"_s << u"pw *** end"_s;
    // Text without '%' or '\\' takes a shortcut (nothing to decode); '+' still stands for ' '.
    QTest::newRow("plain, '+' in the secret")
        << QStringList{u"tok+en 1234"_s} << u"a tok+en 1234 b"_s << u"a ***1234 b"_s;
    QTest::newRow("plain, space written as '+'")
        << QStringList{u"tok+en 1234"_s} << u"a tok+en+1234 b tok en 1234"_s
        << u"a ***1234 b ***1234"_s;
    QTest::newRow("url encoded") << QStringList{kApiKey}
                                 << u"GET /v2/x?q="_s
                                        + QString::fromLatin1(QUrl::toPercentEncoding(kApiKey))
                                        + u"&page=1"_s
                                 << u"GET /v2/x?q=***=Tx1&page=1"_s;
    QTest::newRow("url encoded, lower-case hex")
        << QStringList{kApiKey} << u"?q=ak_live%2fZq%2b8%20r%22w%5cm%40Kp%3dTx1"_s
        << u"?q=***=Tx1"_s;
    QTest::newRow("form encoded") << QStringList{kApiKey}
                                  << u"q=ak_live%2FZq%2B8+r%22w%5Cm%40Kp%3DTx1"_s << u"q=***=Tx1"_s;
    QTest::newRow("partly encoded")
        << QStringList{kApiKey} << u"q=ak_live/Zq%2B8%20r%22w%5Cm@Kp=Tx1"_s << u"q=***=Tx1"_s;
    QTest::newRow("encoded twice")
        << QStringList{kApiKey} << u"q=ak_live%252FZq%252B8%2520r%2522w%255Cm%2540Kp%253DTx1"_s
        << u"q=***=Tx1"_s;
    QTest::newRow("json escaped") << QStringList{kApiKey}
                                  << u"{\"k\":\""_s + jsonEscaped(kApiKey) + u"\"}"_s
                                  << u"{\"k\":\"***=Tx1\"}"_s;
    QTest::newRow("json escaped twice")
        << QStringList{kApiKey}
        << u"\"{\\\"k\\\":\\\""_s + jsonEscaped(jsonEscaped(kApiKey)) + u"\\\"}\""_s
        << u"\"{\\\"k\\\":\\\"***=Tx1\\\"}\""_s;
    QTest::newRow("json with escaped slash")
        << QStringList{kApiKey} << u"ak_live\\/Zq+8 r\\\"w\\\\m@Kp=Tx1"_s << u"***=Tx1"_s;
    QTest::newRow("json \\u escapes")
        << QStringList{kUmlaut} << u"\"Schl\\u00fcssel-Geheim-42\" \"Schl\\u00FCssel-Geheim-42\""_s
        << u"\"***m-42\" \"***m-42\""_s;
    QTest::newRow("utf-8 percent encoded")
        << QStringList{kUmlaut} << u"k=Schl%C3%BCssel-Geheim-42"_s << u"k=***m-42"_s;
    QTest::newRow("unregistered apikey in a query")
        << QStringList() << u"GET /v2/project/p1?apikey=UNREGISTERED123&page=1"_s
        << u"GET /v2/project/p1?apikey=***D123&page=1"_s;
    QTest::newRow("unregistered bearer token")
        << QStringList() << u"Authorization: Bearer eyJhbGciOi.payload.sig9"_s
        << u"Authorization: Bearer ***sig9"_s;
    QTest::newRow("unregistered header")
        << QStringList() << u"x-api-key: abcd1234"_s << u"x-api-key: ***1234"_s;
    QTest::newRow("a word after a secret-like key is prose")
        << QStringList() << u"passwd: refused; token: expired, apikey=missing"_s
        << u"passwd: refused; token: expired, apikey=missing"_s;
    QTest::newRow("a registered secret that is a word is still masked")
        << QStringList{u"refusedpassword"_s} << u"passwd: refusedpassword"_s
        << u"passwd: ***word"_s;
    QTest::newRow("unregistered in json text")
        << QStringList() << u"{\"pluginSecret\": \"zzzzzzzz9999\", \"n\": 1}"_s
        << u"{\"pluginSecret\": \"***9999\", \"n\": 1}"_s;
    QTest::newRow("unregistered in escaped json text")
        << QStringList() << u"{\\\"password\\\":\\\"hunter22\\\"}"_s
        << u"{\\\"password\\\":\\\"***er22\\\"}"_s;
    QTest::newRow("null apiKey left alone")
        << QStringList() << u"{\"apiKey\": null}"_s << u"{\"apiKey\": null}"_s;
    QTest::newRow("no secrets: untouched")
        << plugin
        << u"plugin 64f0c1 connected to wss://plugin.imerit.ango.ai/socket.io/?EIO=4&transport=websocket session=abc: token expired"_s
        << u"plugin 64f0c1 connected to wss://plugin.imerit.ango.ai/socket.io/?EIO=4&transport=websocket session=abc: token expired"_s;
    QTest::newRow("another case is another string")
        << QStringList{u"AbCdEfGh1234"_s} << u"abcdefgh1234"_s << u"abcdefgh1234"_s;
}

void TstRedact::redactsText()
{
    QFETCH(QStringList, secrets);
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(redactorWith(secrets).redact(text), expected);
}

void TstRedact::secretNeverSurvivesInText_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("text");

    for (const QString &secret : {kPluginSecret, kApiKey, kUmlaut}) {
        const QByteArray name = secret.left(6).toUtf8();
        QUrl url(u"https://imeritapi.ango.ai/v2/assets"_s);
        QUrlQuery query;
        query.addQueryItem(u"apikey"_s, secret);
        query.addQueryItem(u"v"_s, secret);
        url.setQuery(query);
        QTest::addRow("%s QUrlQuery", name.constData())
            << secret << url.toString(QUrl::FullyEncoded);
        QTest::addRow("%s QUrl display", name.constData()) << secret << url.toString();
        QTest::addRow("%s json dump", name.constData())
            << secret
            << QString::fromStdString(
                   json{{"heartbeat", {{"id", "p"}, {"v", secret.toStdString()}}}}.dump());
        QTest::addRow("%s json ascii dump", name.constData())
            << secret
            << QString::fromStdString(json{{"v", secret.toStdString()}}.dump(-1, ' ', true));
        QTest::addRow("%s configJSON in json dump", name.constData())
            << secret
            << QString::fromStdString(
                   json{{"configJSON", json{{"v", secret.toStdString()}}.dump()}}.dump());
        QTest::addRow("%s glued to words", name.constData())
            << secret << u"x"_s + secret + u"y"_s + secret;
        QTest::addRow("%s python repr", name.constData())
            << secret << u"{'apiKey': '"_s + secret + u"', 'session': 's'}"_s;
    }
}

void TstRedact::secretNeverSurvivesInText()
{
    QFETCH(QString, secret);
    QFETCH(QString, text);
    QVERIFY(!leakIn(text, secret).isEmpty()); // the row really carries the secret
    const QString redacted = redactorWith({kPluginSecret, kApiKey, kUmlaut}).redact(text);
    VERIFY_NO_LEAK(redacted, secret);
}

void TstRedact::ignoresValuesTooShortToBeSecrets()
{
    Redactor redactor = redactorWith({QString(), u"ab1"_s});
    QCOMPARE(redactor.secretCount(), 0);
    QCOMPARE(redactor.redact(u"ab1 is a cab1"_s), u"ab1 is a cab1"_s);

    redactor.addSecret(u"ab12"_s);
    QCOMPARE(redactor.redact(u"id ab12"_s), u"id ***"_s);
}

void TstRedact::forgetsRemovedSecrets()
{
    Redactor redactor = redactorWith({kPluginSecret, u"other-secret-1"_s});
    redactor.removeSecret(kPluginSecret);
    QCOMPARE(redactor.secretCount(), 1);
    QCOMPARE(redactor.redact(kPluginSecret + u" other-secret-1"_s), kPluginSecret + u" ***et-1"_s);
}

void TstRedact::redactingTwiceChangesNothing()
{
    const Redactor redactor = redactorWith({kPluginSecret, kApiKey});
    const QString text = u"apikey="_s + kApiKey + u" secret: "_s + kPluginSecret
                         + u" Authorization: Bearer abcdefghijk"_s;
    const QString once = redactor.redact(text);
    QCOMPARE(redactor.redact(once), once);

    const json payload = {{"apiKey", kApiKey.toStdString()}, {"m", kPluginSecret.toStdString()}};
    const json redacted = redactor.redact(payload);
    COMPARE_JSON(redactor.redact(redacted), redacted);
}

void TstRedact::masksSecretKeysAtAnyDepth()
{
    // None of these values is registered: the key alone says they are secret.
    const json in = json::parse(R"({
        "apiKey": "k-1234567890",
        "nested": {"API_KEY": "short", "list": [{"Authorization": "Bearer abcdefgh"}]},
        "x-api-key": 5,
        "secret": {"a": 1},
        "Password": ["p1", "p2"],
        "token": "",
        "api_key": null,
        "heartbeat": {"id": "plugin-1", "secret": "s3cr3t-value"}
    })");
    const json expected = json::parse(R"({
        "apiKey": "***7890",
        "nested": {"API_KEY": "***", "list": [{"Authorization": "***efgh"}]},
        "x-api-key": "***",
        "secret": "***",
        "Password": "***",
        "token": "",
        "api_key": null,
        "heartbeat": {"id": "plugin-1", "secret": "***alue"}
    })");
    COMPARE_JSON(Redactor().redact(in), expected);
}

void TstRedact::redactsRegisteredSecretsInStringsAndKeys()
{
    const Redactor redactor = redactorWith({kPluginSecret, u"12345678"_s});
    const std::string secret = kPluginSecret.toStdString();
    const json in = {
        {"msg", "key is " + secret},
        {"list", {secret, "prefix" + secret + "suffix", 1}},
        {secret, "value under a secret key"},
        {"pin", 12345678},
        {"deep", {{"a", {{"b", {{"c", secret + secret}}}}}}},
    };
    const json expected = {
        {"msg", "key is ***c3e8"},
        {"list", {"***c3e8", "prefix***c3e8suffix", 1}},
        {"***c3e8", "value under a secret key"},
        {"pin", "***5678"},
        {"deep", {{"a", {{"b", {{"c", "***c3e8***c3e8"}}}}}}},
    };
    COMPARE_JSON(redactor.redact(in), expected);
}

void TstRedact::redactsInsideConfigJson()
{
    const Redactor redactor = redactorWith({kPluginSecret});
    // configJSON arrives as a string holding JSON (protocol notes §2.1).
    const json config = {{"modelUrl", "https://models.example/m?token=unregistered-value-77"},
                         {"auth", {{"apiKey", "unregistered-key-99"}}},
                         {"note", "uses " + kPluginSecret.toStdString()},
                         {"threshold", 0.5}};
    const json payload = {{"configJSON", config.dump(2)}, {"projectId", "p1"}};

    const json redacted = redactor.redact(payload);
    COMPARE_JSON(redacted["projectId"], "p1");
    QVERIFY(redacted["configJSON"].is_string());
    const json inner = json::parse(redacted["configJSON"].get<std::string>());
    COMPARE_JSON(inner["auth"]["apiKey"], "***y-99");
    COMPARE_JSON(inner["note"], "uses ***c3e8");
    COMPARE_JSON(inner["modelUrl"], "https://models.example/m?token=***e-77");
    COMPARE_JSON(inner["threshold"], 0.5);
    const QString dumped = QString::fromStdString(redacted.dump());
    VERIFY_NO_LEAK(dumped, kPluginSecret);
    QVERIFY(!dumped.contains(u"unregistered"_s));

    // A configJSON that is not valid JSON still loses its secrets as text.
    const json broken
        = {{"configJSON", "{\"apiKey\": \"unregistered-key-99\", " + kPluginSecret.toStdString()}};
    const QString brokenOut = QString::fromStdString(redactor.redact(broken).dump());
    VERIFY_NO_LEAK(brokenOut, kPluginSecret);
    QVERIFY(!brokenOut.contains(u"unregistered"_s));
}

void TstRedact::leavesOrdinaryJsonUntouched()
{
    const Redactor redactor = redactorWith({kPluginSecret, kApiKey});
    const json in = json::parse(R"({
        "projectId": "64f0c1aa", "orgId": "o-1", "runBy": "u-9", "session": "sess-42",
        "categorySchema": [{"schemaId": "797ea755f5693c0dc902558", "modelClass": "Vehicle"}],
        "configJSON": "{\n  \"threshold\": 0.5,\n  \"tokens\": 128\n}",
        "batches": [], "workflow": false, "overwrite": true, "pi": 3.14, "n": null,
        "answer": {"objects": [{"bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}}]}
    })");
    COMPARE_JSON(redactor.redact(in), in);
    // Formatting of a configJSON with nothing to hide is kept, byte for byte.
    COMPARE_JSON(redactor.redact(in)["configJSON"], in["configJSON"]);

    // Bytes that are not UTF-8 are kept as they were when there is nothing to redact.
    const json binaryish = {{"raw", std::string("caf\xe9 \xff")}};
    COMPARE_JSON(redactor.redact(binaryish), binaryish);
}

void TstRedact::pluginPayloadKeepsNoSecret()
{
    // A plugin event as the Hub sends it (protocol notes §2.1), apiKey and secret registered.
    Redactor redactor;
    redactor.addSecret(kPluginSecret);
    redactor.addSecret(kApiKey);
    const json payload = {
        {"projectId", "64f0c1aa"},
        {"apiKey", kApiKey.toStdString()},
        {"session", "sess-42"},
        {"configJSON", json{{"callbackUrl", "https://cb.example/?key="
                                                + QUrl::toPercentEncoding(kApiKey).toStdString()},
                            {"echo", kPluginSecret.toStdString()}}
                           .dump()},
        {"dataURL", "https://assets.example/a.jpg?sig=" + kPluginSecret.toStdString()},
        {"headers", {{"APIKEY", kApiKey.toStdString()}, {"accept", "application/json"}}},
    };
    const json redacted = redactor.redact(payload);
    for (const QString &text : {QString::fromStdString(redacted.dump()),
                                QString::fromStdString(redacted.dump(-1, ' ', true))}) {
        VERIFY_NO_LEAK(text, kPluginSecret);
        VERIFY_NO_LEAK(text, kApiKey);
    }
    COMPARE_JSON(redacted["session"], "sess-42");
    COMPARE_JSON(redacted["headers"]["accept"], "application/json");
    COMPARE_JSON(redacted["apiKey"], "***=Tx1");
}

namespace {

QString everyPrintableCharacter()
{
    QString text;
    for (char16_t c = 0x20; c < 0x7f; ++c)
        text += QChar(c);
    return text;
}

// 64 KiB of printable characters from a fixed seed: the same secret in every run.
QString longRandomSecret()
{
    QRandomGenerator random(14);
    QString text;
    for (int i = 0; i < 64 * 1024; ++i)
        text += QChar(char16_t(0x21 + random.bounded(0x7e - 0x21)));
    return text;
}

} // namespace

// A regex built from a secret of 2,000+ characters fails to compile, and Qt prints the pattern
// (the secret) to stderr: any warning fails these rows.
void TstRedact::longSecretsAreMaskedLiterally_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("form");
    for (const auto &[name, secret] :
         {std::pair{"every printable character", everyPrintableCharacter()},
          std::pair{"64 KiB", longRandomSecret()}}) {
        QTest::addRow("%s raw", name) << secret << secret;
        QTest::addRow("%s percent-encoded", name)
            << secret << QString::fromLatin1(QUrl::toPercentEncoding(secret));
        QTest::addRow("%s percent-encoded twice", name)
            << secret
            << QString::fromLatin1(
                   QUrl::toPercentEncoding(QString::fromLatin1(QUrl::toPercentEncoding(secret))));
        QTest::addRow("%s json", name) << secret << jsonEscaped(secret);
        QTest::addRow("%s json ascii", name) << secret << jsonEscaped(secret, true);
        QTest::addRow("%s json twice", name) << secret << jsonEscaped(jsonEscaped(secret));
    }
}

void TstRedact::longSecretsAreMaskedLiterally()
{
    QFETCH(QString, secret);
    QFETCH(QString, form);
    QTest::failOnWarning(QRegularExpression(u".*"_s));
    const Redactor redactor = redactorWith({secret});
    const QString text = u"heartbeat <"_s + form + u"> sent"_s;
    QCOMPARE(redactor.redact(text), u"heartbeat <"_s + mask(secret) + u"> sent"_s);
}

// The regex redactor took 656 MB for a 4 MB secret.
void TstRedact::hugeSecretInBoundedMemory()
{
    ANGO_SKIP_MEMORY_BOUNDS_UNDER_ASAN();
    QString secret;
    secret.reserve(4 * 1024 * 1024);
    QRandomGenerator random(4);
    while (secret.size() < 4 * 1024 * 1024)
        secret += QChar(char16_t(u'a' + random.bounded(26)));
    const qint64 before = ango::test::procStatusKb("VmHWM:");
    const Redactor redactor = redactorWith({secret});
    const QString redacted = redactor.redact(u"secret="_s + secret + u" end"_s);
    const qint64 after = ango::test::procStatusKb("VmHWM:");
    qInfo("4 MB secret: peak RSS %lld kB -> %lld kB", before, after);
    QCOMPARE(redacted, u"secret="_s + mask(secret) + u" end"_s);
    QVERIFY2(after - before < 150 * 1024, "more than 150 MB for a 4 MB secret");
}

// The redactor walks JSON recursively; a value this deep is replaced, not walked.
void TstRedact::deepJsonIsNotWalked()
{
    const std::string deep = std::string(70000, '[') + std::string(70000, ']');
    const json redacted = redactorWith({kPluginSecret}).redact(json::parse(deep));
    QVERIFY(redacted.is_string());
    QVERIFY(QString::fromStdString(redacted.get<std::string>()).contains(u"nested deeper"_s));
    // And as text inside a string (configJSON): redacted as text, not parsed and walked.
    const json inString = redactorWith({kPluginSecret}).redact(json{{"configJSON", deep}});
    QVERIFY(inString["configJSON"].is_string());
}

QTEST_GUILESS_MAIN(TstRedact)
#include "tst_redact.moc"
