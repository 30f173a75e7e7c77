#include "profile/secretresolver.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace ango::profile {

namespace {

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

Result<QString> readSecretFile(const QString &reference, const QProcessEnvironment &environment)
{
    const QString where = QStringLiteral("profile.secret.file: ");
    auto expanded = expandFileReference(reference, environment);
    if (!expanded)
        return makeError(where + expanded.error().message);
    const QString path = *expanded;
    if (!QFileInfo(path).isAbsolute())
        return makeError(where + QStringLiteral("%1 is not an absolute path").arg(quoted(path)));
    // A secret file is a regular file; a FIFO or a device would block or never end.
    const QFileInfo info(path);
    if (!info.exists())
        return makeError(where + QStringLiteral("%1 does not exist").arg(path));
    if (!info.isFile())
        return makeError(where + QStringLiteral("%1 is not a regular file").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(where
                         + QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray content = file.read(kMaxSecretFileBytes + 1);
    if (content.size() > kMaxSecretFileBytes)
        return makeError(where
                         + QStringLiteral("%1 is larger than %2 bytes: not a secret")
                               .arg(path)
                               .arg(kMaxSecretFileBytes));
    // Editors and `echo` add a final newline; no secret ends with whitespace.
    const QString secret = QString::fromUtf8(content).trimmed();
    if (secret.isEmpty())
        return makeError(where + QStringLiteral("%1 is empty").arg(path));
    return secret;
}

} // namespace

Result<QString> expandFileReference(const QString &path, const QProcessEnvironment &environment)
{
    static const QRegularExpression variable(QStringLiteral("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}"));
    QString expanded;
    qsizetype last = 0;
    for (auto it = variable.globalMatch(path); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const QString name = match.captured(1);
        const QString value = environment.value(name);
        if (value.isEmpty())
            return makeError(
                QStringLiteral("%1 uses ${%2}, which is not set").arg(quoted(path), name));
        expanded += path.mid(last, match.capturedStart() - last) + value;
        last = match.capturedEnd();
    }
    expanded += path.mid(last);
    return expanded;
}

Result<QString> resolveSecret(const SecretReference &reference,
                              const QProcessEnvironment &environment)
{
    switch (reference.kind) {
    case SecretReference::Kind::Keychain:
        return makeError(
            QStringLiteral(
                "profile.secret.keychain: the secret is in the keychain entry %1, which only "
                "the console's GUI reads; a headless run needs {\"env\": \"VAR\"} or "
                "{\"file\": \"/path\"}")
                .arg(quoted(reference.name)));
    case SecretReference::Kind::Environment: {
        const QString secret = environment.value(reference.name).trimmed();
        if (secret.isEmpty())
            return makeError(QStringLiteral("profile.secret.env: the environment variable %1 is %2")
                                 .arg(reference.name, environment.contains(reference.name)
                                                          ? QStringLiteral("empty")
                                                          : QStringLiteral("not set")));
        return secret;
    }
    case SecretReference::Kind::File:
        break;
    }
    return readSecretFile(reference.name, environment);
}

Result<QString> resolveSecret(const Profile &profile, const QProcessEnvironment &environment)
{
    return resolveSecret(profile.secret, environment);
}

} // namespace ango::profile
