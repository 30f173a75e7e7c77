#include "profile/profilefile.h"
#include "profile/profilejson.h"
#include "testpaths.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace ango::profile;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(ango::profile::Profile)

namespace {

// The smallest valid profile; rows of the invalid table replace or add one key of it.
nlohmann::ordered_json minimalJson()
{
    return {{"version", 1}, {"pluginId", "plugin-1"}, {"secret", {{"env", "ANGO_PLUGIN_SECRET"}}}};
}

QByteArray bytes(const nlohmann::ordered_json &json)
{
    return QByteArray::fromStdString(json.dump());
}

QByteArray withKey(const char *key, const QByteArray &valueJson)
{
    nlohmann::ordered_json json = minimalJson();
    json[key] = nlohmann::ordered_json::parse(valueJson.toStdString());
    return bytes(json);
}

QByteArray withoutKey(const char *key)
{
    nlohmann::ordered_json json = minimalJson();
    json.erase(key);
    return bytes(json);
}

QByteArray readSource(const QString &relative)
{
    QFile file(ango::test::sourcePath(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// Fenced ```json blocks of a Markdown file.
QList<QByteArray> jsonBlocks(const QByteArray &markdown)
{
    QList<QByteArray> blocks;
    static const QRegularExpression fence(u"```json\\n(.*?)```"_s,
                                          QRegularExpression::DotMatchesEverythingOption);
    for (auto it = fence.globalMatch(QString::fromUtf8(markdown)); it.hasNext();)
        blocks << it.next().captured(1).toUtf8();
    return blocks;
}

// The indented block under `key: |` in a YAML file (the Kubernetes example's ConfigMap).
QByteArray yamlLiteralBlock(const QByteArray &yaml, const QByteArray &key)
{
    QByteArray block;
    qsizetype indent = -1;
    bool inside = false;
    for (const QByteArray &line : yaml.split('\n')) {
        if (!inside) {
            inside = line.trimmed() == key + ": |";
            continue;
        }
        if (line.trimmed().isEmpty()) {
            block += '\n';
            continue;
        }
        const qsizetype leading = line.indexOf(line.trimmed().at(0));
        if (indent < 0)
            indent = leading;
        if (leading < indent)
            break;
        block += line.mid(indent) + '\n';
    }
    return block;
}

Profile fullProfile()
{
    Profile profile;
    profile.name = u"production"_s;
    profile.hubUrl = QUrl(u"https://plugin.example.test"_s);
    profile.apiHost = QUrl(u"https://api.example.test"_s);
    profile.pluginId = u"66f0c0ffee"_s;
    profile.secret = {SecretReference::Kind::File, u"${CREDENTIALS_DIRECTORY}/plugin-secret"_s};
    profile.callback = {u"python:/srv/model/plugin.py:predict"_s, u"/usr/bin/python3"_s, 6};
    profile.mapping = {{u"a1b2"_s, u"car"_s}, {u"c3d4"_s, u"person"_s}};
    profile.configJson = uR"({"threshold":0.5,"labels":["car","person"]})"_s;
    profile.concurrency = 8;
    profile.workflowConcurrency = 2;
    profile.requestTimeoutSeconds = 30.5;
    profile.heartbeatSeconds = 45;
    profile.review = ReviewPolicy::Hold;
    profile.logFormat = LogFormat::Jsonl;
    return profile;
}

} // namespace

class TstProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsEveryField();
    void appliesDefaults();
    void acceptsEquivalentForms_data();
    void acceptsEquivalentForms();
    void rejectsInvalidField_data();
    void rejectsInvalidField();
    void neverEchoesALiteralSecret_data();
    void neverEchoesALiteralSecret();
    void reportsALiteralSecretOnce();
    void reportsEveryProblemAtOnce();
    void stopsAtAnUnsupportedVersion();
    void ignoresExtensionKeys();
    void roundTrips_data();
    void roundTrips();
    void writesTheDocumentedKeyOrder();
    void givesTheCategorySchemaAsTheHubSendsIt();
    void documentedExamplesAreValid();
    void savesAndLoadsFiles();
    void namesTheFileInLoadErrors();
};

void TstProfile::readsEveryField()
{
    const QByteArray json = R"({
      "version": 1, "name": "production",
      "hubUrl": "https://plugin.example.test", "apiHost": "https://api.example.test",
      "pluginId": "66f0c0ffee",
      "secret": {"file": "${CREDENTIALS_DIRECTORY}/plugin-secret"},
      "callback": {"spec": "python:/srv/model/plugin.py:predict", "interpreter": "/usr/bin/python3",
                   "concurrency": 6},
      "mapping": [{"schemaId": "a1b2", "modelClass": "car"}, {"schemaId": "c3d4", "modelClass": "person"}],
      "config": {"threshold": 0.5, "labels": ["car", "person"]},
      "concurrency": 8, "workflowConcurrency": 2,
      "requestTimeoutSeconds": 30.5, "heartbeatSeconds": 45,
      "review": "hold", "logFormat": "jsonl"
    })";
    const auto profile = parse(json);
    QVERIFY2(profile.ok(), qPrintable(profile.ok() ? QString() : profile.error().message));
    QCOMPARE(profile->name, u"production"_s);
    QCOMPARE(profile->hubUrl, QUrl(u"https://plugin.example.test"_s));
    QCOMPARE(profile->apiHost, QUrl(u"https://api.example.test"_s));
    QCOMPARE(profile->pluginId, u"66f0c0ffee"_s);
    QVERIFY(profile->secret.kind == SecretReference::Kind::File);
    QCOMPARE(profile->secret.name, u"${CREDENTIALS_DIRECTORY}/plugin-secret"_s);
    QCOMPARE(profile->callback.spec, u"python:/srv/model/plugin.py:predict"_s);
    QCOMPARE(profile->callback.interpreter, u"/usr/bin/python3"_s);
    QCOMPARE(profile->callback.concurrency, 6);
    QCOMPARE(profile->mapping.size(), 2);
    QCOMPARE(profile->mapping.at(1).schemaId, u"c3d4"_s);
    QCOMPARE(profile->mapping.at(1).modelClass, u"person"_s);
    // Kept as text, in the author's key order, for the configJSON the plugin receives.
    QCOMPARE(profile->configJson, uR"({"threshold":0.5,"labels":["car","person"]})"_s);
    QCOMPARE(profile->concurrency, 8);
    QCOMPARE(profile->workflowConcurrency, 2);
    QCOMPARE(profile->requestTimeoutSeconds, 30.5);
    QCOMPARE(profile->heartbeatSeconds, 45.0);
    QVERIFY(profile->review == ReviewPolicy::Hold);
    QVERIFY(profile->logFormat == LogFormat::Jsonl);
    QVERIFY(*profile == fullProfile());
}

