#pragma once

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

// Callback results on disk, one file per key, so a re-run computes only what changed and a batch
// killed halfway loses nothing it finished. The key covers the image content, the callback
// identity, the mapping and the config; files are written whole (write, then rename).
namespace ango::eval {

struct CachedRun
{
    nlohmann::json result; // as the callback returned it
    qint64 durationMs = -1;
};

class ResultCache
{
public:
    explicit ResultCache(QString dir); // empty: nothing is cached
    bool enabled() const { return !m_dir.isEmpty(); }
    QString dir() const { return m_dir; }

    static QByteArray key(const QByteArray &imageHash, const QString &callbackIdentity,
                          const nlohmann::json &categorySchema,
                          const std::optional<QString> &configJson);

    std::optional<CachedRun> find(const QByteArray &key) const;
    // Errors name the file.
    QString store(const QByteArray &key, const CachedRun &run) const;

private:
    QString pathOf(const QByteArray &key) const;
    QString m_dir;
};

// The identity of a callback spec as far as results depend on it: a script's absolute path and
// the hash of its content ("python:/abs/model.py:run_model#<sha256>"), an exec program likewise
// when it is a file, a URL as given.
QString callbackIdentity(const QString &spec);

// SHA-256 of the file's bytes (hex); of the URL's text when there is no local file.
QByteArray contentHash(const QString &localPath, const QString &url);

} // namespace ango::eval
