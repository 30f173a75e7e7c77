#include "evalcompare.h"

#include "callbacks/callbackfactory.h"
#include "runtime/pluginruntime.h"

#include <QStringList>

#include <cmath>
#include <cstdio>

using nlohmann::json;

namespace ango::app {

namespace {

void printLine(const QString &message)
{
    const QByteArray line = QByteArrayLiteral("ango-console eval: ") + message.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

QString metric(double value)
{
    return value < 0 ? QStringLiteral("-") : QString::number(value, 'f', 3);
}

QString signedMetric(std::optional<double> value)
{
    if (!value)
        return QStringLiteral("-");
    // Rounding must not print "-0.000" for a class that did not move.
    const double shown = std::abs(*value) < 0.0005 ? 0.0 : *value;
    return (shown > 0 ? QStringLiteral("+") : QString()) + QString::number(shown, 'f', 3);
}

QString counts(const eval::ImageScore &s)
{
    return s.failed ? QStringLiteral("failed")
                    : QStringLiteral("%1/%2/%3").arg(s.tp).arg(s.fp).arg(s.fn);
}

} // namespace

QString runLabel(const QString &callbackSpec, const std::optional<QString> &configJson)
{
    if (!configJson)
        return callbackSpec;
    // One line, whatever the layout of a --config @FILE.
    const json parsed = json::parse(configJson->toStdString(), nullptr, false);
    return QStringLiteral("%1 config %2")
        .arg(callbackSpec, parsed.is_discarded()
                               ? configJson->simplified()
                               : QString::fromStdString(
                                   parsed.dump(-1, ' ', false, json::error_handler_t::replace)));
}

Result<std::unique_ptr<EvalComparison>> EvalComparison::prepare(const EvalOptions &options,
                                                                const eval::Dataset &dataset,
                                                                const eval::ClassMapping &mapping,
                                                                runtime::PluginRuntime *runtimeA,
                                                                const QVariantMap &callbackOptions)
{
    if (!options.comparing())
        return std::unique_ptr<EvalComparison>();
    std::unique_ptr<EvalComparison> out(new EvalComparison);
    out->m_dataset = &dataset;
    out->m_mapping = &mapping;
    if (!options.baselineFile.isEmpty()) {
        auto card = eval::loadReportScoreCard(options.baselineFile);
        if (!card)
            return makeError(QStringLiteral("--baseline: ") + card.error().message);
        out->m_baseline = std::move(card.value());
        return out;
    }
    out->m_specB = options.compareCallbackSpec.isEmpty() ? options.callbackSpec
                                                         : options.compareCallbackSpec;
    out->m_configB = options.compareConfigJson ? options.compareConfigJson : options.configJson;
    out->m_labelB = runLabel(out->m_specB, out->m_configB);
    out->m_runtimeUsed = runtimeA;
    if (!options.compareCallbackSpec.isEmpty()) {
        auto callback = callbacks::createCallback(options.compareCallbackSpec, callbackOptions);
        if (!callback)
            return makeError(QStringLiteral("--compare-callback: ") + callback.error().message);
        out->m_callbackB = std::move(callback.value());
        out->m_runtimeB
            = std::make_unique<runtime::PluginRuntime>(runtimeA->options(), out->m_callbackB.get());
        out->m_runtimeUsed = out->m_runtimeB.get();
    }
    out->m_batchOptions.callbackIdentity = eval::callbackIdentity(out->m_specB);
    out->m_batchOptions.categorySchema = mapping.categorySchema;
    out->m_batchOptions.configJson = out->m_configB;
    out->m_batchOptions.concurrency = options.concurrency;
    out->m_batchOptions.cacheDir = options.cacheDir;
    return out;
}

EvalComparison::~EvalComparison()
{
    m_batchB.reset(); // before the runtime it runs on
    m_runtimeB.reset();
}

void EvalComparison::runB(std::function<void()> then)
{
    if (m_baseline) {
        then();
        return;
    }
    m_batchB = std::make_unique<eval::BatchRun>(m_runtimeUsed, *m_dataset, m_batchOptions);
    QObject::connect(m_batchB.get(), &eval::BatchRun::finished, m_batchB.get(),
                     [this, then = std::move(then)](bool) {
                         const eval::BatchProgress p = m_batchB->progress();
                         printLine(QStringLiteral("B: %1/%2 images (%3 cached, %4 failed)")
                                       .arg(p.done)
                                       .arg(p.total)
                                       .arg(p.cached)
                                       .arg(p.failed));
                         then();
                     });
    m_batchB->start();
}

QString EvalComparison::addTo(json &report, const EvalInputs &inputs, const EvalOutcome &outcome)
{
    const eval::ScoreCard thisRun
        = eval::scoreCard(runLabel(inputs.callbackSpec, inputs.configJson), *inputs.dataset,
                          outcome.metrics, inputs.runs);
    eval::ScoreCard a, b;
    if (m_baseline) {
        a = *m_baseline;
        b = thisRun;
    } else {
        EvalInputs inputsB = inputs;
        inputsB.runs = &m_batchB->runs();
        const EvalOutcome outcomeB = evaluateRuns(inputsB);
        a = thisRun;
        b = eval::scoreCard(m_labelB, *m_dataset, outcomeB.metrics, &m_batchB->runs());
    }
    auto compared = eval::compare(a, b);
    if (!compared) {
        m_failed = true;
        printLine(QStringLiteral("A/B: ") + compared.error().message);
        report["comparison"] = {{"error", compared.error().message.toStdString()}};
        return {};
    }
    report["comparison"] = eval::comparisonJson(*compared);
    return comparisonTable(*compared);
}

QString comparisonTable(const eval::Comparison &c, int images)
{
    QStringList lines;
    lines << QString() << QStringLiteral("A/B, deltas are B - A")
          << QStringLiteral("A: ") + c.labelA << QStringLiteral("B: ") + c.labelB;
    auto row = [](const QString &name, const eval::ScoreDelta &d) {
        return QStringLiteral("%1 %2 %3 %4 %5 %6")
            .arg(name.left(24), -24)
            .arg(metric(d.a.ap), 6)
            .arg(metric(d.b.ap), 6)
            .arg(signedMetric(d.ap), 7)
            .arg(signedMetric(d.ap50), 7)
            .arg(signedMetric(d.recall), 7);
    };
    lines << QStringLiteral("%1 %2 %3 %4 %5 %6")
                 .arg(QStringLiteral("class"), -24)
                 .arg(QStringLiteral("AP A"), 6)
                 .arg(QStringLiteral("AP B"), 6)
                 .arg(QStringLiteral("dAP"), 7)
                 .arg(QStringLiteral("dAP50"), 7)
                 .arg(QStringLiteral("dAR100"), 7);
    for (std::size_t k : eval::classesByChange(c))
        lines << row(c.classes[k].name, c.classes[k]);
    lines << row(QStringLiteral("all"), c.overall);
    lines << QStringLiteral("%1 of %2 images differ (F1 at IoU 0.5; TP/FP/FN)")
                 .arg(c.differingImages)
                 .arg(c.images.size());
    int shown = 0;
    for (const eval::ImageDelta &d : c.images) {
        if (shown++ >= images || !d.differs())
            break;
        lines << QStringLiteral("%1 %2 -> %3 %4 %5")
                     .arg((d.a.file.isEmpty() ? d.a.key : d.a.file).left(24), -24)
                     .arg(counts(d.a), 8)
                     .arg(counts(d.b), -8)
                     .arg(QStringLiteral("F1 %1 -> %2")
                              .arg(d.scoreA, 0, 'f', 2)
                              .arg(d.scoreB, 0, 'f', 2))
                     .arg(signedMetric(d.delta));
    }
    if (c.matchedByFile)
        lines << QStringLiteral("no image key in common: images matched by file name");
    if (!c.onlyInA.isEmpty() || !c.onlyInB.isEmpty())
        lines << QStringLiteral("%1 images only in A, %2 only in B (not compared)")
                     .arg(c.onlyInA.size())
                     .arg(c.onlyInB.size());
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace ango::app
