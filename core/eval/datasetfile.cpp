#include "eval/datasetfile.h"

#include "annotation/jsonwords.h"

#include <QFile>
#include <QFileInfo>

#include <cmath>

namespace ango::eval {

QString DatasetProblem::text() const
{
    QString out = file;
    for (const QString &part : {entry, field}) {
        if (part.isEmpty())
            continue;
        out += (out.isEmpty() ? QString() : QStringLiteral(": ")) + part;
    }
    return out + QStringLiteral(": ") + message;
}

int Dataset::categoryByName(const QString &name) const
{
    for (std::size_t i = 0; i < categories.size(); ++i) {
        if (categories[i].name.compare(name, Qt::CaseInsensitive) == 0)
            return int(i);
    }
    return -1;
}

void Dataset::addProblem(DatasetProblem problem)
{
    ++problemCount;
    if (qsizetype(problems.size()) < kMaxProblems)
        problems.push_back(std::move(problem));
}

qsizetype Dataset::truthCount() const
{
    qsizetype n = 0;
    for (const DatasetImage &image : images)
        n += qsizetype(image.truth.size());
    return n;
}

QString datasetKindName(Dataset::Kind kind)
{
    switch (kind) {
    case Dataset::Kind::Coco:
        return QStringLiteral("coco");
    case Dataset::Kind::Folder:
        return QStringLiteral("folder");
    case Dataset::Kind::AngoExport:
        return QStringLiteral("ango-export");
    }
    return {};
}

namespace detail {

QString fileLabel(const QString &path)
{
    return QFileInfo(path).fileName();
}

Result<nlohmann::json> readJsonFile(const QString &path, qint64 maxBytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    if (file.size() > maxBytes)
        return makeError(QStringLiteral("%1: is %2 MB, more than the %3 MB a dataset file may have")
                             .arg(path)
                             .arg(file.size() / (1024 * 1024))
                             .arg(maxBytes / (1024 * 1024)));
    const QByteArray bytes = file.readAll();
    try {
        return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
    } catch (const nlohmann::json::parse_error &e) {
        return makeError(QStringLiteral("%1: is not valid JSON (byte %2): %3")
                             .arg(path)
                             .arg(e.byte)
                             .arg(QString::fromUtf8(e.what())));
    }
}

std::optional<qint64> readId(const nlohmann::json &value)
{
    if (value.is_number_integer() || value.is_number_unsigned())
        return value.get<qint64>();
    if (value.is_number_float()) {
        const double d = value.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9e15)
            return qint64(d);
        return std::nullopt;
    }
    if (value.is_string()) {
        bool ok = false;
        const qint64 id = QString::fromStdString(value.get<std::string>()).toLongLong(&ok);
        if (ok)
            return id;
    }
    return std::nullopt;
}

std::optional<double> readNumber(const nlohmann::json &value)
{
    if (!value.is_number())
        return std::nullopt;
    const double d = value.get<double>();
    if (!std::isfinite(d))
        return std::nullopt;
    return d;
}

QString describeValue(const nlohmann::json &value)
{
    return annotation::detail::describe(value);
}

bool isImageFileName(const QString &name)
{
    static const QStringList suffixes{QStringLiteral("png"),  QStringLiteral("jpg"),
                                      QStringLiteral("jpeg"), QStringLiteral("bmp"),
                                      QStringLiteral("gif"),  QStringLiteral("webp"),
                                      QStringLiteral("tif"),  QStringLiteral("tiff")};
    return suffixes.contains(QFileInfo(name).suffix().toLower());
}

} // namespace detail
} // namespace ango::eval
