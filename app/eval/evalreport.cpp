#include "evalreport.h"

#include <QStringList>

using nlohmann::json;

namespace ango::app {

using namespace ango::eval;

EvalOutcome evaluateRuns(const EvalInputs &inputs)
{
    EvalOutcome out;
    const Dataset &dataset = *inputs.dataset;
    out.predictions.resize(dataset.images.size());
    std::vector<std::vector<Detection>> detections(dataset.images.size());
    for (std::size_t i = 0; i < dataset.images.size(); ++i) {
        const ImageRun &run = (*inputs.runs)[i];
        if (run.state != ImageRun::State::Done || !run.answer)
            continue; // a failed image has no detections: its objects count as missed
        out.predictions[i] = predictionsFromAnswer(*run.answer, *inputs.mapping, dataset);
        detections[i] = out.predictions[i].detections;
    }
    out.metrics = evaluate(dataset, detections);
    out.confusion = confusionMatrix(dataset, detections);
    return out;
}

namespace {

const char *stateName(ImageRun::State state)
{
    switch (state) {
    case ImageRun::State::Done:
        return "done";
    case ImageRun::State::Failed:
        return "failed";
    case ImageRun::State::Cancelled:
        return "cancelled";
    case ImageRun::State::Running:
        return "running";
    case ImageRun::State::Waiting:
        return "waiting";
    }
    return "";
}

} // namespace

json buildReport(const EvalInputs &inputs, const EvalOutcome &outcome)
{
    const Dataset &dataset = *inputs.dataset;
    const Stats &s = outcome.metrics.stats;
    static constexpr const char *kStatNames[]
        = {"AP",  "AP50", "AP75",  "APsmall", "APmedium", "APlarge",
           "AR1", "AR10", "AR100", "ARsmall", "ARmedium", "ARlarge"};
    json report;
    json overall = json::object();
    for (std::size_t k = 0; k < s.size(); ++k)
        overall[kStatNames[k]] = dataset.hasTruth ? s[k] : -1.0;
    report["overall"] = overall;

    json classes = json::object();
    for (std::size_t k = 0; k < dataset.categories.size(); ++k) {
        const ClassMetrics &c = outcome.metrics.classes[k];
        classes[dataset.categories[k].name.toStdString()]
            = {{"AP", c.ap},       {"AP50", c.ap50},         {"AP75", c.ap75},
               {"AR100", c.ar100}, {"groundTruth", c.truth}, {"detections", c.detections}};
    }
    report["classes"] = classes;

    json labels = json::array();
    for (const Category &c : dataset.categories)
        labels.push_back(c.name.toStdString());
    labels.push_back("background");
    json matrix = json::array();
    for (int r = 0; r <= outcome.confusion.classes; ++r) {
        json row = json::array();
        for (int c = 0; c <= outcome.confusion.classes; ++c)
            row.push_back(outcome.confusion.at(r, c));
        matrix.push_back(row);
    }
    report["confusion"] = {{"labels", labels},
                           {"rows", "ground truth"},
                           {"columns", "predicted"},
                           {"iou", 0.5},
                           {"matrix", matrix}};

    std::vector<double> latencies;
    json images = json::array();
    qsizetype computed = 0, cached = 0, failed = 0, byBox = 0, unmapped = 0, notMeasured = 0;
    for (std::size_t i = 0; i < dataset.images.size(); ++i) {
        const ImageRun &run = (*inputs.runs)[i];
        const ImagePrediction &p = outcome.predictions[i];
        const ImageOutcome &o = outcome.metrics.images[i];
        json image = {{"key", dataset.images[i].key.toStdString()},
                      {"file", dataset.images[i].fileName.toStdString()},
                      {"state", stateName(run.state)},
                      {"cached", run.cached},
                      {"latencyMs", run.durationMs},
                      {"detections", p.detections.size()},
                      {"tp", o.tp},
                      {"fp", o.fp},
                      {"fn", o.fn}};
        if (!run.error.isEmpty())
            image["error"] = run.error.toStdString();
        if (p.unmapped)
            image["unmappedObjects"] = p.unmapped;
        images.push_back(std::move(image));
        if (run.state == ImageRun::State::Done) {
            (run.cached ? cached : computed) += 1;
            if (run.durationMs >= 0)
                latencies.push_back(double(run.durationMs));
        } else {
            ++failed;
        }
        byBox += p.byBoundingBox;
        unmapped += p.unmapped;
        notMeasured += p.notMeasured;
    }
    report["latencyMs"] = {{"p50", percentile(latencies, 50)},
                           {"p95", percentile(latencies, 95)},
                           {"count", latencies.size()}};
    report["images"] = std::move(images);
    report["run"] = {{"images", dataset.images.size()},
                     {"computed", computed},
                     {"cached", cached},
                     {"failed", failed},
                     {"seconds", inputs.seconds}};

    json problems = json::array();
    for (const DatasetProblem &p : dataset.problems)
        problems.push_back(p.text().toStdString());
    report["dataset"] = {{"kind", datasetKindName(dataset.kind).toStdString()},
                         {"file", dataset.sourceFile.toStdString()},
                         {"imageDir", dataset.imageDir.toStdString()},
                         {"images", dataset.images.size()},
                         {"groundTruthObjects", dataset.truthCount()},
                         {"categories", labels.size() - 1},
                         {"problemCount", dataset.problemCount},
                         {"problems", problems}};
    report["callback"] = {{"spec", inputs.callbackSpec.toStdString()},
                          {"identity", inputs.callbackIdentity.toStdString()}};
    report["mapping"]
        = {{"given", inputs.mapping->source}, {"categorySchema", inputs.mapping->categorySchema}};
    report["config"] = inputs.configJson ? json(inputs.configJson->toStdString()) : json();

    json notes = json::array();
    notes.push_back("Metrics follow pycocotools COCOeval (bbox): IoU .50:.05:.95, 101 recall "
                    "points, 100 detections per image and class, iscrowd regions ignored.");
    if (byBox)
        notes.push_back(std::to_string(byBox)
                        + " predicted rotated boxes, polygons or segmentations were evaluated by "
                          "their bounding box.");
    if (dataset.polygonTruth)
        notes.push_back(std::to_string(dataset.polygonTruth)
                        + " ground-truth rotated boxes, polygons or segmentations were evaluated "
                          "by their bounding box.");
    if (unmapped)
        notes.push_back(std::to_string(unmapped)
                        + " predicted objects have a schemaId of no dataset category and were "
                          "not evaluated.");
    if (notMeasured)
        notes.push_back(std::to_string(notMeasured)
                        + " predicted objects have no area shape (point, polyline, broken shape) "
                          "and were not evaluated.");
    if (failed)
        notes.push_back(std::to_string(failed)
                        + " images have no result (the callback failed): their objects count as "
                          "missed.");
    report["notes"] = std::move(notes);
    return report;
}

QString classTable(const json &report)
{
    auto number = [](const json &v) {
        const double d = v.get<double>();
        return d < 0 ? QStringLiteral("    -") : QString::number(d, 'f', 3);
    };
    QStringList lines;
    lines << QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
                 .arg(QStringLiteral("class"), -24)
                 .arg(QStringLiteral("AP"), 6)
                 .arg(QStringLiteral("AP50"), 6)
                 .arg(QStringLiteral("AP75"), 6)
                 .arg(QStringLiteral("AR100"), 6)
                 .arg(QStringLiteral("truth"), 7)
                 .arg(QStringLiteral("found"), 7);
    for (auto it = report["classes"].begin(); it != report["classes"].end(); ++it) {
        const json &c = it.value();
        lines << QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
                     .arg(QString::fromStdString(it.key()).left(24), -24)
                     .arg(number(c["AP"]), 6)
                     .arg(number(c["AP50"]), 6)
                     .arg(number(c["AP75"]), 6)
                     .arg(number(c["AR100"]), 6)
                     .arg(c["groundTruth"].get<qint64>(), 7)
                     .arg(c["detections"].get<qint64>(), 7);
    }
    const json &o = report["overall"];
    lines << QStringLiteral("%1 %2 %3 %4 %5")
                 .arg(QStringLiteral("all"), -24)
                 .arg(number(o["AP"]), 6)
                 .arg(number(o["AP50"]), 6)
                 .arg(number(o["AP75"]), 6)
                 .arg(number(o["AR100"]), 6);
    lines << QStringLiteral("latency p50 %1 ms, p95 %2 ms")
                 .arg(report["latencyMs"]["p50"].get<double>())
                 .arg(report["latencyMs"]["p95"].get<double>());
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace ango::app
