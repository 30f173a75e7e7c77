#include "runprofile.h"

#include "profile/profilefile.h"
#include "profile/secretresolver.h"

#include <cmath>

namespace ango::app {

namespace {

// Each problem on its own line, each naming the file: a journal or `grep` shows lines alone.
QString namingTheFile(const QString &path, const QString &problems)
{
    QStringList lines = problems.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (QString &line : lines)
        line.prepend(path + QStringLiteral(": "));
    return lines.join(QLatin1Char('\n'));
}

std::chrono::milliseconds fromSeconds(double seconds)
{
    return std::chrono::milliseconds(std::max<qint64>(1, qint64(std::llround(seconds * 1000))));
}

} // namespace

Result<profile::Profile> loadRunProfile(const QString &path)
{
    auto loaded = profile::loadFile(path);
    if (loaded)
        return loaded;
    // loadFile puts "PATH:\n" above the parse problems; a file it cannot read is one line that
    // names the path already.
    const QString message = loaded.error().message;
    const QString header = path + QStringLiteral(":\n");
    if (message.startsWith(header))
        return makeError(namingTheFile(path, message.mid(header.size())));
    return makeError(message);
}

void applyProfile(const profile::Profile &profile, const QString &path, RunOptions &options)
{
    auto &rt = options.runtime;
    rt.pluginId = profile.pluginId;
    rt.hubUrl = profile.hubUrl;
    rt.apiHost = profile.apiHost;
    rt.interactiveConcurrency = profile.concurrency;
    rt.workflowConcurrency = profile.workflowConcurrency;
    rt.requestTimeout = fromSeconds(profile.requestTimeoutSeconds);
    rt.heartbeatInterval = fromSeconds(profile.heartbeatSeconds);
    rt.review = profile.review == profile::ReviewPolicy::Hold ? runtime::ReviewPolicy::Hold
                                                              : runtime::ReviewPolicy::Auto;
    options.logFormat
        = profile.logFormat == profile::LogFormat::Jsonl ? LogFormat::Jsonl : LogFormat::Text;
    options.callbackSpec = profile.callback.spec;
    options.callbackSource = path + QStringLiteral(": profile.callback");
    options.callbackInterpreter = profile.callback.interpreter;
    options.callbackWorkers = profile.callback.concurrency;
}

Result<QString> resolveProfileSecret(const profile::Profile &profile, const QString &path,
                                     const QProcessEnvironment &environment)
{
    auto secret = profile::resolveSecret(profile.secret, environment);
    if (secret)
        return secret;
    QString message = namingTheFile(path, secret.error().message);
    if (profile.secret.kind == profile::SecretReference::Kind::Keychain)
        message += QStringLiteral(" (or pass --secret-file PATH)");
    return makeError(message);
}

} // namespace ango::app