void TstProfile::appliesDefaults()
{
    const auto profile = parse(bytes(minimalJson()));
    QVERIFY2(profile.ok(), qPrintable(profile.ok() ? QString() : profile.error().message));
    Profile expected;
    expected.pluginId = u"plugin-1"_s;
    expected.secret = {SecretReference::Kind::Environment, u"ANGO_PLUGIN_SECRET"_s};
    QVERIFY(*profile == expected);
    QCOMPARE(profile->hubUrl, QUrl(u"https://plugin.imerit.ango.ai"_s));
    QCOMPARE(profile->apiHost, QUrl(u"https://imeritapi.ango.ai"_s));
    QCOMPARE(profile->callback.spec, u"demo"_s);
    QCOMPARE(profile->concurrency, 4);
    QCOMPARE(profile->workflowConcurrency, 1);
    QCOMPARE(profile->requestTimeoutSeconds, 120.0);
    QCOMPARE(profile->heartbeatSeconds, 60.0);
    QVERIFY(profile->review == ReviewPolicy::Auto);
    QVERIFY(profile->logFormat == LogFormat::Text);
    QVERIFY(profile->configJson.isEmpty());
    QVERIFY(profile->mapping.isEmpty());
}

void TstProfile::acceptsEquivalentForms_data()
{
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<QByteArray>("second");
    QTest::newRow("callback string = object")
        << withKey("callback", R"("exec:./model --fast")")
        << withKey("callback", R"({"spec": "exec:./model --fast"})");
    QTest::newRow("config string = object") << withKey("config", R"("{\"a\": 1, \"b\": [true]}")")
                                            << withKey("config", R"({"a": 1, "b": [true]})");
    QTest::newRow("empty config string = none")
        << withKey("config", R"("  ")") << bytes(minimalJson());
    QTest::newRow("null = absent") << withKey("review", "null") << bytes(minimalJson());
    QTest::newRow("seconds integer = float")
        << withKey("heartbeatSeconds", "30") << withKey("heartbeatSeconds", "30.0");
    QTest::newRow("ws url") << withKey("hubUrl", R"("wss://plugin.example.test")")
                            << withKey("hubUrl", R"("wss://plugin.example.test")");
}

void TstProfile::acceptsEquivalentForms()
{
    QFETCH(QByteArray, first);
    QFETCH(QByteArray, second);
    const auto a = parse(first);
    const auto b = parse(second);
    QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
    QVERIFY2(b.ok(), qPrintable(b.ok() ? QString() : b.error().message));
    QVERIFY(*a == *b);
}

void TstProfile::rejectsInvalidField_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expectedLine");

    const QString literal
        = u"a profile must not contain the secret itself (profiles are exported, shared "
          u"and committed); reference it instead: {\"env\": \"VAR\"}, {\"file\": "
          u"\"/path\"} or {\"keychain\": \"entry\"}"_s;

    QTest::newRow("not JSON") << QByteArray("{\"version\": 1,") << u"profile: not valid JSON: "_s;
    QTest::newRow("not an object")
        << QByteArray("[1]") << u"profile: must be a JSON object, got an array"_s;
    QTest::newRow("version missing")
        << withoutKey("version") << u"profile.version: required (this console writes 1)"_s;
    QTest::newRow("version zero") << withKey(
        "version",
        "0") << u"profile.version: unsupported version 0: this console reads version 1"_s;
    QTest::newRow("version string")
        << withKey("version", R"("1")") << u"profile.version: must be the integer 1, got \"1\""_s;
    QTest::newRow("name number") << withKey("name", "5")
                                 << u"profile.name: must be a string, got 5"_s;
    QTest::newRow("hubUrl scheme")
        << withKey("hubUrl", R"("ftp://hub.example.test")")
        << u"profile.hubUrl: must be an http(s):// URL with a host, got \"ftp://hub.example.test\""_s;
    QTest::newRow("apiHost no host")
        << withKey("apiHost", R"("https://")")
        << u"profile.apiHost: must be an http(s):// URL with a host, got \"https://\""_s;
    QTest::newRow("apiHost number")
        << withKey("apiHost", "443")
        << u"profile.apiHost: must be an http(s):// URL with a host, got 443"_s;
    QTest::newRow("pluginId missing")
        << withoutKey("pluginId") << u"profile.pluginId: required (the plugin's id on the hub)"_s;
    QTest::newRow("pluginId empty")
        << withKey("pluginId", R"("  ")")
        << u"profile.pluginId: must be a non-empty string, got \"  \""_s;
    QTest::newRow("pluginId number")
        << withKey("pluginId", "7") << u"profile.pluginId: must be a non-empty string, got 7"_s;
    QTest::newRow("secret missing")
        << withoutKey("secret")
        << u"profile.secret: required: {\"env\": \"VAR\"}, {\"file\": \"/path\"} or {\"keychain\": \"entry\"}"_s;
    QTest::newRow("secret literal")
        << withKey("secret", R"("hunter2")") << u"profile.secret: "_s + literal;
    QTest::newRow("secret number")
        << withKey("secret", "42")
        << u"profile.secret: must be one of {\"env\": \"VAR\"}, {\"file\": \"/path\"} or {\"keychain\": \"entry\"}, got 42"_s;
    QTest::newRow("secret value key")
        << withKey("secret", R"({"value": "hunter2"})") << u"profile.secret.value: "_s + literal;
    QTest::newRow("secret no kind")
        << withKey("secret", "{}")
        << u"profile.secret: give one of \"keychain\", \"env\" or \"file\""_s;
    QTest::newRow("secret two kinds") << withKey("secret", R"({"env": "A", "file": "/run/secret"})")
                                      << u"profile.secret: give only one of env, file"_s;
    QTest::newRow("secret env name")
        << withKey("secret", R"({"env": "1BAD-NAME"})")
        << u"profile.secret.env: must be an environment variable name, got \"1BAD-NAME\""_s;
    QTest::newRow("secret relative file")
        << withKey("secret", R"({"file": "secret.txt"})")
        << u"profile.secret.file: must be an absolute path (or start with ${VAR}), got \"secret.txt\""_s;
    QTest::newRow("secret empty keychain")
        << withKey("secret", R"({"keychain": ""})")
        << u"profile.secret.keychain: must be a non-empty string, got \"\""_s;
    QTest::newRow("secret unknown key")
        << withKey("secret", R"({"env": "A", "enviroment": "B"})")
        << u"profile.secret.enviroment: unknown key (known: keychain, env, file; keys starting with \"x-\" are ignored)"_s;
    QTest::newRow("pluginSecret") << withKey("pluginSecret", R"("hunter2")")
                                  << u"profile.pluginSecret: "_s + literal;
    QTest::newRow("api_key") << withKey("api_key", R"("hunter2")")
                             << u"profile.api_key: "_s + literal;
    QTest::newRow("callback number")
        << withKey("callback", "5")
        << u"profile.callback: must be a spec string (\"demo\", \"python:/path/model.py\", \"exec:CMD\", \"http:URL\") or an object with \"spec\", got 5"_s;
    QTest::newRow("callback empty") << withKey("callback", R"("")")
                                    << u"profile.callback: must be a non-empty string, got \"\""_s;
    QTest::newRow("callback python no path")
        << withKey("callback", R"("python:")")
        << u"profile.callback: python: needs a script path, got \"python:\""_s;
    QTest::newRow("callback exec no command")
        << withKey("callback", R"({"spec": "exec: "})")
        << u"profile.callback.spec: exec: needs a command, got \"exec:\""_s;
    QTest::newRow("callback spec missing")
        << withKey("callback", R"({"interpreter": "/usr/bin/python3"})")
        << u"profile.callback.spec: required (\"demo\", \"python:/path/model.py\", ...)"_s;
    QTest::newRow("callback interpreter not python")
        << withKey("callback", R"({"spec": "exec:./m", "interpreter": "py"})")
        << u"profile.callback.interpreter: only python: callbacks take an interpreter (spec is \"exec:./m\")"_s;
    QTest::newRow("callback concurrency 0")
        << withKey("callback", R"({"spec": "demo", "concurrency": 0})")
        << u"profile.callback.concurrency: must be a positive integer, got 0"_s;
    QTest::newRow("callback unknown key")
        << withKey("callback", R"({"spec": "demo", "concurency": 2})")
        << u"profile.callback.concurency: unknown key (did you mean \"concurrency\"?)"_s;
    QTest::newRow("mapping object")
        << withKey("mapping", R"({"car": "a1"})")
        << u"profile.mapping: must be a list of {\"schemaId\", \"modelClass\"}, got an object"_s;
    QTest::newRow("mapping entry number")
        << withKey("mapping", "[5]")
        << u"profile.mapping[0]: must be an object {\"schemaId\", \"modelClass\"}, got 5"_s;
    QTest::newRow("mapping modelClass missing") << withKey("mapping", R"([{"schemaId": "a1"}])")
                                                << u"profile.mapping[0].modelClass: required"_s;
    QTest::newRow("mapping schemaId empty")
        << withKey(
               "mapping",
               R"([{"schemaId": "a", "modelClass": "car"}, {"schemaId": "", "modelClass": "bus"}])")
        << u"profile.mapping[1].schemaId: must be a non-empty string, got \"\""_s;
    QTest::newRow("mapping class twice")
        << withKey(
               "mapping",
               R"([{"schemaId": "a", "modelClass": "car"}, {"schemaId": "b", "modelClass": "car"}])")
        << u"profile.mapping[1].modelClass: \"car\" is already mapped by mapping[0]"_s;
    QTest::newRow("mapping unknown key")
        << withKey("mapping", R"([{"schemaId": "a", "modelClass": "car", "colour": "red"}])")
        << u"profile.mapping[0].colour: unknown key (known: schemaId, modelClass; keys starting with \"x-\" are ignored)"_s;
    QTest::newRow("config number")
        << withKey("config", "5")
        << u"profile.config: must be a JSON object or a string holding JSON (configJSON), got 5"_s;
    QTest::newRow("config bad JSON string")
        << withKey("config", R"("{threshold: 1}")")
        << u"profile.config: the string is not valid JSON (plugins JSON-decode configJSON): "_s;
    QTest::newRow("concurrency word")
        << withKey("concurrency", R"("eight")")
        << u"profile.concurrency: must be a positive integer, got \"eight\""_s;
    QTest::newRow("concurrency zero")
        << withKey("concurrency", "0")
        << u"profile.concurrency: must be a positive integer, got 0"_s;
    QTest::newRow("concurrency negative")
        << withKey("concurrency", "-3")
        << u"profile.concurrency: must be a positive integer, got -3"_s;
    QTest::newRow("concurrency fraction")
        << withKey("concurrency", "2.5")
        << u"profile.concurrency: must be a positive integer, got 2.5"_s;
    QTest::newRow("concurrency huge") << withKey("concurrency", "10001")
                                      << u"profile.concurrency: must be at most 256, got 10001"_s;
    QTest::newRow("concurrency beyond int64")
        << withKey("concurrency", "18446744073709551615")
        << u"profile.concurrency: must be at most 256, got 18446744073709551615"_s;
    QTest::newRow("workflowConcurrency bool")
        << withKey("workflowConcurrency", "true")
        << u"profile.workflowConcurrency: must be a positive integer, got true"_s;
    QTest::newRow("requestTimeoutSeconds zero")
        << withKey("requestTimeoutSeconds", "0")
        << u"profile.requestTimeoutSeconds: must be a number of seconds from 1 to 86400, got 0"_s;
    QTest::newRow("requestTimeoutSeconds string")
        << withKey("requestTimeoutSeconds", R"("60")")
        << u"profile.requestTimeoutSeconds: must be a number of seconds from 1 to 86400, got \"60\""_s;
    QTest::newRow("heartbeatSeconds too short")
        << withKey("heartbeatSeconds", "0.0001")
        << u"profile.heartbeatSeconds: must be a number of seconds from 1 to 3600, got 0.0001"_s;
    QTest::newRow("concurrency over 256")
        << withKey("concurrency", "257") << u"profile.concurrency: must be at most 256, got 257"_s;
    QTest::newRow("heartbeatSeconds too long")
        << withKey("heartbeatSeconds", "100000")
        << u"profile.heartbeatSeconds: must be a number of seconds from 1 to 3600, got 100000"_s;
    QTest::newRow("review word") << withKey(
        "review", R"("later")") << u"profile.review: must be \"auto\" or \"hold\", got \"later\""_s;
    QTest::newRow("review bool") << withKey("review", "true")
                                 << u"profile.review: must be \"auto\" or \"hold\", got true"_s;
    QTest::newRow("logFormat") << withKey(
        "logFormat",
        R"("xml")") << u"profile.logFormat: must be \"text\" or \"jsonl\", got \"xml\""_s;
    QTest::newRow("misspelt review") << withKey("reveiw", R"("hold")")
                                     << u"profile.reveiw: unknown key (did you mean \"review\"?)"_s;
    QTest::newRow("unknown key")
        << withKey("colour", R"("red")")
        << u"profile.colour: unknown key (known: version, name, hubUrl, apiHost, pluginId, "
           u"secret, callback, mapping, config, concurrency, workflowConcurrency, "
           u"requestTimeoutSeconds, heartbeatSeconds, review, logFormat; keys starting "
           u"with \"x-\" are ignored)"_s;
    QTest::newRow("duplicate key")
        << QByteArray(R"({"version": 1, "pluginId": "p", "secret": {"env": "S"},
                                                     "review": "hold", "review": "auto"})")
        << u"profile.review: given twice (a JSON reader would silently keep the last one)"_s;
    QTest::newRow("duplicate nested key")
        << QByteArray(R"({"version": 1, "pluginId": "p",
                                                            "secret": {"env": "S", "env": "T"}})")
        << u"profile.secret.env: given twice (a JSON reader would silently keep the last one)"_s;
}

// Each expected text is a whole line of the message, or its start when it ends with ": ".
void TstProfile::rejectsInvalidField()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expectedLine);
    const auto profile = parse(json);
    QVERIFY2(!profile.ok(), "accepted an invalid profile");
    const QStringList lines = profile.error().message.split(QLatin1Char('\n'));
    const bool found
        = expectedLine.endsWith(u": "_s)
              ? std::any_of(lines.cbegin(), lines.cend(),
                            [&](const QString &line) { return line.startsWith(expectedLine); })
              : lines.contains(expectedLine);
    QVERIFY2(found, qPrintable(u"expected line:\n  "_s + expectedLine + u"\nin:\n  "_s
                               + lines.join(u"\n  "_s)));
}

