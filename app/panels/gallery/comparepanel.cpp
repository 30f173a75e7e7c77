#include "panels/gallery/comparepanel.h"

#include "callbacks/callbackfactory.h"
#include "panels/gallery/splitpreview.h"
#include "runtime/pluginruntime.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace ango::app {

using nlohmann::json;

namespace {

// One line: the config panel's JSON is pretty-printed, the status label has no room for that.
QString label(const QString &spec, const std::optional<QString> &config)
{
    if (!config)
        return spec;
    const json parsed = json::parse(config->toStdString(), nullptr, false);
    const QString compact
        = parsed.is_discarded()
              ? config->simplified()
              : QString::fromStdString(parsed.dump(-1, ' ', false, json::error_handler_t::replace));
    return QStringLiteral("%1 · config %2").arg(spec, compact);
}

QString metricText(double value)
{
    return value < 0 ? QStringLiteral("–") : QString::number(value, 'f', 3);
}

QString deltaText(std::optional<double> value)
{
    if (!value)
        return QStringLiteral("–");
    const double shown = std::abs(*value) < 0.0005 ? 0.0 : *value; // no "-0.000"
    return (shown > 0 ? QStringLiteral("+") : QString()) + QString::number(shown, 'f', 3);
}

QString counts(const eval::ImageScore &s)
{
    return s.failed ? QObject::tr("failed")
                    : QStringLiteral("%1 / %2 / %3").arg(s.tp).arg(s.fp).arg(s.fn);
}

QTableWidgetItem *cell(const QString &text, std::optional<double> change = std::nullopt)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (change && std::abs(*change) >= 0.0005)
        item->setForeground(*change > 0 ? QColor(0x1b, 0x8a, 0x3c) : QColor(0xc0, 0x1c, 0x28));
    return item;
}

QTableWidget *table(const QStringList &headers, QHeaderView::ResizeMode first, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->horizontalHeader()->setSectionResizeMode(0, first);
    for (int c = 1; c < headers.size(); ++c)
        t->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    return t;
}

} // namespace

ComparePanel::ComparePanel(std::function<runtime::PluginRuntime *()> runtime,
                           std::function<EvalSetup()> setup, QWidget *parent)
    : QWidget(parent)
    , m_runtime(std::move(runtime))
    , m_setup(std::move(setup))
    , m_source(new QComboBox(this))
    , m_input(new QLineEdit(this))
    , m_browse(new QPushButton(tr("Browse…"), this))
    , m_compare(new QPushButton(tr("Compare"), this))
    , m_status(new QLabel(tr("Run the evaluation first: it is A."), this))
    , m_classes(table({tr("Class"), tr("AP A"), tr("AP B"), tr("ΔAP"), tr("ΔAP50"), tr("ΔRecall")},
                      QHeaderView::ResizeToContents, this))
    , m_images(table(
          {tr("Image"), tr("A TP/FP/FN"), tr("B TP/FP/FN"), tr("F1 A"), tr("F1 B"), tr("ΔF1")},
          QHeaderView::Stretch, this))
    , m_split(new SplitPreview(this))
{
    m_source->addItem(tr("B: another configJSON"));
    m_source->addItem(tr("B: another callback"));
    m_source->addItem(tr("B: a saved report"));
    m_source->setObjectName(QStringLiteral("compareSource"));
    m_input->setObjectName(QStringLiteral("compareInput"));
    m_compare->setObjectName(QStringLiteral("compareButton"));
    m_classes->setObjectName(QStringLiteral("classDeltas"));
    m_images->setObjectName(QStringLiteral("imageDeltas"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_compare->setEnabled(false);
    auto placeholder = [this](int index) {
        static const char *const kHints[]
            = {QT_TR_NOOP(R"(configJSON for B, e.g. {"threshold": 0.3})"),
               QT_TR_NOOP("callback spec for B: python:model.py, exec:…, http://…"),
               QT_TR_NOOP("report.json written by ango-console eval --out")};
        m_input->setPlaceholderText(tr(kHints[std::clamp(index, 0, 2)]));
        m_browse->setVisible(index != int(Source::Config));
    };
    placeholder(0);
    connect(m_source, &QComboBox::currentIndexChanged, this, placeholder);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const bool report = m_source->currentIndex() == int(Source::Report);
        const QString file = QFileDialog::getOpenFileName(
            this, report ? tr("Saved eval report") : tr("Plugin script"), {},
            report ? tr("JSON (*.json)") : tr("Python (*.py);;Any file (*)"));
        if (!file.isEmpty())
            m_input->setText(report ? file : QStringLiteral("python:") + file);
    });
    connect(m_compare, &QPushButton::clicked, this,
            [this] { compareWith(Source(m_source->currentIndex()), m_input->text().trimmed()); });
    connect(m_input, &QLineEdit::returnPressed, m_compare, &QPushButton::click);
    connect(m_images, &QTableWidget::cellActivated, this, [this](int row, int) { openImage(row); });
    connect(m_images, &QTableWidget::cellClicked, this, [this](int row, int) { openImage(row); });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_source);
    bar->addWidget(m_input, 1);
    bar->addWidget(m_browse);
    bar->addWidget(m_compare);
    auto *tables = new QSplitter(Qt::Horizontal, this);
    tables->addWidget(m_classes);
    tables->addWidget(m_images);
    // Both tables whole at 1280 px; the split preview gets most of the height: it is what the
    // eye compares.
    tables->setStretchFactor(0, 1);
    tables->setStretchFactor(1, 1);
    tables->setSizes({1000, 1000});
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(tables);
    split->addWidget(m_split);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({400, 600});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);
}

