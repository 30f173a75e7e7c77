#include "eval/dataset.h"
#include "eval/datasetfile.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QUrl>

using nlohmann::json;

namespace ango::eval {

using namespace detail;

namespace {

class CocoReader
{
public:
    CocoReader(const QString &cocoFile, const QString &imageDir, Dataset &dataset)
        : m_file(fileLabel(cocoFile))
        , m_imageDir(imageDir)
        , m_dataset(dataset)
    {}

    Result<void> read(const json &root)
    {
        if (!root.is_object())
            return makeError(QStringLiteral("%1: must be a JSON object with images, annotations "
                                            "and categories, but it is %2")
                                 .arg(m_file, describeValue(root)));
        for (const char *key : {"images", "annotations", "categories"}) {
            const auto it = root.find(key);
            if (it == root.end())
                return makeError(QStringLiteral("%1: %2: is missing (a COCO detection file has "
                                                "images, annotations and categories)")
                                     .arg(m_file, QLatin1String(key)));
            if (!it->is_array())
                return makeError(QStringLiteral("%1: %2: must be a list, but it is %3")
                                     .arg(m_file, QLatin1String(key), describeValue(*it)));
        }
        if (root.at("images").size() > std::size_t(kMaxImages))
            return makeError(QStringLiteral("%1: images: has %2 entries, more than %3")
                                 .arg(m_file)
                                 .arg(root.at("images").size())
                                 .arg(kMaxImages));
        readCategories(root.at("categories"));
        readImages(root.at("images"));
        readAnnotations(root.at("annotations"));
        return {};
    }

private:
    void problem(const QString &entry, const QString &field, const QString &message)
    {
        m_dataset.addProblem(DatasetProblem{m_file, entry, field, message});
    }

    static QString entryName(const char *list, std::size_t i, const json &item)
    {
        QString name = QStringLiteral("%1[%2]").arg(QLatin1String(list)).arg(i);
        if (item.is_object()) {
            if (const auto id = item.find("id"); id != item.end()) {
                if (const auto value = readId(*id))
                    name += QStringLiteral(" (id %1)").arg(*value);
            }
        }
        return name;
    }

    // An id field that must be a whole number.
    std::optional<qint64> idField(const json &item, const char *key, const QString &entry)
    {
        const auto it = item.find(key);
        if (it == item.end()) {
            problem(entry, QLatin1String(key), QStringLiteral("is missing"));
            return std::nullopt;
        }
        const auto id = readId(*it);
        if (!id)
            problem(entry, QLatin1String(key),
                    QStringLiteral("must be a whole number, but it is %1").arg(describeValue(*it)));
        return id;
    }

    void readCategories(const json &list)
    {
        for (std::size_t i = 0; i < list.size(); ++i) {
            const json &item = list[i];
            const QString entry = entryName("categories", i, item);
            if (!item.is_object()) {
                problem(entry, {},
                        QStringLiteral("must be an object, but it is %1").arg(describeValue(item)));
                continue;
            }
            const auto id = idField(item, "id", entry);
            const auto name = item.find("name");
            if (name == item.end() || !name->is_string() || name->get<std::string>().empty()) {
                problem(entry, QStringLiteral("name"),
                        (name == item.end() ? QStringLiteral("is missing")
                                            : QStringLiteral("must be non-empty text, but it is %1")
                                                  .arg(describeValue(*name)))
                            + QStringLiteral("; the category and its annotations are left out"));
                if (id)
                    m_droppedCategories.insert(*id);
                continue;
            }
            if (!id)
                continue;
            const QString text = QString::fromStdString(name->get<std::string>());
            if (m_categoryIndex.contains(*id)) {
                problem(entry, QStringLiteral("id"),
                        QStringLiteral("%1 is the id of an earlier category").arg(*id));
                continue;
            }
            if (m_dataset.categoryByName(text) >= 0) {
                problem(entry, QStringLiteral("name"),
                        QStringLiteral("\"%1\" is the name of an earlier category (names must be "
                                       "unique: classes are matched by name)")
                            .arg(text));
                continue;
            }
            m_categoryIndex.insert(*id, int(m_dataset.categories.size()));
            m_dataset.categories.push_back(Category{text, {}, *id});
        }
    }

    void readImages(const json &list)
    {
        const QDir dir(m_imageDir);
        for (std::size_t i = 0; i < list.size(); ++i) {
            const json &item = list[i];
            const QString entry = entryName("images", i, item);
            if (!item.is_object()) {
                problem(entry, {},
                        QStringLiteral("must be an object, but it is %1").arg(describeValue(item)));
                continue;
            }
            const auto id = idField(item, "id", entry);
            const auto name = item.find("file_name");
            if (name == item.end() || !name->is_string() || name->get<std::string>().empty()) {
                problem(entry, QStringLiteral("file_name"),
                        name == item.end() ? QStringLiteral("is missing")
                                           : QStringLiteral("must be non-empty text, but it is %1")
                                                 .arg(describeValue(*name)));
                continue;
            }
            if (!id)
                continue;
            if (m_imageIndex.contains(*id) || m_missingImages.contains(*id)) {
                problem(entry, QStringLiteral("id"),
                        QStringLiteral("%1 is the id of an earlier image").arg(*id));
                continue;
            }
            const QString fileName = QString::fromStdString(name->get<std::string>());
            const QString path = QDir::cleanPath(dir.absoluteFilePath(fileName));
            if (!QFileInfo(path).isFile()) {
                m_missingImages.insert(*id);
                problem(entry, QStringLiteral("file_name"),
                        QStringLiteral("the image %1 is not in %2; the image and its annotations "
                                       "are left out")
                            .arg(fileName, QDir::toNativeSeparators(m_imageDir)));
                continue;
            }
            DatasetImage image;
            image.key = QString::number(*id);
            image.cocoId = *id;
            image.fileName = fileName;
            image.localPath = path;
            image.url = QUrl::fromLocalFile(path).toString();
            const auto width = item.find("width");
            const auto height = item.find("height");
            if (width != item.end() && height != item.end()) {
                const auto w = readNumber(*width);
                const auto h = readNumber(*height);
                if (w && h)
                    image.size = QSize(int(*w), int(*h));
            }
            m_imageIndex.insert(*id, int(m_dataset.images.size()));
            m_dataset.images.push_back(std::move(image));
        }
    }

