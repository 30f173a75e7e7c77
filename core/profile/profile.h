#pragma once

#include <QList>
#include <QString>
#include <QUrl>

// A profile is the whole setup of one plugin connection as a JSON file, shared by the GUI
// (export, import) and `ango-console run --profile FILE`. The format is described in
// docs/profile.md; the parser is profilejson.h.
namespace ango::profile {

inline constexpr int kCurrentVersion = 1;

// Where the plugin secret lives. A profile names the place and never holds the secret: profiles
// are exported, mailed, mounted from ConfigMaps and committed to repositories.
struct SecretReference
{
    enum class Kind { Keychain, Environment, File };

    Kind kind = Kind::Environment;
    // Keychain entry, variable name, or file path (which may contain ${VAR}, resolved when read,
    // so that systemd's ${CREDENTIALS_DIRECTORY} works).
    QString name = QStringLiteral("ANGO_PLUGIN_SECRET");

    friend bool operator==(const SecretReference &, const SecretReference &) = default;
};

struct CallbackSettings
{
    QString spec
        = QStringLiteral("demo"); // "demo", "python:FILE[:FUNCTION]", "exec:CMD", "http:URL"
    QString interpreter;          // python: only; empty: the adapter's default
    int concurrency = 0;          // worker processes; 0: the profile's concurrency

    friend bool operator==(const CallbackSettings &, const CallbackSettings &) = default;
};

// One entry of the categorySchema the hub sends with a request.
struct CategoryMapping
{
    QString schemaId;
    QString modelClass;

    friend bool operator==(const CategoryMapping &, const CategoryMapping &) = default;
};

enum class ReviewPolicy { Auto, Hold };
enum class LogFormat { Text, Jsonl };

// Defaults are those of `ango-console run` without flags.
struct Profile
{
    int version = kCurrentVersion;
    QString name; // optional label ("production", "staging")
    QUrl hubUrl{QStringLiteral("https://plugin.imerit.ango.ai")};
    QUrl apiHost{QStringLiteral("https://imeritapi.ango.ai")};
    QString pluginId;
    SecretReference secret;
    CallbackSettings callback;
    QList<CategoryMapping> mapping;
    QString configJson; // compact JSON text, key order kept; empty: no configJSON
    int concurrency = 4;
    int workflowConcurrency = 1;
    double requestTimeoutSeconds = 120;
    double heartbeatSeconds = 60;
    ReviewPolicy review = ReviewPolicy::Auto;
    LogFormat logFormat = LogFormat::Text;

    friend bool operator==(const Profile &, const Profile &) = default;
};

} // namespace ango::profile