ComparePanel::~ComparePanel()
{
    resetB();
}

QString ComparePanel::status() const
{
    return m_status->text();
}

void ComparePanel::resetB()
{
    m_batchB.reset(); // before the runtime and callback it runs on
    m_runtimeB.reset();
    m_callbackB.reset();
    m_comparison.reset();
    m_bHasAnswers = false;
    m_bRunning = false;
}

void ComparePanel::setA(const eval::Dataset *dataset, const eval::ClassMapping *mapping,
                        const std::vector<eval::ImageRun> *runs, const eval::EvalResult *metrics,
                        const EvalSetup &setupA)
{
    resetB();
    m_dataset = dataset;
    m_mapping = mapping;
    m_runsA = runs;
    m_metricsA = metrics;
    m_setupA = setupA;
    m_split->clear();
    m_classes->setRowCount(0);
    m_images->setRowCount(0);
    const bool ready = dataset && mapping && runs && metrics;
    m_compare->setEnabled(ready);
    m_status->setText(ready ? tr("A: %1").arg(label(setupA.callbackSpec, setupA.configJson))
                            : tr("Run the evaluation first: it is A."));
    if (ready) {
        QList<ClassInfo> classes;
        for (const auto &entry : mapping->categorySchema) {
            if (entry.is_object() && entry.value("schemaId", json()).is_string())
                classes.push_back(
                    ClassInfo{QString::fromStdString(entry["schemaId"].get<std::string>()),
                              QString::fromStdString(
                                  entry.value("modelClass", entry["schemaId"].get<std::string>())),
                              {},
                              {}});
        }
        m_split->setClasses(classes);
    }
}

void ComparePanel::fail(const QString &message)
{
    m_status->setText(message);
    m_compare->setEnabled(m_dataset != nullptr);
    Q_EMIT failed(message);
}