void TstProfile::neverEchoesALiteralSecret_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("secret string") << withKey("secret", R"("s3cr3t-Value-9981")");
    QTest::newRow("secret.value") << withKey("secret", R"({"value": "s3cr3t-Value-9981"})");
    QTest::newRow("pluginSecret") << withKey("pluginSecret", R"("s3cr3t-Value-9981")");
    QTest::newRow("broken JSON after the secret")
        << QByteArray(R"({"version": 1, "secret": "s3cr3t-Value-9981" ,, })");
    QTest::newRow("broken JSON inside the secret")
        << QByteArray("{\"version\": 1, \"secret\": \"s3cr3t-Value-9981\x01\"}");
}

void TstProfile::neverEchoesALiteralSecret()
{
    QFETCH(QByteArray, json);
    const auto profile = parse(json);
    QVERIFY(!profile.ok());
    QVERIFY2(!profile.error().message.contains(u"s3cr3t"_s), qPrintable(profile.error().message));
}

// A literal secret is one clear line, not also "give one of ..." for the same object.
void TstProfile::reportsALiteralSecretOnce()
{
    const auto profile = parse(withKey("secret", R"({"value": "hunter2"})"));
    QVERIFY(!profile.ok());
    QCOMPARE(profile.error().message.count(QLatin1Char('\n')), 0);
    QVERIFY(
        profile.error().message.startsWith(u"profile.secret.value: a profile must not contain"_s));
}

