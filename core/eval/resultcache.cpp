#include "eval/resultcache.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace ango::eval {

namespace {
// A cached result bigger than this is not trusted (hostile or corrupt cache folder).
constexpr qint64 kMaxCachedBytes = 64 * 1024 * 1024;

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return {};
    return hash.result().toHex();
}
} // namespace

ResultCache::ResultCache(QString dir)
    : m_dir(std::move(dir))
{
    if (!m_dir.isEmpty())
        QDir().mkpath(m_dir);
}

QByteArray ResultCache::key(const QByteArray &imageHash, const QString &callbackIdentity,
                            const nlohmann::json &categorySchema,
                            const std::optional<QString> &configJson)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    // Length-prefixed parts: no two different inputs concatenate to the same bytes.
    auto part = [&hash](const QByteArray &bytes) {
        hash.addData(QByteArray(QByteArray::number(bytes.size()) + ':'));
        hash.addData(bytes);
    };
    part(imageHash);
    part(callbackIdentity.toUtf8());
    part(QByteArray::fromStdString(categorySchema.dump()));
    part(configJson ? QByteArray("1") + configJson->toUtf8() : QByteArray("0"));
    return hash.result().toHex();
}

QString ResultCache::pathOf(const QByteArray &key) const
{
    return m_dir + QLatin1Char('/') + QString::fromLatin1(key) + QStringLiteral(".json");
}

std::optional<CachedRun> ResultCache::find(const QByteArray &key) const
{
    if (!enabled())
        return std::nullopt;
    QFile file(pathOf(key));
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxCachedBytes)
        return std::nullopt;
    const QByteArray bytes = file.readAll();
    try {
        const nlohmann::json stored
            = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
        if (!stored.is_object() || !stored.contains("result"))
            return std::nullopt;
        return CachedRun{stored.at("result"), stored.value("durationMs", qint64(-1))};
    } catch (const nlohmann::json::exception &) {
        return std::nullopt; // unreadable: computed again
    }
}

QString ResultCache::store(const QByteArray &key, const CachedRun &run) const
{
    if (!enabled())
        return {};
    QSaveFile file(pathOf(key));
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot be written: %2").arg(file.fileName(), file.errorString());
    const nlohmann::json stored{{"result", run.result}, {"durationMs", run.durationMs}};
    file.write(QByteArray::fromStdString(
        stored.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    if (!file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(file.fileName(), file.errorString());
    return {};
}

QString callbackIdentity(const QString &spec)
{
    const qsizetype colon = spec.indexOf(QLatin1Char(':'));
    const QString kind = colon < 0 ? spec : spec.left(colon);
    if (kind != QLatin1String("python") && kind != QLatin1String("exec"))
        return spec; // demo, http(s) URLs: the spec is the identity
    QString rest = spec.mid(colon + 1);
    QString suffix;
    if (kind == QLatin1String("python")) {
        // python:PATH[:FUNCTION]
        const qsizetype last = rest.lastIndexOf(QLatin1Char(':'));
        if (last > 0 && !QFileInfo::exists(rest)) {
            suffix = rest.mid(last);
            rest = rest.left(last);
        }
    } else {
        // exec:COMMAND ARGS: the program is the first word
        const qsizetype space = rest.indexOf(QLatin1Char(' '));
        if (space > 0) {
            suffix = rest.mid(space);
            rest = rest.left(space);
        }
    }
    const QFileInfo info(rest);
    if (!info.isFile())
        return spec;
    return kind + QLatin1Char(':') + info.absoluteFilePath() + suffix + QLatin1Char('#')
           + QString::fromLatin1(fileHash(info.absoluteFilePath()));
}

QByteArray contentHash(const QString &localPath, const QString &url)
{
    if (!localPath.isEmpty()) {
        const QByteArray hash = fileHash(localPath);
        if (!hash.isEmpty())
            return hash;
    }
    return QCryptographicHash::hash(url.toUtf8(), QCryptographicHash::Sha256).toHex();
}

} // namespace ango::eval