void ComparePanel::compareWith(Source source, const QString &text)
{
    if (!m_dataset || !m_runsA || m_bRunning)
        return; // one B at a time; a finished B is replaced
    resetB();
    m_classes->setRowCount(0);
    m_images->setRowCount(0);
    m_split->clear();
    switch (source) {
    case Source::Report: {
        auto card = eval::loadReportScoreCard(text);
        if (!card) {
            fail(card.error().message);
            return;
        }
        show(std::move(card.value()));
        return;
    }
    case Source::Config: {
        const std::string bytes = text.toStdString();
        if (!text.isEmpty() && !json::accept(bytes)) {
            fail(tr("B's configJSON is not valid JSON"));
            return;
        }
        runB(m_setupA.callbackSpec, text.isEmpty() ? std::nullopt : std::optional<QString>(text),
             false);
        return;
    }
    case Source::Callback:
        if (text.isEmpty()) {
            fail(tr("Give B's callback spec"));
            return;
        }
        runB(text, m_setupA.configJson, true);
        return;
    }
}

void ComparePanel::runB(const QString &spec, const std::optional<QString> &config, bool ownCallback)
{
    runtime::PluginRuntime *runtime = m_runtime();
    if (ownCallback) {
        auto callback = callbacks::createCallback(spec, {{QStringLiteral("concurrency"), 4}});
        if (!callback) {
            fail(tr("B's callback: %1").arg(callback.error().message));
            return;
        }
        m_callbackB = std::move(callback.value());
        m_runtimeB = std::make_unique<runtime::PluginRuntime>(
            runtime ? runtime->options() : runtime::RuntimeOptions{}, m_callbackB.get());
        runtime = m_runtimeB.get();
    }
    if (!runtime) {
        fail(tr("No callback to run B with"));
        return;
    }
    eval::BatchOptions options;
    options.callbackIdentity = eval::callbackIdentity(spec);
    options.categorySchema = m_mapping->categorySchema;
    options.configJson = config;
    options.concurrency = 4;
    options.cacheDir = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
                       + QStringLiteral("/ango-console/eval");
    m_labelB = label(spec, config);
    m_batchB = std::make_unique<eval::BatchRun>(runtime, *m_dataset, options);
    connect(m_batchB.get(), &eval::BatchRun::progressed, this,
            [this](const eval::BatchProgress &p) {
                m_status->setText(tr("B: %1/%2 images (%3 cached, %4 failed) · %5")
                                      .arg(p.done)
                                      .arg(p.total)
                                      .arg(p.cached)
                                      .arg(p.failed)
                                      .arg(m_labelB));
            });
    connect(m_batchB.get(), &eval::BatchRun::finished, this, &ComparePanel::batchBFinished);
    m_compare->setEnabled(false);
    m_bRunning = true;
    m_status->setText(tr("Running B: %1").arg(m_labelB));
    m_batchB->start();
}

void ComparePanel::batchBFinished(bool cancelled)
{
    m_bRunning = false;
    std::vector<std::vector<eval::Detection>> detections(m_dataset->images.size());
    for (std::size_t i = 0; i < detections.size(); ++i) {
        const eval::ImageRun &run = m_batchB->runs()[i];
        if (run.state == eval::ImageRun::State::Done && run.answer)
            detections[i]
                = eval::predictionsFromAnswer(*run.answer, *m_mapping, *m_dataset).detections;
    }
    const eval::EvalResult metrics = eval::evaluate(*m_dataset, detections);
    m_bHasAnswers = true;
    show(eval::scoreCard(m_labelB + (cancelled ? tr(" (cancelled: partial)") : QString()),
                         *m_dataset, metrics, &m_batchB->runs()));
}