void TstProfile::reportsEveryProblemAtOnce()
{
    const auto profile
        = parse(R"({"version": 1, "pluginId": "", "secret": "x", "concurrency": "eight",
                                   "review": "later"})");
    QVERIFY(!profile.ok());
    const QStringList lines = profile.error().message.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 4);
    QVERIFY(
        lines.at(0).startsWith(u"profile.secret: a profile must not contain the secret itself"_s));
    QVERIFY(lines.contains(u"profile.pluginId: must be a non-empty string, got \"\""_s));
    QVERIFY(lines.contains(u"profile.concurrency: must be a positive integer, got \"eight\""_s));
    QVERIFY(lines.contains(u"profile.review: must be \"auto\" or \"hold\", got \"later\""_s));
}

// A newer file's other keys would only add noise to the one thing to fix; a missing version is
// reported with the rest.
void TstProfile::stopsAtAnUnsupportedVersion()
{
    const auto newer = parse(R"({"version": 2, "pluginId": "p", "fancyNewThing": true})");
    QVERIFY(!newer.ok());
    QCOMPARE(newer.error().message,
             u"profile.version: unsupported version 2: this console reads version 1"_s);
    const auto unversioned = parse(R"({"pluginId": "p", "secret": {"env": "S"}, "review": "x"})");
    QVERIFY(!unversioned.ok());
    QCOMPARE(unversioned.error().message,
             u"profile.version: required (this console writes 1)\n"
             u"profile.review: must be \"auto\" or \"hold\", got \"x\""_s);
}

