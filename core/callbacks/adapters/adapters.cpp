#include "callbacks/adapters/adapters.h"

#include "callbacks/adapters/bridgelocation.h"
#include "callbacks/adapters/commandline.h"
#include "callbacks/adapters/execcallback.h"
#include "callbacks/adapters/httpcallback.h"
#include "callbacks/adapters/pythoncallback.h"
#include "callbacks/callbackfactory.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>

namespace ango::callbacks::adapters {

namespace {

QMap<QString, QString> environmentOption(const QVariantMap &options)
{
    QMap<QString, QString> environment;
    const QVariant value = options.value(QStringLiteral("environment"));
    if (value.canConvert<QVariantMap>() && value.typeId() == QMetaType::QVariantMap) {
        const QVariantMap map = value.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            environment.insert(it.key(), it.value().toString());
    } else {
        for (const QString &entry : value.toStringList()) // "NAME=value"
            environment.insert(entry.section(QLatin1Char('='), 0, 0),
                               entry.section(QLatin1Char('='), 1));
    }
    return environment;
}

qint64 maxResultBytesOption(const QVariantMap &options)
{
    const qint64 bytes
        = options.value(QStringLiteral("maxResultBytes"), kDefaultMaxResultBytes).toLongLong();
    return bytes > 0 ? bytes : kDefaultMaxResultBytes;
}

int concurrencyOption(const QVariantMap &options)
{
    return std::max(1, options.value(QStringLiteral("concurrency"), 1).toInt());
}

} // namespace

std::pair<QString, QString> splitScriptAndFunction(const QString &argument)
{
    static const QRegularExpression identifier(
        QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$"));
    const qsizetype colon = argument.lastIndexOf(QLatin1Char(':'));
    if (colon > 0 && identifier.match(argument.mid(colon + 1)).hasMatch())
        return {argument.left(colon), argument.mid(colon + 1)};
    return {argument, QString()};
}

Result<std::unique_ptr<Callback>> makePythonCallback(const QString &argument,
                                                     const QVariantMap &options)
{
    const auto [script, function] = splitScriptAndFunction(argument.trimmed());
    if (script.isEmpty())
        return makeError(QStringLiteral("python: needs a script: python:PATH[:FUNCTION]"));
    const QFileInfo scriptFile(script);
    if (!scriptFile.isFile())
        return makeError(
            QStringLiteral("python: no such script: %1").arg(scriptFile.absoluteFilePath()));
    PythonCallbackOptions python;
    python.scriptPath = scriptFile.absoluteFilePath();
    python.function = function;
    python.interpreter
        = options.value(QStringLiteral("interpreter"), QStringLiteral("python3")).toString();
    python.concurrency = concurrencyOption(options);
    python.reloadOnChange = options.value(QStringLiteral("reload"), false).toBool();
    python.apiHost = options.value(QStringLiteral("apiHost")).toString();
    python.workingDirectory = options.value(QStringLiteral("workingDirectory")).toString();
    python.environment = environmentOption(options);
    python.maxResultBytes = maxResultBytesOption(options);
    python.bridgeDir = options.value(QStringLiteral("bridgeDir")).toString();
    if (python.bridgeDir.isEmpty())
        python.bridgeDir = bridgeDirectory();
    if (!QFileInfo(QDir(python.bridgeDir).filePath(QStringLiteral("ango_bridge.py"))).isFile())
        return makeError(
            QStringLiteral(
                "python: the console's Python bridge (ango_bridge.py) is missing; looked in: %1")
                .arg(python.bridgeDir.isEmpty()
                         ? bridgeDirectoryCandidates().join(QStringLiteral(", "))
                         : python.bridgeDir));
    return std::unique_ptr<Callback>(std::make_unique<PythonCallback>(python));
}

Result<std::unique_ptr<Callback>> makeExecCallback(const QString &argument,
                                                   const QVariantMap &options)
{
    const auto words = splitShellWords(argument);
    if (!words)
        return makeError(QStringLiteral("exec: %1").arg(words.error().message));
    if (words->isEmpty())
        return makeError(QStringLiteral("exec: needs a command: exec:COMMAND"));
    ExecCallbackOptions exec;
    exec.command = argument.trimmed();
    exec.concurrency = concurrencyOption(options);
    exec.workingDirectory = options.value(QStringLiteral("workingDirectory")).toString();
    exec.environment = environmentOption(options);
    exec.maxResultBytes = maxResultBytesOption(options);
    return std::unique_ptr<Callback>(std::make_unique<ExecCallback>(exec));
}

Result<std::unique_ptr<Callback>> makeHttpCallback(const QString &argument,
                                                   const QVariantMap &options)
{
    QString text = argument.trimmed();
    // "http:http://host/x" as well as "http://host/x".
    static const QRegularExpression doubled(QStringLiteral("^https?:(?=https?://)"),
                                            QRegularExpression::CaseInsensitiveOption);
    text.remove(doubled);
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return makeError(QStringLiteral("http: \"%1\" is not an http(s) URL").arg(text));
    HttpCallbackOptions http;
    http.url = url;
    http.timeoutMs = std::max(0, options.value(QStringLiteral("timeoutMs"), 0).toInt());
    http.maxResultBytes = maxResultBytesOption(options);
    return std::unique_ptr<Callback>(std::make_unique<HttpCallback>(http));
}

void registerAdapterKinds()
{
    registerCallbackKind(QStringLiteral("python"), &makePythonCallback);
    registerCallbackKind(QStringLiteral("exec"), &makeExecCallback);
    registerCallbackKind(QStringLiteral("http"), &makeHttpCallback);
    registerCallbackKind(QStringLiteral("https"), &makeHttpCallback);
}

} // namespace ango::callbacks::adapters
