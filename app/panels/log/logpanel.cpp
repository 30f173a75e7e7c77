#include "logpanel.h"

#include "logdetail.h"
#include "logexporter.h"
#include "logfiltermodel.h"
#include "logmodel.h"
#include "logview.h"
#include "requesttimeline.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <functional>

namespace ango::app {

namespace {

// Filter choices are the values seen so far, read when the list opens rather than kept up to
// date on every batch.
class ValueComboBox final : public QComboBox
{
public:
    ValueComboBox(QString allText, std::function<QStringList()> values, QWidget *parent)
        : QComboBox(parent)
        , m_allText(std::move(allText))
        , m_values(std::move(values))
    {
        addItem(m_allText);
        setSizeAdjustPolicy(QComboBox::AdjustToContents);
    }

    QStringList chosen() const
    {
        return currentIndex() <= 0 ? QStringList() : QStringList{currentText()};
    }

    void showPopup() override
    {
        const QString current = currentIndex() <= 0 ? QString() : currentText();
        const QSignalBlocker blocker(this);
        clear();
        addItem(m_allText);
        QStringList values = m_values();
        if (!current.isEmpty() && !values.contains(current))
            values.prepend(current);
        addItems(values);
        setCurrentIndex(current.isEmpty() ? 0 : findText(current));
        QComboBox::showPopup();
    }

private:
    QString m_allText;
    std::function<QStringList()> m_values;
};

const QString kPluginKind = QStringLiteral("plugin");

} // namespace

LogPanel::LogPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new LogModel(this))
    , m_filter(new LogFilterModel(this))
    , m_view(new LogView(this))
    , m_detail(new LogDetailView(this))
    , m_timeline(new RequestTimelineModel(this))
    , m_timelineView(new QTableView(this))
    , m_stepStrip(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_filterEdit(new QLineEdit(this))
    , m_countLabel(new QLabel(this))
    , m_filterDelay(new QTimer(this))
    , m_exportSelectedAction(new QAction(tr("Export selected…"), this))
    , m_exportAllAction(new QAction(tr("Export all…"), this))
    , m_replayAction(new QAction(tr("Replay"), this))
    , m_clearAction(new QAction(tr("Clear"), this))
{
    m_filter->setSourceModel(m_model);
    m_view->setModel(m_filter);
    m_view->horizontalHeader()->resizeSection(LogModel::TimeColumn, 100);
    m_view->horizontalHeader()->resizeSection(LogModel::LevelColumn, 50);
    m_view->horizontalHeader()->resizeSection(LogModel::DirectionColumn, 45);
    m_view->setColumnHidden(LogModel::CategoryColumn, true);
    // The message says what happened: it comes right after the kind, where a log a third of the
    // window wide still shows it, not past the horizontal scroll behind session and timings.
    QHeaderView *header = m_view->horizontalHeader();
    header->moveSection(header->visualIndex(LogModel::MessageColumn),
                        header->visualIndex(LogModel::KindColumn) + 1);
    header->resizeSection(LogModel::MessageColumn, 360);
    m_detail->setRedactor(&m_redactor);

    m_filterEdit->setObjectName(QStringLiteral("logFilterText"));
    m_filterEdit->setPlaceholderText(tr("Filter (text in message, session, kind or detail)"));
    m_filterEdit->setClearButtonEnabled(true);
    m_kindCombo = new ValueComboBox(
        tr("All kinds"), [this] { return m_model->distinctValues(LogModel::KindColumn); }, this);
    m_kindCombo->setObjectName(QStringLiteral("logFilterKind"));
    m_kindCombo->setToolTip(tr("Show one kind of event only"));
    m_statusCombo = new ValueComboBox(
        tr("All statuses"), [this] { return m_model->distinctValues(LogModel::StatusColumn); },
        this);
    m_statusCombo->setObjectName(QStringLiteral("logFilterStatus"));
    m_statusCombo->setToolTip(tr("Show one status only"));
    m_levelCombo = new QComboBox(this);
    m_levelCombo->setObjectName(QStringLiteral("logFilterLevel"));
    m_levelCombo->addItem(tr("All levels"), -1);
    m_levelCombo->addItem(tr("Info and above"), int(logging::Level::Info));
    m_levelCombo->addItem(tr("Warnings and errors"), int(logging::Level::Warning));
    m_levelCombo->addItem(tr("Errors"), int(logging::Level::Error));
    m_countLabel->setObjectName(QStringLiteral("logCount"));

    // Typing in a million-row filter should not refilter on every key.
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(150);

    m_exportSelectedAction->setObjectName(QStringLiteral("logExportSelected"));
    m_exportSelectedAction->setToolTip(tr("Save the selected entries as JSON lines (redacted)"));
    m_exportAllAction->setObjectName(QStringLiteral("logExportAll"));
    m_exportAllAction->setToolTip(tr("Save every stored entry as JSON lines (redacted)"));
    m_replayAction->setObjectName(QStringLiteral("logReplay"));
    m_replayAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_replayAction->setToolTip(tr("Run the callback again, locally, on the selected request"));
    m_replayAction->setEnabled(false);
    m_clearAction->setObjectName(QStringLiteral("logClear"));
    m_clearAction->setToolTip(tr("Remove every entry from the log"));
    auto *focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, this, [this] {
        m_filterEdit->setFocus();
        m_filterEdit->selectAll();
    });
    const QList<QAction *> actions{m_exportSelectedAction, m_exportAllAction, m_replayAction,
                                   m_clearAction, focusFilter};
    for (QAction *action : actions)
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addActions(actions);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addActions({m_replayAction, m_exportSelectedAction});

    auto *exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    exportButton->addActions({m_exportSelectedAction, m_exportAllAction});
    auto *replayButton = new QToolButton(this);
    replayButton->setDefaultAction(m_replayAction);
    auto *clearButton = new QToolButton(this);
    clearButton->setDefaultAction(m_clearAction);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_kindCombo);
    bar->addWidget(m_statusCombo);
    bar->addWidget(m_levelCombo);
    bar->addWidget(m_countLabel);
    bar->addWidget(exportButton);
    bar->addWidget(replayButton);
    bar->addWidget(clearButton);

    m_timelineView->setObjectName(QStringLiteral("logTimelineView"));
    m_timelineView->setModel(m_timeline);
    m_timelineView->verticalHeader()->hide();
    m_timelineView->horizontalHeader()->setStretchLastSection(true);
    m_timelineView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_timelineView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_stepStrip->setObjectName(QStringLiteral("logTimelineSteps"));
    auto *timelinePage = new QWidget(this);
    auto *timelineLayout = new QVBoxLayout(timelinePage);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->addWidget(m_stepStrip);
    timelineLayout->addWidget(m_timelineView, 1);

    m_tabs->addTab(m_detail, tr("Detail"));
    m_tabs->addTab(timelinePage, tr("Timeline"));
    // Side by side: the log sits in a wide, low dock, where rows need the height.
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    // From the start, not only for space gained later: the detail's size hint would take half.
    splitter->setSizes({3000, 2000});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(m_filterEdit, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_filterDelay, &QTimer::timeout, this, &LogPanel::applyFilter);
    connect(m_kindCombo, &QComboBox::currentIndexChanged, this, &LogPanel::applyFilter);
    connect(m_statusCombo, &QComboBox::currentIndexChanged, this, &LogPanel::applyFilter);
    connect(m_levelCombo, &QComboBox::currentIndexChanged, this, &LogPanel::applyFilter);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LogPanel::onCurrentChanged);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &LogPanel::onCurrentChanged);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &LogPanel::onLogRowsInserted);
    connect(m_timeline, &RequestTimelineModel::stepsChanged, this, &LogPanel::updateStepStrip);
    auto updateCount = [this] {
        m_countLabel->setText(tr("%1 of %2").arg(m_filter->rowCount()).arg(m_model->rowCount()));
    };
    for (QAbstractItemModel *model : {static_cast<QAbstractItemModel *>(m_filter),
                                      static_cast<QAbstractItemModel *>(m_model)}) {
        connect(model, &QAbstractItemModel::rowsInserted, this, updateCount);
        connect(model, &QAbstractItemModel::rowsRemoved, this, updateCount);
        connect(model, &QAbstractItemModel::modelReset, this, updateCount);
    }
    connect(m_exportSelectedAction, &QAction::triggered, this, [this] { chooseExportFile(true); });
    connect(m_exportAllAction, &QAction::triggered, this, [this] { chooseExportFile(false); });
    connect(m_replayAction, &QAction::triggered, this, &LogPanel::replayCurrent);
    connect(m_clearAction, &QAction::triggered, m_model, &LogModel::clear);
    updateCount();
    updateStepStrip();
}