void TstProfile::ignoresExtensionKeys()
{
    const auto profile = parse(withKey("x-note", R"({"owner": "team-vision"})"));
    QVERIFY2(profile.ok(), qPrintable(profile.ok() ? QString() : profile.error().message));
    const auto plain = parse(bytes(minimalJson()));
    QVERIFY(*profile == *plain);
}

void TstProfile::roundTrips_data()
{
    QTest::addColumn<Profile>("profile");
    QTest::newRow("full") << fullProfile();
    Profile minimal;
    minimal.pluginId = u"p"_s;
    QTest::newRow("defaults") << minimal;
    Profile keychain = fullProfile();
    keychain.secret = {SecretReference::Kind::Keychain, u"plugin-secret/production"_s};
    keychain.callback = {u"http://127.0.0.1:9000/predict"_s, {}, 0};
    keychain.configJson = u"[1,2,3]"_s; // not an object: written as the string it is
    keychain.mapping.clear();
    keychain.requestTimeoutSeconds = 1.25;
    QTest::newRow("keychain, array config, string callback") << keychain;
    Profile workers = minimal;
    workers.callback = {u"exec:/opt/model/run --json"_s, {}, 3};
    QTest::newRow("callback workers only") << workers;
}

void TstProfile::roundTrips()
{
    QFETCH(Profile, profile);
    const QByteArray json = toJson(profile);
    QVERIFY(json.endsWith("}\n"));
    const auto parsed = parse(json);
    QVERIFY2(parsed.ok(),
             qPrintable(parsed.ok() ? QString()
                                    : parsed.error().message + u"\n"_s + QString::fromUtf8(json)));
    QVERIFY2(*parsed == profile, json.constData());
    QCOMPARE(toJson(*parsed), json);
}

