#include "eval/dataset.h"
#include "eval/datasetfile.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>

namespace ango::eval {

Result<Dataset> loadImageFolder(const QString &dir)
{
    const QFileInfo info(dir);
    if (!info.isDir())
        return makeError(QStringLiteral("%1: the image folder does not exist").arg(dir));
    const QDir root(info.absoluteFilePath());
    QStringList files;
    QDirIterator it(root.absolutePath(), QDir::Files | QDir::Readable,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!detail::isImageFileName(path))
            continue;
        if (files.size() >= kMaxImages)
            return makeError(
                QStringLiteral("%1: has more than %2 images").arg(dir).arg(kMaxImages));
        files << path;
    }
    std::sort(files.begin(), files.end());
    if (files.isEmpty())
        return makeError(QStringLiteral("%1: has no image files (png, jpg, jpeg, bmp, gif, webp, "
                                        "tif, tiff)")
                             .arg(dir));
    Dataset dataset;
    dataset.kind = Dataset::Kind::Folder;
    dataset.imageDir = root.absolutePath();
    dataset.hasTruth = false;
    for (const QString &path : std::as_const(files)) {
        DatasetImage image;
        image.key = root.relativeFilePath(path);
        image.fileName = image.key;
        image.cocoId = qint64(dataset.images.size()) + 1;
        image.localPath = path;
        image.url = QUrl::fromLocalFile(path).toString();
        dataset.images.push_back(std::move(image));
    }
    return dataset;
}

} // namespace ango::eval
