#include "profile/jsonproblems.h"

#include "common/runlimits.h"
#include "profile/profilejson.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ango::profile {

namespace {

using Json = nlohmann::ordered_json; // keeps the key order of "config"
using detail::describe;

constexpr int kMaxCount = limits::kMaxConcurrency; // the runner's flag limit

const QStringList kTopLevelKeys = {
    QStringLiteral("version"),
    QStringLiteral("name"),
    QStringLiteral("hubUrl"),
    QStringLiteral("apiHost"),
    QStringLiteral("pluginId"),
    QStringLiteral("secret"),
    QStringLiteral("callback"),
    QStringLiteral("mapping"),
    QStringLiteral("config"),
    QStringLiteral("concurrency"),
    QStringLiteral("workflowConcurrency"),
    QStringLiteral("requestTimeoutSeconds"),
    QStringLiteral("heartbeatSeconds"),
    QStringLiteral("review"),
    QStringLiteral("logFormat"),
};
const QStringList kSecretKinds
    = {QStringLiteral("keychain"), QStringLiteral("env"), QStringLiteral("file")};
const QStringList kCallbackKeys
    = {QStringLiteral("spec"), QStringLiteral("interpreter"), QStringLiteral("concurrency")};
const QStringList kMappingKeys = {QStringLiteral("schemaId"), QStringLiteral("modelClass")};

const QString kReferenceForms
    = QStringLiteral("{\"env\": \"VAR\"}, {\"file\": \"/path\"} or {\"keychain\": \"entry\"}");
const QString kReferenceHint = QStringLiteral("reference it instead: ") + kReferenceForms;

// Keys under which people put the secret itself. Compared without case, '_' and '-'.
bool namesLiteralSecret(const QString &key)
{
    static const QSet<QString> names = {
        QStringLiteral("secret"),      QStringLiteral("pluginsecret"),
        QStringLiteral("secretvalue"), QStringLiteral("value"),
        QStringLiteral("literal"),     QStringLiteral("apikey"),
        QStringLiteral("password"),    QStringLiteral("token"),
        QStringLiteral("accesstoken"), QStringLiteral("clientsecret"),
        QStringLiteral("secretkey"),
    };
    QString normalized = key.toLower();
    normalized.remove(QLatin1Char('_')).remove(QLatin1Char('-'));
    return names.contains(normalized);
}

bool containsLiteralSecretKey(const Json &object)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (namesLiteralSecret(QString::fromStdString(it.key())))
            return true;
    }
    return false;
}