void ComparePanel::show(eval::ScoreCard b)
{
    const eval::ScoreCard a = eval::scoreCard(label(m_setupA.callbackSpec, m_setupA.configJson),
                                              *m_dataset, *m_metricsA, m_runsA);
    auto result = eval::compare(a, b);
    if (!result) {
        fail(result.error().message);
        return;
    }
    m_comparison = std::move(result.value());
    fillTables();
    m_compare->setEnabled(true);
    const eval::Comparison &c = *m_comparison;
    QString text = tr("A: %1\nB: %2\n%3 of %4 images differ (F1 at IoU 0.5)")
                       .arg(c.labelA, c.labelB)
                       .arg(c.differingImages)
                       .arg(c.images.size());
    if (c.matchedByFile)
        text += tr("; no key in common, images matched by file name");
    if (!c.onlyInA.isEmpty() || !c.onlyInB.isEmpty())
        text += tr("; %1 images only in A, %2 only in B")
                    .arg(c.onlyInA.size())
                    .arg(c.onlyInB.size());
    m_status->setText(text);
    Q_EMIT compared();
}

void ComparePanel::fillTables()
{
    const eval::Comparison &c = *m_comparison;
    const std::vector<std::size_t> order = eval::classesByChange(c);
    m_classes->setRowCount(int(order.size()) + 1);
    auto classRow = [this](int row, const eval::ScoreDelta &d) {
        m_classes->setItem(row, 0, cell(d.name));
        m_classes->setItem(row, 1, cell(metricText(d.a.ap)));
        m_classes->setItem(row, 2, cell(metricText(d.b.ap)));
        m_classes->setItem(row, 3, cell(deltaText(d.ap), d.ap));
        m_classes->setItem(row, 4, cell(deltaText(d.ap50), d.ap50));
        m_classes->setItem(row, 5, cell(deltaText(d.recall), d.recall));
    };
    for (std::size_t r = 0; r < order.size(); ++r)
        classRow(int(r), c.classes[order[r]]);
    classRow(int(order.size()), c.overall);
    QFont bold = m_classes->font();
    bold.setBold(true);
    for (int col = 0; col < m_classes->columnCount(); ++col)
        m_classes->item(int(order.size()), col)->setFont(bold);

    m_images->setRowCount(int(c.images.size()));
    for (std::size_t r = 0; r < c.images.size(); ++r) {
        const eval::ImageDelta &d = c.images[r];
        const int row = int(r);
        m_images->setItem(row, 0, cell(d.a.file.isEmpty() ? d.a.key : d.a.file));
        m_images->setItem(row, 1, cell(counts(d.a)));
        m_images->setItem(row, 2, cell(counts(d.b)));
        m_images->setItem(row, 3, cell(QString::number(d.scoreA, 'f', 2)));
        m_images->setItem(row, 4, cell(QString::number(d.scoreB, 'f', 2)));
        m_images->setItem(row, 5, cell(deltaText(d.delta), d.delta));
    }
}

void ComparePanel::openImage(int row)
{
    if (!m_comparison || row < 0 || row >= int(m_comparison->images.size()))
        return;
    const eval::ImageDelta &d = m_comparison->images[std::size_t(row)];
    std::size_t index = m_dataset->images.size();
    for (std::size_t i = 0; i < m_dataset->images.size(); ++i) {
        if (m_dataset->images[i].key == d.a.key) {
            index = i;
            break;
        }
    }
    if (index == m_dataset->images.size())
        return;
    auto answer = [index](const std::vector<eval::ImageRun> *runs) -> std::optional<json> {
        if (!runs || index >= runs->size() || !(*runs)[index].result.is_object())
            return std::nullopt;
        return (*runs)[index].result;
    };
    const QString captionA
        = tr("A · TP/FP/FN %1 · F1 %2").arg(counts(d.a)).arg(d.scoreA, 0, 'f', 2);
    QString captionB = tr("B · TP/FP/FN %1 · F1 %2").arg(counts(d.b)).arg(d.scoreB, 0, 'f', 2);
    if (!m_bHasAnswers)
        captionB += tr(" · a saved report keeps counts, not objects");
    const QString path = m_dataset->images[index].localPath;
    m_split->show(path, answer(m_runsA), captionA,
                  m_bHasAnswers && m_batchB ? answer(&m_batchB->runs()) : std::nullopt, captionB);
}

} // namespace ango::app
