#include "eval/comparison.h"

#include "eval/datasetfile.h"

#include <QHash>
#include <QSet>

#include <array>

#include <algorithm>
#include <cmath>

using nlohmann::json;

namespace ango::eval {

namespace {

// A report is read whole; one from a huge dataset is still far below this.
constexpr qint64 kMaxReportBytes = qint64(256) * 1024 * 1024;

std::optional<double> delta(double a, double b)
{
    if (a < 0 || b < 0)
        return std::nullopt;
    return b - a;
}

ScoreDelta scoreDelta(const QString &name, const ClassScore &a, const ClassScore &b)
{
    return ScoreDelta{
        name, a, b, delta(a.ap, b.ap), delta(a.ap50, b.ap50), delta(a.recall, b.recall)};
}

// A metric of the report: a number, or -1 when absent (an old report, a class with no truth).
Result<double> metric(const json &object, const char *key, const QString &where)
{
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return -1.0;
    if (!it->is_number())
        return makeError(QStringLiteral("%1.%2 is not a number").arg(where, QLatin1String(key)));
    const double value = it->get<double>();
    if (!std::isfinite(value) || value > 1 || (value < 0 && value != -1))
        return makeError(QStringLiteral("%1.%2 is %3, not in [0, 1] or -1")
                             .arg(where, QLatin1String(key))
                             .arg(value));
    return value;
}

Result<qint64> count(const json &object, const char *key, const QString &where)
{
    const auto it = object.find(key);
    if (it == object.end())
        return qint64(0);
    if (!it->is_number_integer() || it->get<qint64>() < 0 || it->get<qint64>() > (qint64(1) << 31))
        return makeError(QStringLiteral("%1.%2 is not a count").arg(where, QLatin1String(key)));
    return it->get<qint64>();
}

Result<ClassScore> classFromReport(const QString &name, const json &entry, const QString &where)
{
    if (!entry.is_object())
        return makeError(QStringLiteral("%1 is not an object").arg(where));
    ClassScore c;
    c.name = name;
    auto ap = metric(entry, "AP", where);
    auto ap50 = metric(entry, "AP50", where);
    auto recall = metric(entry, "AR100", where);
    auto truth = count(entry, "groundTruth", where);
    auto found = count(entry, "detections", where);
    if (!ap)
        return ap.error();
    if (!ap50)
        return ap50.error();
    if (!recall)
        return recall.error();
    if (!truth)
        return truth.error();
    if (!found)
        return found.error();
    c.ap = *ap;
    c.ap50 = *ap50;
    c.recall = *recall;
    c.truth = *truth;
    c.detections = *found;
    return c;
}

json number(std::optional<double> value)
{
    return value ? json(*value) : json();
}

json classJson(const ScoreDelta &d)
{
    return {{"A", {{"AP", d.a.ap}, {"AP50", d.a.ap50}, {"AR100", d.a.recall}}},
            {"B", {{"AP", d.b.ap}, {"AP50", d.b.ap50}, {"AR100", d.b.recall}}},
            {"deltaAP", number(d.ap)},
            {"deltaAP50", number(d.ap50)},
            {"deltaAR100", number(d.recall)}};
}

json imageJson(const ImageScore &s)
{
    json out = {{"tp", s.tp}, {"fp", s.fp}, {"fn", s.fn}, {"detections", s.detections}};
    if (s.failed)
        out["failed"] = true;
    return out;
}

} // namespace

double imageScore(const ImageScore &image)
{
    const int denominator = 2 * image.tp + image.fp + image.fn;
    return denominator == 0 ? 1.0 : 2.0 * image.tp / denominator;
}

ScoreCard scoreCard(const QString &label, const Dataset &dataset, const EvalResult &result,
                    const std::vector<ImageRun> *runs)
{
    ScoreCard card;
    card.label = label;
    card.overall.name = QStringLiteral("all");
    if (dataset.hasTruth) {
        card.overall.ap = result.stats[0];
        card.overall.ap50 = result.stats[1];
        card.overall.recall = result.stats[8];
    }
    for (std::size_t k = 0; k < dataset.categories.size() && k < result.classes.size(); ++k) {
        const ClassMetrics &m = result.classes[k];
        card.classes.push_back(
            {dataset.categories[k].name, m.ap, m.ap50, m.ar100, m.truth, m.detections});
        card.overall.truth += m.truth;
        card.overall.detections += m.detections;
    }
    card.images.reserve(dataset.images.size());
    for (std::size_t i = 0; i < dataset.images.size(); ++i) {
        ImageScore s;
        s.key = dataset.images[i].key;
        s.file = dataset.images[i].fileName;
        if (i < result.images.size()) {
            const ImageOutcome &o = result.images[i];
            s.tp = o.tp;
            s.fp = o.fp;
            s.fn = o.fn;
            s.detections = qint64(o.detections.size());
        }
        if (runs && i < runs->size())
            s.failed = (*runs)[i].state != ImageRun::State::Done;
        card.images.push_back(std::move(s));
    }
    return card;
}

Result<ScoreCard> scoreCardFromReport(const QString &label, const json &report)
{
    if (!report.is_object())
        return makeError(QStringLiteral("the report is not a JSON object"));
    for (const char *key : {"overall", "classes"}) {
        if (!report.contains(key) || !report[key].is_object())
            return makeError(
                QStringLiteral("%1: missing or not an object").arg(QLatin1String(key)));
    }
    if (!report.contains("images") || !report["images"].is_array())
        return makeError(QStringLiteral("images: missing or not a list"));
    if (report["images"].size() > std::size_t(kMaxImages))
        return makeError(QStringLiteral("images: more than %1 entries").arg(kMaxImages));
    ScoreCard card;
    card.label = label;
    auto overall
        = classFromReport(QStringLiteral("all"), report["overall"], QStringLiteral("overall"));
    if (!overall)
        return overall.error();
    card.overall = *overall;
    for (auto it = report["classes"].begin(); it != report["classes"].end(); ++it) {
        const QString name = QString::fromStdString(it.key());
        auto c = classFromReport(name, it.value(), QStringLiteral("classes.") + name);
        if (!c)
            return c.error();
        card.overall.truth += c->truth;
        card.overall.detections += c->detections;
        card.classes.push_back(std::move(c.value()));
    }
    const json &images = report["images"];
    QSet<QString> keys;
    for (std::size_t i = 0; i < images.size(); ++i) {
        const QString where = QStringLiteral("images[%1]").arg(i);
        const json &entry = images[i];
        if (!entry.is_object() || !entry.contains("key") || !entry["key"].is_string())
            return makeError(where + QStringLiteral(".key: missing or not text"));
        ImageScore s;
        s.key = QString::fromStdString(entry["key"].get<std::string>());
        if (keys.contains(s.key))
            return makeError(where + QStringLiteral(".key: \"%1\" appears twice").arg(s.key));
        keys.insert(s.key);
        if (entry.contains("file") && entry["file"].is_string())
            s.file = QString::fromStdString(entry["file"].get<std::string>());
        auto tp = count(entry, "tp", where);
        auto fp = count(entry, "fp", where);
        auto fn = count(entry, "fn", where);
        auto found = count(entry, "detections", where);
        for (const Result<qint64> *r : {&tp, &fp, &fn, &found}) {
            if (!*r)
                return r->error();
        }
        s.tp = int(*tp);
        s.fp = int(*fp);
        s.fn = int(*fn);
        s.detections = *found;
        s.failed = entry.contains("state") && entry["state"] != "done";
        card.images.push_back(std::move(s));
    }
    return card;
}

Result<ScoreCard> loadReportScoreCard(const QString &reportFile)
{
    auto read = detail::readJsonFile(reportFile, kMaxReportBytes);
    if (!read)
        return read.error();
    auto card = scoreCardFromReport(reportFile, *read);
    if (!card)
        return makeError(
            QStringLiteral("%1: %2").arg(detail::fileLabel(reportFile), card.error().message));
    return card;
}

Result<Comparison> compare(const ScoreCard &a, const ScoreCard &b)
{
    Comparison out;
    out.labelA = a.label;
    out.labelB = b.label;
    out.overall = scoreDelta(QStringLiteral("all"), a.overall, b.overall);

    QHash<QString, std::size_t> classOfB;
    for (std::size_t k = 0; k < b.classes.size(); ++k)
        classOfB.insert(b.classes[k].name.toCaseFolded(), k);
    std::vector<bool> bUsed(b.classes.size(), false);
    for (const ClassScore &ca : a.classes) {
        const auto found = classOfB.constFind(ca.name.toCaseFolded());
        ClassScore cb;
        cb.name = ca.name;
        if (found != classOfB.cend()) {
            cb = b.classes[*found];
            bUsed[*found] = true;
        }
        out.classes.push_back(scoreDelta(ca.name, ca, cb));
    }
    for (std::size_t k = 0; k < b.classes.size(); ++k) {
        if (!bUsed[k]) {
            ClassScore ca;
            ca.name = b.classes[k].name;
            out.classes.push_back(scoreDelta(ca.name, ca, b.classes[k]));
        }
    }

    // Images match by key; when no key is shared (a COCO file's ids against an export's
    // externalIds of the same images), by file name.
    QHash<QString, std::size_t> imageOfB;
    for (std::size_t i = 0; i < b.images.size(); ++i)
        imageOfB.insert(b.images[i].key, i);
    const bool anyKey = std::any_of(a.images.begin(), a.images.end(),
                                    [&](const ImageScore &i) { return imageOfB.contains(i.key); });
    out.matchedByFile = !anyKey;
    if (out.matchedByFile) {
        imageOfB.clear();
        for (std::size_t i = 0; i < b.images.size(); ++i) {
            if (!b.images[i].file.isEmpty())
                imageOfB.insert(b.images[i].file, i);
        }
    }
    std::vector<bool> bSeen(b.images.size(), false);
    for (const ImageScore &ia : a.images) {
        const auto found = out.matchedByFile && ia.file.isEmpty()
                               ? imageOfB.cend()
                               : imageOfB.constFind(out.matchedByFile ? ia.file : ia.key);
        if (found == imageOfB.cend()) {
            out.onlyInA << ia.key;
            continue;
        }
        bSeen[*found] = true;
        const ImageScore &ib = b.images[*found];
        ImageDelta d{ia, ib, imageScore(ia), imageScore(ib), 0, 0};
        d.delta = d.scoreB - d.scoreA;
        d.changes = std::abs(ib.tp - ia.tp) + std::abs(ib.fp - ia.fp) + std::abs(ib.fn - ia.fn)
                    + int(std::min<qint64>(std::abs(ib.detections - ia.detections), 1 << 20))
                    + (ia.failed != ib.failed ? 1 : 0);
        out.differingImages += d.differs() ? 1 : 0;
        out.images.push_back(std::move(d));
    }
    for (std::size_t i = 0; i < b.images.size(); ++i) {
        if (!bSeen[i])
            out.onlyInB << b.images[i].key;
    }
    if (out.images.empty())
        return makeError(QStringLiteral("A (%1) and B (%2) have no image in common: not the "
                                        "same dataset")
                             .arg(a.label, b.label));
    std::stable_sort(out.images.begin(), out.images.end(),
                     [](const ImageDelta &x, const ImageDelta &y) {
                         const double dx = std::abs(x.delta), dy = std::abs(y.delta);
                         if (dx != dy)
                             return dx > dy;
                         if (x.changes != y.changes)
                             return x.changes > y.changes;
                         return x.a.key < y.a.key;
                     });
    return out;
}

std::vector<std::size_t> classesByChange(const Comparison &comparison)
{
    std::vector<std::size_t> order(comparison.classes.size());
    for (std::size_t k = 0; k < order.size(); ++k)
        order[k] = k;
    auto size = [](const ScoreDelta &d) {
        return std::array<double, 3>{d.ap ? std::abs(*d.ap) : -1.0,
                                     d.ap50 ? std::abs(*d.ap50) : -1.0,
                                     d.recall ? std::abs(*d.recall) : -1.0};
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const ScoreDelta &dx = comparison.classes[x];
        const ScoreDelta &dy = comparison.classes[y];
        const auto sx = size(dx), sy = size(dy);
        if (sx != sy)
            return sx > sy;
        return dx.name.compare(dy.name, Qt::CaseInsensitive) < 0;
    });
    return order;
}