QString literalSecretMessage()
{
    return QStringLiteral("a profile must not contain the secret itself (profiles are exported, "
                          "shared and committed); ")
           + kReferenceHint;
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

bool isExtensionKey(const QString &key)
{
    return key.startsWith(QLatin1String("x-"));
}

// nlohmann keeps the last of two equal keys without a word; a second "review" silently winning
// is the kind of surprise a profile must not have. The parser callback sees every key in order.
class DuplicateKeyFinder
{
public:
    bool onEvent(Json::parse_event_t event, const Json &parsed)
    {
        using Event = Json::parse_event_t;
        switch (event) {
        case Event::object_start:
            m_frames.push_back(Frame{false, {}, {}});
            break;
        case Event::array_start:
            m_frames.push_back(Frame{true, {}, {}});
            break;
        case Event::object_end:
        case Event::array_end:
            if (!m_frames.empty())
                m_frames.pop_back();
            break;
        case Event::key:
            if (!m_frames.empty()) {
                Frame &frame = m_frames.back();
                frame.lastKey = parsed.get<std::string>();
                if (!frame.keys.insert(frame.lastKey).second)
                    m_duplicates << currentPath();
            }
            break;
        case Event::value:
            break;
        }
        return true;
    }

    const QStringList &duplicates() const { return m_duplicates; }

private:
    struct Frame
    {
        bool array;
        std::set<std::string> keys;
        std::string lastKey;
    };

    QString currentPath() const
    {
        // The outermost frame is the profile object itself; array positions are not tracked.
        QString path = QStringLiteral("profile");
        for (const Frame &frame : m_frames)
            path += frame.array ? QStringLiteral("[]")
                                : QLatin1Char('.') + QString::fromStdString(frame.lastKey);
        return path;
    }

    std::vector<Frame> m_frames;
    QStringList m_duplicates;
};

// nlohmann's message without its "[json.exception…] " prefix and without the "last read: '…'"
// excerpt, which could quote a secret pasted into a broken file.
QString describeParseError(const std::exception &error)
{
    QString message = QString::fromUtf8(error.what());
    message.remove(QRegularExpression(QStringLiteral("^\\[json\\.exception\\.[a-z_]+\\.\\d+\\] ")));
    message.remove(QRegularExpression(QStringLiteral("; last read: '.*?'")));
    return message;
}

class Parser
{
public:
    Result<Profile> run(const Json &root)
    {
        if (!root.is_object())
            return makeError(QStringLiteral("profile: must be a JSON object, got ")
                             + describe(root));
        if (!readVersion(root))
            return m_problems.toError();

        for (auto it = root.begin(); it != root.end(); ++it)
            checkTopLevelKey(QString::fromStdString(it.key()), it.value());

        readOptionalString(root, "name", m_profile.name);
        readUrl(root, "hubUrl", m_profile.hubUrl);
        readUrl(root, "apiHost", m_profile.apiHost);
        readPluginId(root);
        readSecret(root);
        readCount(root, "concurrency", QStringLiteral("profile.concurrency"),
                  m_profile.concurrency);
        readCount(root, "workflowConcurrency", QStringLiteral("profile.workflowConcurrency"),
                  m_profile.workflowConcurrency);
        readCallback(root);
        readMapping(root);
        readConfig(root);
        readSeconds(root, "requestTimeoutSeconds", m_profile.requestTimeoutSeconds,
                    limits::kMinRequestTimeoutSeconds, limits::kMaxRequestTimeoutSeconds);
        readSeconds(root, "heartbeatSeconds", m_profile.heartbeatSeconds,
                    limits::kMinHeartbeatSeconds, limits::kMaxHeartbeatSeconds);
        readChoice(root, "review", {QStringLiteral("auto"), QStringLiteral("hold")},
                   [this](qsizetype i) { m_profile.review = ReviewPolicy(i); });
        readChoice(root, "logFormat", {QStringLiteral("text"), QStringLiteral("jsonl")},
                   [this](qsizetype i) { m_profile.logFormat = LogFormat(i); });

        if (!m_problems.isEmpty())
            return m_problems.toError();
        return m_profile;
    }

private:
    static QString pathOf(const char *key)
    {
        return QStringLiteral("profile.") + QLatin1String(key);
    }

    // Only a version this console does not know stops the parse: the rest of a newer file's
    // problems would be noise. A missing or mistyped one is reported with everything else.
    bool readVersion(const Json &root)
    {
        const auto it = root.find("version");
        const QString path = pathOf("version");
        if (it == root.end()) {
            m_problems.add(
                path, QStringLiteral("required (this console writes %1)").arg(kCurrentVersion));
            return true;
        }
        if (!it->is_number_integer()) {
            m_problems.add(path, QStringLiteral("must be the integer %1, got %2")
                                     .arg(kCurrentVersion)
                                     .arg(describe(*it)));
            return true;
        }
        if (it->is_number_unsigned() ? it->get<quint64>() != quint64(kCurrentVersion)
                                     : it->get<qint64>() != kCurrentVersion) {
            m_problems.add(path,
                           QStringLiteral("unsupported version %1: this console reads version %2")
                               .arg(describe(*it))
                               .arg(kCurrentVersion));
            return false;
        }
        m_profile.version = kCurrentVersion;
        return true;
    }

    void checkTopLevelKey(const QString &key, const Json &value)
    {
        if (kTopLevelKeys.contains(key) || isExtensionKey(key)) {
            if (key == QLatin1String("secret") && !value.is_object())
                m_problems.add(QStringLiteral("profile.secret"),
                               value.is_string()
                                   ? literalSecretMessage()
                                   : QStringLiteral("must be one of ") + kReferenceForms
                                         + QStringLiteral(", got ") + describe(value));
            return;
        }
        reportUnknownKey(QStringLiteral("profile.") + key, key, kTopLevelKeys);
    }

    void reportUnknownKey(const QString &path, const QString &key, const QStringList &known)
    {
        if (namesLiteralSecret(key)) {
            m_problems.add(path, literalSecretMessage());
            return;
        }
        QString message = QStringLiteral("unknown key");
        if (const QString guess = detail::closestKey(key, known); !guess.isEmpty())
            message += QStringLiteral(" (did you mean \"%1\"?)").arg(guess);
        else
            message += QStringLiteral(" (known: %1; keys starting with \"x-\" are ignored)")
                           .arg(known.join(QStringLiteral(", ")));
        m_problems.add(path, message);
    }

    void checkKeys(const Json &object, const QString &path, const QStringList &known)
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString key = QString::fromStdString(it.key());
            if (!known.contains(key) && !isExtensionKey(key))
                reportUnknownKey(path + QLatin1Char('.') + key, key, known);
        }
    }

    std::optional<QString> nonEmptyString(const Json &value, const QString &path)
    {
        if (value.is_string()) {
            const QString text = QString::fromStdString(value.get<std::string>()).trimmed();
            if (!text.isEmpty())
                return text;
        }
        m_problems.add(path, QStringLiteral("must be a non-empty string, got ") + describe(value));
        return std::nullopt;
    }

    void readOptionalString(const Json &root, const char *key, QString &target)
    {
        const auto it = root.find(key);
        if (it == root.end() || it->is_null())
            return;
        if (!it->is_string()) {
            m_problems.add(pathOf(key), QStringLiteral("must be a string, got ") + describe(*it));
            return;
        }
        target = QString::fromStdString(it->get<std::string>()).trimmed();
    }

    void readUrl(const Json &root, const char *key, QUrl &target)
    {
        const auto it = root.find(key);
        if (it == root.end() || it->is_null())
            return;
        const QUrl url = it->is_string() ? QUrl(QString::fromStdString(it->get<std::string>()),
                                                QUrl::StrictMode)
                                         : QUrl();
        const QString scheme = url.scheme();
        if (!url.isValid() || url.host().isEmpty()
            || !(scheme == QLatin1String("http") || scheme == QLatin1String("https")
                 || scheme == QLatin1String("ws") || scheme == QLatin1String("wss"))) {
            m_problems.add(pathOf(key),
                           QStringLiteral("must be an http(s):// URL with a host, got ")
                               + describe(*it));
            return;
        }
        target = url;
    }

    void readPluginId(const Json &root)
    {
        const auto it = root.find("pluginId");
        if (it == root.end()) {
            m_problems.add(pathOf("pluginId"),
                           QStringLiteral("required (the plugin's id on the hub)"));
            return;
        }
        if (auto id = nonEmptyString(*it, pathOf("pluginId")))
            m_profile.pluginId = *id;
    }

    void readSecret(const Json &root)
    {
        const QString path = pathOf("secret");
        const auto it = root.find("secret");
        if (it == root.end()) {
            m_problems.add(path, QStringLiteral("required: ") + kReferenceForms);
            return;
        }
        if (!it->is_object())
            return; // reported with the keys
        checkKeys(*it, path, kSecretKinds);
        QStringList given;
        for (const QString &kind : kSecretKinds) {
            if (it->contains(kind.toStdString()))
                given << kind;
        }
        // {"value": "..."} alone has been reported as a literal secret; "give one of" adds nothing.
        if (given.isEmpty() && containsLiteralSecretKey(*it))
            return;
        if (given.size() != 1) {
            m_problems.add(
                path,
                given.isEmpty()
                    ? QStringLiteral("give one of \"keychain\", \"env\" or \"file\"")
                    : QStringLiteral("give only one of %1").arg(given.join(QStringLiteral(", "))));
            return;
        }
        const QString kind = given.constFirst();
        const QString kindPath = path + QLatin1Char('.') + kind;
        const Json &value = it->at(kind.toStdString());
        auto name = nonEmptyString(value, kindPath);
        if (!name)
            return;
        if (kind == QLatin1String("keychain")) {
            m_profile.secret = {SecretReference::Kind::Keychain, *name};
        } else if (kind == QLatin1String("env")) {
            static const QRegularExpression variableName(
                QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
            if (!variableName.match(*name).hasMatch()) {
                m_problems.add(kindPath,
                               QStringLiteral("must be an environment variable name, got ")
                                   + describe(value));
                return;
            }
            m_profile.secret = {SecretReference::Kind::Environment, *name};
        } else {
            if (!name->startsWith(QLatin1Char('/')) && !name->startsWith(QLatin1String("${"))) {
                m_problems.add(
                    kindPath,
                    QStringLiteral("must be an absolute path (or start with ${VAR}), got ")
                        + describe(value));
                return;
            }
            m_profile.secret = {SecretReference::Kind::File, *name};
        }
    }

    std::optional<int> count(const Json &value, const QString &path)
    {
        if (!value.is_number_integer()) {
            m_problems.add(path,
                           QStringLiteral("must be a positive integer, got ") + describe(value));
            return std::nullopt;
        }
        if (value.is_number_unsigned() ? value.get<quint64>() == 0 : value.get<qint64>() < 1) {
            m_problems.add(path,
                           QStringLiteral("must be a positive integer, got ") + describe(value));
            return std::nullopt;
        }
        if (value.is_number_unsigned() ? value.get<quint64>() > quint64(kMaxCount)
                                       : value.get<qint64>() > kMaxCount) {
            m_problems.add(
                path,
                QStringLiteral("must be at most %1, got %2").arg(kMaxCount).arg(describe(value)));
            return std::nullopt;
        }
        return int(value.get<qint64>());
    }

    void readCount(const Json &object, const char *key, const QString &path, int &target)
    {
        const auto it = object.find(key);
        if (it == object.end() || it->is_null())
            return;
        if (auto value = count(*it, path))
            target = *value;
    }

    // The same ranges as the runner's flags (common/runlimits.h).
    void readSeconds(const Json &root, const char *key, double &target, double minimum,
                     double maximum)
    {
        const auto it = root.find(key);
        if (it == root.end() || it->is_null())
            return;
        const double seconds = it->is_number() ? it->get<double>() : 0.0;
        if (!it->is_number() || !std::isfinite(seconds) || seconds < minimum || seconds > maximum) {
            m_problems.add(pathOf(key),
                           QStringLiteral("must be a number of seconds from %1 to %2, got %3")
                               .arg(minimum)
                               .arg(maximum)
                               .arg(describe(*it)));
            return;
        }
        target = seconds;
    }

    template <typename Apply>
    void readChoice(const Json &root, const char *key, const QStringList &choices, Apply apply)
    {
        const auto it = root.find(key);
        if (it == root.end() || it->is_null())
            return;
        const qsizetype index
            = it->is_string() ? choices.indexOf(QString::fromStdString(it->get<std::string>()))
                              : -1;
        if (index < 0) {
            QStringList quotedChoices;
            for (const QString &choice : choices)
                quotedChoices << quoted(choice);
            m_problems.add(pathOf(key),
                           QStringLiteral("must be %1, got %2")
                               .arg(quotedChoices.join(QStringLiteral(" or ")), describe(*it)));
            return;
        }
        apply(index);
    }

    void readCallback(const Json &root)
    {
        const auto it = root.find("callback");
        if (it == root.end() || it->is_null())
            return;
        const QString path = pathOf("callback");
        if (it->is_string()) {
            if (auto spec = nonEmptyString(*it, path); spec && checkSpec(*spec, path))
                m_profile.callback.spec = *spec;
            return;
        }
        if (!it->is_object()) {
            m_problems.add(
                path, QStringLiteral("must be a spec string (\"demo\", \"python:/path/model.py\", "
                                     "\"exec:CMD\", \"http:URL\") or an object with \"spec\", got ")
                          + describe(*it));
            return;
        }
        checkKeys(*it, path, kCallbackKeys);
        const QString specPath = path + QStringLiteral(".spec");
        const auto spec = it->find("spec");
        bool specValid = false;
        if (spec == it->end()) {
            m_problems.add(specPath,
                           QStringLiteral("required (\"demo\", \"python:/path/model.py\", ...)"));
        } else if (auto text = nonEmptyString(*spec, specPath);
                   text && checkSpec(*text, specPath)) {
            m_profile.callback.spec = *text;
            specValid = true;
        }
        readCount(*it, "concurrency", path + QStringLiteral(".concurrency"),
                  m_profile.callback.concurrency);
        if (const auto interpreter = it->find("interpreter");
            interpreter != it->end() && !interpreter->is_null()) {
            const QString interpreterPath = path + QStringLiteral(".interpreter");
            if (auto text = nonEmptyString(*interpreter, interpreterPath); text && specValid) {
                if (!m_profile.callback.spec.startsWith(QLatin1String("python:")))
                    m_problems.add(
                        interpreterPath,
                        QStringLiteral("only python: callbacks take an interpreter (spec is %1)")
                            .arg(quoted(m_profile.callback.spec)));
                else
                    m_profile.callback.interpreter = *text;
            }
        }
    }

    // Kinds the adapters know are checked for their argument; other kinds are left to the
    // callback factory, which lists the kinds it knows.
    bool checkSpec(const QString &spec, const QString &path)
    {
        const qsizetype colon = spec.indexOf(QLatin1Char(':'));
        const QString kind = colon < 0 ? spec : spec.left(colon);
        const QString argument = colon < 0 ? QString() : spec.mid(colon + 1).trimmed();
        if ((kind == QLatin1String("python") || kind == QLatin1String("exec")
             || kind == QLatin1String("http") || kind == QLatin1String("https"))
            && argument.isEmpty()) {
            m_problems.add(
                path, QStringLiteral("%1: needs %2, got %3")
                          .arg(kind,
                               kind == QLatin1String("python") ? QStringLiteral("a script path")
                               : kind == QLatin1String("exec") ? QStringLiteral("a command")
                                                               : QStringLiteral("a URL"),
                               quoted(spec)));
            return false;
        }
        return true;
    }

    void readMapping(const Json &root)
    {
        const auto it = root.find("mapping");
        if (it == root.end() || it->is_null())
            return;
        const QString path = pathOf("mapping");
        if (!it->is_array()) {
            m_problems.add(path,
                           QStringLiteral("must be a list of {\"schemaId\", \"modelClass\"}, got ")
                               + describe(*it));
            return;
        }
        QHash<QString, qsizetype> firstIndexOfClass;
        for (size_t i = 0; i < it->size(); ++i) {
            const Json &entry = it->at(i);
            const QString entryPath = path + QStringLiteral("[%1]").arg(i);
            if (!entry.is_object()) {
                m_problems.add(
                    entryPath,
                    QStringLiteral("must be an object {\"schemaId\", \"modelClass\"}, got ")
                        + describe(entry));
                continue;
            }
            checkKeys(entry, entryPath, kMappingKeys);
            CategoryMapping mapping;
            bool complete = true;
            for (const auto &[key, target] : {std::pair{"schemaId", &mapping.schemaId},
                                              std::pair{"modelClass", &mapping.modelClass}}) {
                const QString fieldPath = entryPath + QLatin1Char('.') + QLatin1String(key);
                const auto field = entry.find(key);
                if (field == entry.end()) {
                    m_problems.add(fieldPath, QStringLiteral("required"));
                    complete = false;
                } else if (auto text = nonEmptyString(*field, fieldPath)) {
                    *target = *text;
                } else {
                    complete = false;
                }
            }
            if (!complete)
                continue;
            if (const auto seen = firstIndexOfClass.constFind(mapping.modelClass);
                seen != firstIndexOfClass.cend()) {
                m_problems.add(entryPath + QStringLiteral(".modelClass"),
                               QStringLiteral("%1 is already mapped by mapping[%2]")
                                   .arg(quoted(mapping.modelClass))
                                   .arg(*seen));
                continue;
            }
            firstIndexOfClass.insert(mapping.modelClass, qsizetype(i));
            m_profile.mapping << mapping;
        }
    }

    // The hub hands configJSON to the plugin as a string, which the plugin JSON-decodes: a string
    // here must therefore hold JSON. Either form is kept as compact text in the original key order.
    void readConfig(const Json &root)
    {
        const auto it = root.find("config");
        if (it == root.end() || it->is_null())
            return;
        const QString path = pathOf("config");
        if (it->is_object()) {
            m_profile.configJson = QString::fromStdString(it->dump());
            return;
        }
        if (!it->is_string()) {
            m_problems.add(
                path,
                QStringLiteral("must be a JSON object or a string holding JSON (configJSON), got ")
                    + describe(*it));
            return;
        }
        const std::string text = it->get<std::string>();
        if (QString::fromStdString(text).trimmed().isEmpty())
            return;
        try {
            m_profile.configJson = QString::fromStdString(Json::parse(text).dump());
        } catch (const nlohmann::json::exception &error) {
            m_problems.add(
                path,
                QStringLiteral("the string is not valid JSON (plugins JSON-decode configJSON): ")
                    + describeParseError(error));
        }
    }

    Profile m_profile;
    detail::Problems m_problems;
};

} // namespace

Result<Profile> parse(QByteArrayView json)
{
    DuplicateKeyFinder duplicates;
    Json root;
    try {
        root = Json::parse(json.begin(), json.end(),
                           [&duplicates](int, Json::parse_event_t event, Json &parsed) {
                               return duplicates.onEvent(event, parsed);
                           });
    } catch (const nlohmann::json::exception &error) {
        return makeError(QStringLiteral("profile: not valid JSON: ") + describeParseError(error));
    }
    Parser parser;
    auto profile = parser.run(root);
    if (duplicates.duplicates().isEmpty())
        return profile;
    detail::Problems problems;
    for (const QString &path : duplicates.duplicates())
        problems.add(
            path, QStringLiteral("given twice (a JSON reader would silently keep the last one)"));
    QString message = problems.toError().message;
    if (!profile)
        message += QLatin1Char('\n') + profile.error().message;
    return makeError(message);
}

} // namespace ango::profile
