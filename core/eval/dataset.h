#pragma once

#include "common/result.h"
#include "eval/box.h"

#include <QSize>
#include <QString>

#include <vector>

// A dataset to evaluate a plugin on: images (a local file or a URL each) with their ground truth,
// read from a COCO detection file, an Ango project export, or a plain folder of images.
namespace ango::eval {

struct Category
{
    QString name;
    QString schemaId;  // Ango exports: the tool's schemaId; COCO: empty
    qint64 cocoId = 0; // COCO: the file's id; others: index + 1
};

struct TruthObject
{
    int category = 0; // index into Dataset::categories
    Box box;
    double area = 0; // COCO's "area" when given (segment area), else w*h
    bool crowd = false;
    bool ignore = false; // COCO's optional "ignore"
    qint64 id = 0;
    bool fromPolygon = false; // the box is the bounding box of another shape
};

struct DatasetImage
{
    QString key;       // unique: COCO id as text, Ango externalId, folder-relative path
    qint64 cocoId = 0; // COCO: the file's image id; others: index + 1
    QString fileName;  // as the dataset names it
    QString localPath; // empty when only a URL is known
    QString url;       // what the callback gets as dataURL
    QSize size;        // invalid when the dataset does not say
    std::vector<TruthObject> truth;
};

// A problem with one entry: the file, the entry ("annotations[3] (id 17)") and the field
// ("category_id"), so the author finds it. Such entries are left out; the rest is evaluated.
struct DatasetProblem
{
    QString file;
    QString entry;
    QString field;
    QString message;

    QString text() const;
};

struct Dataset
{
    enum class Kind { Coco, Folder, AngoExport };
    Kind kind = Kind::Coco;
    QString sourceFile; // the COCO or export file; empty for a folder
    QString imageDir;
    std::vector<Category> categories;
    std::vector<DatasetImage> images;
    std::vector<DatasetProblem> problems; // at most kMaxProblems kept
    qsizetype problemCount = 0;           // all of them, kept or not
    bool hasTruth = true;                 // false for a folder of images
    qsizetype polygonTruth = 0;           // ground-truth objects evaluated by their bounding box

    int categoryByName(const QString &name) const; // case-insensitive; -1 when unknown
    void addProblem(DatasetProblem problem);
    qsizetype truthCount() const;
};

inline constexpr qsizetype kMaxProblems = 200;
// Hostile input: the dataset file is read whole, so its size is bounded.
inline constexpr qint64 kMaxDatasetFileBytes = qint64(512) * 1024 * 1024;
inline constexpr qsizetype kMaxImages = 1000000;

QString datasetKindName(Dataset::Kind kind);

// images, annotations and categories of a COCO detection file; image files are looked up in
// imageDir by file_name. Fails only when the file cannot be read at all (unreadable, not JSON,
// no images/annotations/categories lists); entry problems land in Dataset::problems.
Result<Dataset> loadCocoDataset(const QString &cocoFile, const QString &imageDir);

// Every image file (png, jpg, jpeg, bmp, gif, webp, tif, tiff) under dir, sorted, no ground truth.
Result<Dataset> loadImageFolder(const QString &dir);

// An Ango project export: a list of assets (or {"assets": [...]}) with externalId, the asset's
// file ("asset"/"data" URL, or a local path relative to imageDir) and its answer ("task" with
// tools/objects, or "answer", or the first of "tasks") as ground truth. Categories are the
// object titles.
Result<Dataset> loadAngoExport(const QString &exportFile, const QString &imageDir);

} // namespace ango::eval