    void readAnnotations(const json &list)
    {
        for (std::size_t i = 0; i < list.size(); ++i) {
            const json &item = list[i];
            const QString entry = entryName("annotations", i, item);
            if (!item.is_object()) {
                problem(entry, {},
                        QStringLiteral("must be an object, but it is %1").arg(describeValue(item)));
                continue;
            }
            const auto imageId = idField(item, "image_id", entry);
            const auto categoryId = idField(item, "category_id", entry);
            const auto box = readBox(item, entry);
            if (!imageId || !categoryId || !box)
                continue;
            const auto image = m_imageIndex.constFind(*imageId);
            if (image == m_imageIndex.cend()) {
                if (!m_missingImages.contains(*imageId))
                    problem(
                        entry, QStringLiteral("image_id"),
                        QStringLiteral("%1 is not the id of any image in the file").arg(*imageId));
                continue;
            }
            const auto category = m_categoryIndex.constFind(*categoryId);
            if (category == m_categoryIndex.cend()) {
                if (!m_droppedCategories.contains(*categoryId))
                    problem(entry, QStringLiteral("category_id"),
                            QStringLiteral("%1 is not the id of any category in the file")
                                .arg(*categoryId));
                continue;
            }
            TruthObject object;
            object.category = *category;
            object.box = *box;
            object.area = box->area();
            if (const auto area = item.find("area"); area != item.end()) {
                if (const auto value = readNumber(*area); value && *value >= 0)
                    object.area = *value;
                else
                    problem(entry, QStringLiteral("area"),
                            QStringLiteral("must be a number of at least 0, but it is %1; the "
                                           "box's area is used")
                                .arg(describeValue(*area)));
            }
            object.crowd = flag(item, "iscrowd", entry);
            object.ignore = flag(item, "ignore", entry);
            object.id = readId(item.value("id", json())).value_or(qint64(i) + 1);
            m_dataset.images[std::size_t(*image)].truth.push_back(object);
        }
    }

    std::optional<Box> readBox(const json &item, const QString &entry)
    {
        const auto bbox = item.find("bbox");
        if (bbox == item.end()) {
            problem(entry, QStringLiteral("bbox"), QStringLiteral("is missing"));
            return std::nullopt;
        }
        if (!bbox->is_array() || bbox->size() != 4) {
            problem(entry, QStringLiteral("bbox"),
                    QStringLiteral("must be [x, y, width, height], but it is %1")
                        .arg(describeValue(*bbox)));
            return std::nullopt;
        }
        double v[4];
        for (int k = 0; k < 4; ++k) {
            const auto number = readNumber((*bbox)[std::size_t(k)]);
            if (!number) {
                problem(entry, QStringLiteral("bbox[%1]").arg(k),
                        QStringLiteral("must be a finite number, but it is %1")
                            .arg(describeValue((*bbox)[std::size_t(k)])));
                return std::nullopt;
            }
            v[k] = *number;
        }
        if (v[2] < 0 || v[3] < 0) {
            problem(entry, QStringLiteral("bbox"),
                    QStringLiteral("has a negative width or height"));
            return std::nullopt;
        }
        return Box{v[0], v[1], v[2], v[3]};
    }

    bool flag(const json &item, const char *key, const QString &entry)
    {
        const auto it = item.find(key);
        if (it == item.end() || it->is_null())
            return false;
        if (it->is_boolean())
            return it->get<bool>();
        if (const auto n = readNumber(*it))
            return *n != 0;
        problem(entry, QLatin1String(key),
                QStringLiteral("must be 0 or 1, but it is %1; read as 0").arg(describeValue(*it)));
        return false;
    }

    QString m_file;
    QString m_imageDir;
    Dataset &m_dataset;
    QHash<qint64, int> m_categoryIndex;
    QHash<qint64, int> m_imageIndex;
    QSet<qint64> m_missingImages;
    QSet<qint64> m_droppedCategories;
};

} // namespace

Result<Dataset> loadCocoDataset(const QString &cocoFile, const QString &imageDir)
{
    if (!QFileInfo(imageDir).isDir())
        return makeError(QStringLiteral("%1: the image folder does not exist").arg(imageDir));
    auto root = readJsonFile(cocoFile);
    if (!root)
        return root.error();
    Dataset dataset;
    dataset.kind = Dataset::Kind::Coco;
    dataset.sourceFile = QFileInfo(cocoFile).absoluteFilePath();
    dataset.imageDir = QFileInfo(imageDir).absoluteFilePath();
    CocoReader reader(cocoFile, imageDir, dataset);
    if (auto read = reader.read(*root); !read)
        return read.error();
    return dataset;
}

} // namespace ango::eval
