#include "console/setupprofile.h"

#include "panels/connection/connectionprofile.h"

namespace ango::app {

profile::Profile profileFromSetup(const ConsoleSetup &setup)
{
    profile::Profile out;
    out.name = setup.connection.name;
    out.pluginId = setup.connection.pluginId;
    out.hubUrl = setup.connection.hubUrl;
    out.apiHost = setup.connection.apiHost;
    out.secret = profile::SecretReference{profile::SecretReference::Kind::Environment,
                                          QStringLiteral("ANGO_PLUGIN_SECRET")};
    out.callback.spec = setup.callbackSpec == QLatin1String("sample") ? QStringLiteral("demo")
                                                                      : setup.callbackSpec;
    if (out.callback.spec.startsWith(QLatin1String("python:")))
        out.callback.interpreter
            = setup.callbackOptions.value(QStringLiteral("interpreter")).toString().trimmed();
    if (setup.categorySchema.is_array()) {
        for (const auto &entry : setup.categorySchema) {
            if (!entry.is_object())
                continue;
            out.mapping.append(profile::CategoryMapping{
                QString::fromStdString(entry.value("schemaId", std::string())),
                QString::fromStdString(entry.value("modelClass", std::string()))});
        }
    }
    // The profile keeps compact JSON in the author's key order; the console only lets valid JSON
    // run, and an invalid
    // text would make the whole profile unreadable: only valid text is exported.
    const QByteArray text = setup.configJson.trimmed().toUtf8();
    if (!text.isEmpty()) {
        const auto parsed
            = nlohmann::ordered_json::parse(text.constBegin(), text.constEnd(), nullptr,
                                            /*allow_exceptions=*/false);
        if (!parsed.is_discarded())
            out.configJson = QString::fromStdString(parsed.dump());
    }
    out.review = setup.review == runtime::ReviewPolicy::Hold ? profile::ReviewPolicy::Hold
                                                             : profile::ReviewPolicy::Auto;
    return out;
}

} // namespace ango::app