json comparisonJson(const Comparison &comparison, std::size_t maxImages)
{
    json classes = json::object();
    for (const ScoreDelta &d : comparison.classes)
        classes[d.name.toStdString()] = classJson(d);
    json images = json::array();
    for (const ImageDelta &d : comparison.images) {
        if (images.size() >= maxImages || !d.differs())
            break; // sorted: the rest differ less (or not at all)
        images.push_back({{"key", d.a.key.toStdString()},
                          {"file", d.a.file.toStdString()},
                          {"A", imageJson(d.a)},
                          {"B", imageJson(d.b)},
                          {"scoreA", d.scoreA},
                          {"scoreB", d.scoreB},
                          {"deltaScore", d.delta}});
    }
    auto keys = [](const QStringList &list) {
        json out = json::array();
        for (qsizetype i = 0; i < list.size() && i < 20; ++i)
            out.push_back(list[i].toStdString());
        return out;
    };
    return {
        {"A", comparison.labelA.toStdString()},
        {"B", comparison.labelB.toStdString()},
        {"delta", "B - A"},
        {"imageScore", "F1 at IoU 0.5: 2TP / (2TP + FP + FN), 1 when empty"},
        {"overall", classJson(comparison.overall)},
        {"classes", classes},
        {"comparedImages", comparison.images.size()},
        {"matchedBy", comparison.matchedByFile ? "file" : "key"},
        {"differingImages", comparison.differingImages},
        {"images", images},
        {"onlyInA", {{"count", comparison.onlyInA.size()}, {"keys", keys(comparison.onlyInA)}}},
        {"onlyInB", {{"count", comparison.onlyInB.size()}, {"keys", keys(comparison.onlyInB)}}}};
}

} // namespace ango::eval