void TstProfile::writesTheDocumentedKeyOrder()
{
    const QByteArray expected = R"({
  "version": 1,
  "name": "production",
  "hubUrl": "https://plugin.example.test",
  "apiHost": "https://api.example.test",
  "pluginId": "66f0c0ffee",
  "secret": {
    "file": "${CREDENTIALS_DIRECTORY}/plugin-secret"
  },
  "callback": {
    "spec": "python:/srv/model/plugin.py:predict",
    "interpreter": "/usr/bin/python3",
    "concurrency": 6
  },
  "mapping": [
    {
      "schemaId": "a1b2",
      "modelClass": "car"
    },
    {
      "schemaId": "c3d4",
      "modelClass": "person"
    }
  ],
  "config": {
    "threshold": 0.5,
    "labels": [
      "car",
      "person"
    ]
  },
  "concurrency": 8,
  "workflowConcurrency": 2,
  "requestTimeoutSeconds": 30.5,
  "heartbeatSeconds": 45,
  "review": "hold",
  "logFormat": "jsonl"
}
)";
    QCOMPARE(toJson(fullProfile()), expected);
}

void TstProfile::givesTheCategorySchemaAsTheHubSendsIt()
{
    QVERIFY(categorySchema(Profile{}).is_null());
    const nlohmann::json expected = nlohmann::json::parse(
        R"([{"schemaId": "a1b2", "modelClass": "car"}, {"schemaId": "c3d4", "modelClass": "person"}])");
    QVERIFY(categorySchema(fullProfile()) == expected);
}

