#include "annotation/annotation.h"
#include "eval/dataset.h"
#include "eval/datasetfile.h"
#include "eval/objectbox.h"
#include "eval/projectassets.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QUrl>

using nlohmann::json;

namespace ango::eval {

using namespace detail;

namespace {

QString text(const json &owner, const char *key)
{
    const auto it = owner.find(key);
    return it != owner.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                : QString();
}

// Where the asset's answer is: "task" (the export's per-asset task), "answer", or "tasks"[0].
const json *answerOf(const json &asset)
{
    for (const char *key : {"task", "answer"}) {
        const auto it = asset.find(key);
        if (it != asset.end() && it->is_object())
            return &*it;
    }
    const auto tasks = asset.find("tasks");
    if (tasks != asset.end() && tasks->is_array() && !tasks->empty() && tasks->front().is_object())
        return &tasks->front();
    return nullptr;
}

class ExportReader
{
public:
    ExportReader(const QString &file, const QString &imageDir, Dataset &dataset)
        : m_file(fileLabel(file))
        , m_imageDir(imageDir)
        , m_dataset(dataset)
    {}

    void read(const json &assets)
    {
        for (std::size_t i = 0; i < assets.size(); ++i)
            readAsset(assets[i], i);
    }

private:
    void problem(const QString &entry, const QString &field, const QString &message)
    {
        m_dataset.addProblem(DatasetProblem{m_file, entry, field, message});
    }

    void readAsset(const json &asset, std::size_t i)
    {
        QString entry = QStringLiteral("[%1]").arg(i);
        if (!asset.is_object()) {
            problem(entry, {},
                    QStringLiteral("must be an object, but it is %1").arg(describeValue(asset)));
            return;
        }
        const QString externalId = text(asset, "externalId");
        if (externalId.isEmpty()) {
            problem(entry, QStringLiteral("externalId"), QStringLiteral("is missing"));
            return;
        }
        entry += QStringLiteral(" (externalId \"%1\")").arg(externalId);
        if (m_keys.contains(externalId)) {
            problem(entry, QStringLiteral("externalId"),
                    QStringLiteral("is the externalId of an earlier asset"));
            return;
        }
        DatasetImage image;
        image.key = externalId;
        image.fileName = externalId;
        image.cocoId = qint64(m_dataset.images.size()) + 1;
        if (!locate(asset, entry, image))
            return;
        const json *answer = answerOf(asset);
        if (!answer) {
            problem(entry, QStringLiteral("task"),
                    QStringLiteral("is missing: the asset's answer (task, answer or tasks) is "
                                   "its ground truth"));
            return;
        }
        auto normalized = annotation::normalize(*answer);
        if (!normalized) {
            problem(entry, QStringLiteral("task"), normalized.error().message);
            return;
        }
        const json &objects = normalized->objects;
        for (std::size_t k = 0; k < objects.size(); ++k)
            readObject(objects[k], entry, k, image);
        if (const auto metadata = asset.find("metadata");
            metadata != asset.end() && metadata->is_object()) {
            const auto w = readNumber(metadata->value("width", json()));
            const auto h = readNumber(metadata->value("height", json()));
            if (w && h)
                image.size = QSize(int(*w), int(*h));
        }
        m_keys.insert(externalId);
        m_dataset.images.push_back(std::move(image));
    }