LogPanel::~LogPanel() = default;

void LogPanel::setRedactor(const logging::Redactor &redactor)
{
    m_redactor = redactor;
    onCurrentChanged();
}

void LogPanel::append(const logging::LogEntry &entry)
{
    m_model->append(entry);
}

void LogPanel::appendBatch(const QList<logging::LogEntry> &entries)
{
    m_model->appendBatch(entries);
}

std::optional<logging::LogEntry> LogPanel::currentEntry() const
{
    const QModelIndex source = m_filter->mapToSource(m_view->currentIndex());
    if (!source.isValid())
        return std::nullopt;
    return m_model->entry(source.row());
}

std::optional<nlohmann::json> LogPanel::replayablePayload() const
{
    const QModelIndex source = m_filter->mapToSource(m_view->currentIndex());
    if (!source.isValid())
        return std::nullopt;
    const LogStore &store = m_model->store();
    const int row = source.row();
    if (store.direction(row) != u"in" || store.kind(row) != kPluginKind)
        return std::nullopt;
    nlohmann::json payload = store.detail(row);
    if (!payload.is_object() || payload.contains("truncated"))
        return std::nullopt;
    return payload;
}

void LogPanel::replayCurrent()
{
    if (std::optional<nlohmann::json> payload = replayablePayload())
        Q_EMIT replayRequested(*payload);
}