// The examples people copy must load: docs/profile.md, the packaged examples and the
// Kubernetes ConfigMap.
void TstProfile::documentedExamplesAreValid()
{
    QList<std::pair<QString, QByteArray>> examples;
    const QList<QByteArray> docBlocks = jsonBlocks(readSource(u"docs/profile.md"_s));
    QVERIFY2(docBlocks.size() >= 2, "docs/profile.md lost its examples");
    for (qsizetype i = 0; i < docBlocks.size(); ++i)
        examples.append({u"docs/profile.md block %1"_s.arg(i + 1), docBlocks.at(i)});
    for (const QString &file : {u"packaging/examples/profile-env.json"_s,
                                u"packaging/examples/profile-credential.json"_s})
        examples.append({file, readSource(file)});
    examples.append(
        {u"packaging/k8s/deployment.yaml"_s,
         yamlLiteralBlock(readSource(u"packaging/k8s/deployment.yaml"_s), "profile.json")});
    for (const auto &[name, json] : examples) {
        QVERIFY2(!json.trimmed().isEmpty(), qPrintable(name + u" is missing"_s));
        const auto profile = parse(json);
        QVERIFY2(profile.ok(), qPrintable(name + u":\n"_s
                                          + (profile.ok() ? QString() : profile.error().message)));
    }
    // The first block of the documentation is the complete example, in the written form.
    QCOMPARE(toJson(*parse(docBlocks.constFirst())), docBlocks.constFirst());
}

void TstProfile::savesAndLoadsFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"profile.json"_s);
    const auto saved = saveFile(path, fullProfile());
    QVERIFY2(saved.ok(), qPrintable(saved.ok() ? QString() : saved.error().message));
    QVERIFY(!(QFile::permissions(path) & QFileDevice::WriteOther));
    const auto loaded = loadFile(path);
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().message));
    QVERIFY(*loaded == fullProfile());
}

void TstProfile::namesTheFileInLoadErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(u"missing.json"_s);
    const auto notThere = loadFile(missing);
    QVERIFY(!notThere.ok());
    QVERIFY2(notThere.error().message.startsWith(missing + u": cannot read the profile: "_s),
             qPrintable(notThere.error().message));

    const QString invalid = dir.filePath(u"invalid.json"_s);
    QFile file(invalid);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(withKey("concurrency", R"("eight")"));
    file.close();
    const auto bad = loadFile(invalid);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().message,
             invalid + u":\nprofile.concurrency: must be a positive integer, got \"eight\""_s);
}

QTEST_GUILESS_MAIN(TstProfile)
#include "tst_profile.moc"