    // A local path (relative to the image folder) wins over the URL, so runs work offline.
    bool locate(const json &asset, const QString &entry, DatasetImage &image)
    {
        const QDir dir(m_imageDir);
        QString url;
        for (const char *key : {"asset", "data", "dataURL"}) {
            url = text(asset, key);
            if (!url.isEmpty())
                break;
        }
        const QString path = text(asset, "path");
        for (const QString &candidate : {path, image.key}) {
            if (candidate.isEmpty() || m_imageDir.isEmpty())
                continue;
            const QString full = QDir::cleanPath(dir.absoluteFilePath(candidate));
            if (QFileInfo(full).isFile()) {
                image.localPath = full;
                image.url = QUrl::fromLocalFile(full).toString();
                return true;
            }
        }
        const QUrl parsed(url);
        if (parsed.isLocalFile()) {
            if (!QFileInfo(parsed.toLocalFile()).isFile()) {
                problem(entry, QStringLiteral("asset"),
                        QStringLiteral("the image %1 does not exist; the asset is left out")
                            .arg(parsed.toLocalFile()));
                return false;
            }
            image.localPath = parsed.toLocalFile();
        }
        if (url.isEmpty()) {
            problem(entry, path.isEmpty() ? QStringLiteral("asset") : QStringLiteral("path"),
                    path.isEmpty()
                        ? QStringLiteral("is missing, and no file named after the externalId is "
                                         "in the image folder; the asset is left out")
                        : QStringLiteral("%1 is not in the image folder; the asset is left out")
                              .arg(path));
            return false;
        }
        image.url = url;
        return true;
    }

    void readObject(const json &object, const QString &entry, std::size_t k, DatasetImage &image)
    {
        const QString field = QStringLiteral("task.tools[%1]").arg(k);
        QString name = text(object, "title");
        if (name.isEmpty()) {
            problem(entry, field + QStringLiteral(".title"),
                    QStringLiteral("is missing: ground-truth classes are matched by title"));
            return;
        }
        const auto box = objectBox(object);
        if (!box)
            return; // points, polylines, classifications' shapes: nothing to measure
        int category = m_dataset.categoryByName(name);
        if (category < 0) {
            category = int(m_dataset.categories.size());
            m_dataset.categories.push_back(
                Category{name, text(object, "schemaId"), qint64(category) + 1});
        }
        TruthObject truth;
        truth.category = category;
        truth.box = box->box;
        truth.area = box->box.area();
        truth.fromPolygon = box->source != BoxSource::BoundingBox;
        truth.id = qint64(image.truth.size()) + 1;
        if (truth.fromPolygon)
            ++m_dataset.polygonTruth;
        image.truth.push_back(truth);
    }

    QString m_file;
    QString m_imageDir;
    Dataset &m_dataset;
    QSet<QString> m_keys;
};

} // namespace

Result<Dataset> datasetFromAngoAssets(const json &assets, const QString &source,
                                      const QString &imageDir)
{
    if (!assets.is_array())
        return makeError(QStringLiteral("%1: must be a list of assets, but it is %2")
                             .arg(source, describeValue(assets)));
    Dataset dataset;
    dataset.kind = Dataset::Kind::AngoExport;
    dataset.imageDir = imageDir.isEmpty() ? QString() : QFileInfo(imageDir).absoluteFilePath();
    // ExportReader names the file in problems: here the "file" is the source.
    ExportReader(source, imageDir, dataset).read(assets);
    return dataset;
}

Result<Dataset> loadAngoExport(const QString &exportFile, const QString &imageDir)
{
    auto root = readJsonFile(exportFile);
    if (!root)
        return root.error();
    const QString file = fileLabel(exportFile);
    const json *assets = &*root;
    if (root->is_object()) {
        const auto it = root->find("assets");
        if (it == root->end())
            return makeError(QStringLiteral("%1: assets: is missing (an Ango export is a list of "
                                            "assets)")
                                 .arg(file));
        assets = &*it;
    }
    if (!assets->is_array())
        return makeError(QStringLiteral("%1: must be a list of assets, but it is %2")
                             .arg(file, describeValue(*assets)));
    if (assets->size() > std::size_t(kMaxImages))
        return makeError(QStringLiteral("%1: has more than %2 assets").arg(file).arg(kMaxImages));
    Dataset dataset;
    dataset.kind = Dataset::Kind::AngoExport;
    dataset.sourceFile = QFileInfo(exportFile).absoluteFilePath();
    dataset.imageDir = imageDir.isEmpty() ? QString() : QFileInfo(imageDir).absoluteFilePath();
    ExportReader(exportFile, imageDir, dataset).read(*assets);
    return dataset;
}

} // namespace ango::eval
