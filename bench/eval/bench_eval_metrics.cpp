// Evaluation speed and memory, against the targets of the eval issue:
//   evaluate 5,000 images x 20 objects                    < 2 s
//   memory for 10,000 images (dataset, answers, metrics)  < 1 GB peak RSS
//
//   bench_eval_metrics [--images N] [--objects N]

#include "annotation/annotation.h"
#include "eval/cocoeval.h"
#include "eval/confusion.h"
#include "eval/predictions.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>

#include <cstdio>

using namespace ango::eval;
using nlohmann::json;

namespace {

constexpr int kClasses = 10;

// Ground truth on a loose grid; each object is found with some jitter, some are missed, some
// false positives are added: every code path of the matcher runs.
Dataset makeDataset(int images, int objects, std::vector<std::vector<Detection>> &detections,
                    std::vector<json> *answers)
{
    QRandomGenerator rng(42);
    Dataset d;
    for (int k = 0; k < kClasses; ++k)
        d.categories.push_back(Category{QStringLiteral("class%1").arg(k), {}, k + 1});
    d.images.resize(std::size_t(images));
    detections.assign(std::size_t(images), {});
    for (int i = 0; i < images; ++i) {
        DatasetImage &image = d.images[std::size_t(i)];
        image.cocoId = i + 1;
        image.key = QString::number(i + 1);
        json objectsJson = json::array();
        for (int o = 0; o < objects; ++o) {
            const int k = int(rng.bounded(kClasses));
            const Box box{double(o % 5) * 250 + rng.bounded(40),
                          double(o / 5) * 170 + rng.bounded(30), double(40 + rng.bounded(150)),
                          double(30 + rng.bounded(120))};
            image.truth.push_back(
                TruthObject{k, box, box.area(), o == 0 && i % 17 == 0, false, o + 1, false});
            if (rng.bounded(10) == 0)
                continue; // missed
            Box found = box;
            found.x += rng.bounded(12) - 6;
            found.w += rng.bounded(12) - 6;
            const double score = rng.generateDouble();
            detections[std::size_t(i)].push_back(Detection{k, found, score});
            if (answers)
                objectsJson.push_back(
                    {{"schemaId", d.categories[std::size_t(k)].name.toStdString()},
                     {"confidence", score},
                     {"bounding-box",
                      {{"x", found.x}, {"y", found.y}, {"width", found.w}, {"height", found.h}}}});
        }
        if (answers)
            answers->push_back(json{{"objects", objectsJson}});
    }
    return d;
}

double peakRssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int images = 5000;
    int objects = 20;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--images"))
            images = args[i + 1].toInt();
        if (args[i] == QLatin1String("--objects"))
            objects = args[i + 1].toInt();
    }

    std::vector<std::vector<Detection>> detections;
    const Dataset d = makeDataset(images, objects, detections, nullptr);
    QElapsedTimer clock;
    clock.start();
    const EvalResult r = evaluate(d, detections);
    const double evalMs = double(clock.nsecsElapsed()) / 1e6;
    clock.restart();
    const ConfusionMatrix m = confusionMatrix(d, detections);
    const double confusionMs = double(clock.nsecsElapsed()) / 1e6;
    std::printf("evaluate %d images x %d objects: %.0f ms (target < 2000 ms) %s; AP %.4f AP50 "
                "%.4f\n",
                images, objects, evalMs, evalMs < 2000 ? "PASS" : "FAIL", r.stats[0], r.stats[1]);
    std::printf("confusion matrix: %.0f ms (%d classes)\n", confusionMs, m.classes);

    // 10,000 images the way the eval command holds them: dataset, each callback answer as JSON
    // and normalised, the detections, and the metrics.
    std::vector<std::vector<Detection>> big;
    std::vector<json> answers;
    const Dataset bigDataset = makeDataset(10000, objects, big, &answers);
    std::vector<ango::annotation::Answer> normalized;
    normalized.reserve(answers.size());
    for (const json &answer : answers)
        normalized.push_back(ango::annotation::normalize(answer).value());
    auto mapping = mappingFromModelClasses(bigDataset, json());
    std::vector<std::vector<Detection>> mapped(answers.size());
    for (std::size_t i = 0; i < normalized.size(); ++i)
        mapped[i] = predictionsFromAnswer(normalized[i], *mapping, bigDataset).detections;
    const EvalResult bigResult = evaluate(bigDataset, mapped);
    const double rss = peakRssMb();
    std::printf("memory for 10000 images x %d objects (answers kept as JSON, normalised, "
                "evaluated): peak RSS %.0f MB (target < 1024 MB) %s; AP %.4f\n",
                objects, rss, rss < 1024 ? "PASS" : "FAIL", bigResult.stats[0]);
    return 0;
}