LogExporter *LogPanel::exportToFile(const QString &path, bool selectedOnly)
{
    m_model->flush();
    std::vector<quint64> seqs;
    if (selectedOnly) {
        const QModelIndexList rows = m_view->selectionModel()->selectedRows();
        seqs.reserve(std::size_t(rows.size()));
        for (const QModelIndex &index : rows)
            seqs.push_back(index.data(LogModel::SeqRole).toULongLong());
        std::sort(seqs.begin(), seqs.end());
    } else {
        seqs.reserve(std::size_t(m_model->rowCount()));
        for (int row = 0; row < m_model->rowCount(); ++row)
            seqs.push_back(m_model->seqOfRow(row));
    }
    auto *exporter = new LogExporter(m_model, std::move(seqs), path, m_redactor, this);
    connect(exporter, &LogExporter::finished, this,
            [this, exporter](bool ok, const QString &message) {
                exporter->deleteLater();
                Q_EMIT exportFinished(ok, message);
            });
    exporter->start();
    return exporter;
}

void LogPanel::applyFilter()
{
    m_filterDelay->stop();
    LogFilter filter;
    filter.text = m_filterEdit->text().trimmed();
    filter.kinds = static_cast<ValueComboBox *>(m_kindCombo)->chosen();
    filter.statuses = static_cast<ValueComboBox *>(m_statusCombo)->chosen();
    const int level = m_levelCombo->currentData().toInt();
    if (level >= 0)
        filter.minimumLevel = logging::Level(level);
    m_filter->setFilter(filter);
}

void LogPanel::onCurrentChanged()
{
    const std::optional<logging::LogEntry> entry = currentEntry();
    m_detail->setEntry(entry);
    m_replayAction->setEnabled(replayablePayload().has_value());
    const QString session = entry ? entry->session : QString();
    if (session != m_timeline->session() || !entry)
        showTimelineOf(session);
}

void LogPanel::showTimelineOf(const QString &session)
{
    QList<std::pair<quint64, logging::LogEntry>> entries;
    if (!session.isEmpty()) {
        const LogStore &store = m_model->store();
        for (int row = 0; row < store.size() && entries.size() < RequestTimelineModel::kMaxItems;
             ++row) {
            if (store.session(row) == session)
                entries.append({m_model->seqOfRow(row), store.entry(row)});
        }
    }
    m_timeline->setSession(session, entries);
}

void LogPanel::onLogRowsInserted(const QModelIndex &parent, int first, int last)
{
    const QString session = m_timeline->session();
    if (parent.isValid() || session.isEmpty())
        return;
    const LogStore &store = m_model->store();
    QList<std::pair<quint64, logging::LogEntry>> entries;
    for (int row = first; row <= last; ++row) {
        if (store.session(row) == session)
            entries.append({m_model->seqOfRow(row), store.entry(row)});
    }
    m_timeline->appendEntries(entries);
}

void LogPanel::updateStepStrip()
{
    if (m_timeline->session().isEmpty()) {
        m_stepStrip->setText(tr("Select an entry of a request to see its steps."));
        return;
    }
    QStringList parts;
    for (RequestStep step : kRequestSteps) {
        QString mark;
        switch (m_timeline->stepState(step)) {
        case RequestTimelineModel::StepState::NotReached:
            mark = QStringLiteral("·");
            break;
        case RequestTimelineModel::StepState::Reached:
            mark = QStringLiteral("✓");
            break;
        case RequestTimelineModel::StepState::Failed:
            mark = QStringLiteral("✗");
            break;
        }
        parts << requestStepName(step) + u' ' + mark;
    }
    m_stepStrip->setText(
        tr("Session %1: %2").arg(m_timeline->session(), parts.join(QStringLiteral(" → "))));
}

void LogPanel::chooseExportFile(bool selectedOnly)
{
    const QString path
        = QFileDialog::getSaveFileName(this, tr("Export log"), QStringLiteral("log.jsonl"),
                                       tr("JSON lines (*.jsonl);;All files (*)"));
    if (!path.isEmpty())
        exportToFile(path, selectedOnly);
}

} // namespace ango::app
