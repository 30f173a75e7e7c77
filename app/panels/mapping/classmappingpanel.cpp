#include "classmappingpanel.h"

#include "classmappingmodel.h"
#include "mappingstore.h"
#include "targetdelegate.h"

#include "panels/common/elidedlabel.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace ango::app {

namespace {

// Class lists are short; anything bigger is not what the user meant to pick.
constexpr qint64 kMaxImportBytes = 4 * 1024 * 1024;

} // namespace

ClassMappingPanel::ClassMappingPanel(MappingStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new ClassMappingModel(this))
    , m_view(new QTableView(this))
    , m_projectEdit(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_message(new ElidedLabel(this, 3))
    , m_addAction(new QAction(tr("Add class"), this))
    , m_removeAction(new QAction(tr("Remove"), this))
    , m_importAction(new QAction(tr("Import…"), this))
    , m_loadLabelSetAction(new QAction(tr("Load label set"), this))
{
    m_view->setObjectName(QStringLiteral("classMappingView"));
    m_view->setModel(m_model);
    m_view->setItemDelegateForColumn(ClassMappingModel::TargetColumn,
                                     new TargetDelegate(m_model, m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::AnyKeyPressed);
    // Class names and labels are shown whole; the schema id (long, rarely read) takes what is
    // left and is elided in the middle (its tooltip has it whole).
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(ClassMappingModel::ClassColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(ClassMappingModel::TargetColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->verticalHeader()->hide();

    m_projectEdit->setObjectName(QStringLiteral("mappingProjectId"));
    m_projectEdit->setPlaceholderText(tr("Project ID (empty: local runs)"));
    m_projectEdit->setToolTip(tr("Mappings are saved per project"));
    m_summary->setObjectName(QStringLiteral("mappingSummary"));
    m_message->setObjectName(QStringLiteral("mappingMessage"));
    m_message->hide();

    m_addAction->setObjectName(QStringLiteral("mappingAdd"));
    m_addAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Insert));
    m_addAction->setToolTip(tr("Add a model class"));
    m_removeAction->setObjectName(QStringLiteral("mappingRemove"));
    m_removeAction->setShortcut(QKeySequence::Delete);
    m_removeAction->setToolTip(tr("Remove the selected classes"));
    m_importAction->setObjectName(QStringLiteral("mappingImport"));
    m_importAction->setToolTip(
        tr("Import class names from a text file (one per line) or a JSON list"));
    m_loadLabelSetAction->setObjectName(QStringLiteral("mappingLoadLabelSet"));
    m_loadLabelSetAction->setToolTip(
        tr("Load the project's labeling tools (needs the project ID and an API key)"));
    for (QAction *action : {m_addAction, m_removeAction, m_importAction, m_loadLabelSetAction})
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);

    auto *toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(m_addAction);
    toolbar->addAction(m_removeAction);
    toolbar->addAction(m_importAction);
    toolbar->addSeparator();
    toolbar->addWidget(m_projectEdit);
    toolbar->addAction(m_loadLabelSetAction);
    // Shortcuts of toolbar actions only fire when the actions belong to a visible widget here.
    QWidget::addActions({m_addAction, m_removeAction, m_importAction, m_loadLabelSetAction});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(toolbar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_message);
    layout->addWidget(m_summary);

    connect(m_addAction, &QAction::triggered, this, &ClassMappingPanel::addClass);
    connect(m_removeAction, &QAction::triggered, this, &ClassMappingPanel::removeSelectedClasses);
    connect(m_importAction, &QAction::triggered, this, &ClassMappingPanel::importFromDialog);
    connect(m_loadLabelSetAction, &QAction::triggered, this,
            [this] { Q_EMIT labelSetRequested(m_projectId); });
    connect(m_projectEdit, &QLineEdit::editingFinished, this,
            [this] { setProjectId(m_projectEdit->text().trimmed()); });
    connect(m_model, &ClassMappingModel::mappingsChanged, this, &ClassMappingPanel::save);
    connect(m_model, &ClassMappingModel::categorySchemaChanged, this,
            &ClassMappingPanel::categorySchemaChanged);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ClassMappingPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ClassMappingPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ClassMappingPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ClassMappingPanel::updateSummary);

    if (m_store) {
        // The project of the last session, with its mapping, as it was left.
        m_projectId = m_store->lastProject();
        m_projectEdit->setText(m_projectId);
        const MappingStore::Saved saved = m_store->load(m_projectId);
        m_loading = true;
        m_model->setLabelTools(saved.labelTools);
        m_model->setMappings(saved.mappings);
        m_loading = false;
    }
    updateSummary();
}

ClassMappingPanel::~ClassMappingPanel() = default;

nlohmann::json ClassMappingPanel::categorySchema() const
{
    return m_model->categorySchema();
}

void ClassMappingPanel::setProjectId(const QString &projectId)
{
    if (m_projectEdit->text() != projectId)
        m_projectEdit->setText(projectId);
    if (projectId == m_projectId)
        return;
    save();
    m_projectId = projectId;
    if (m_store) {
        m_store->setLastProject(projectId);
        const MappingStore::Saved saved = m_store->load(projectId);
        m_loading = true;
        m_model->setLabelTools(saved.labelTools);
        m_model->setMappings(saved.mappings);
        m_loading = false;
    }
    m_message->hide();
    updateSummary();
    Q_EMIT projectIdChanged(projectId);
}

void ClassMappingPanel::setLabelTools(const QList<LabelTool> &tools)
{
    m_model->setLabelTools(tools);
    showMessage(tools.isEmpty() ? tr("The project's label set has no tools.") : QString(),
                tools.isEmpty());
    save();
    updateSummary();
}

void ClassMappingPanel::setLabelSetError(const QString &message)
{
    showMessage(tr("Could not load the label set: %1").arg(message), true);
}

void ClassMappingPanel::setReturnedClasses(const QStringList &modelClasses)
{
    m_model->setReturnedClasses(modelClasses);
    updateSummary();
}

Result<int> ClassMappingPanel::importFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::of(tr("Cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxImportBytes)
        return Error::of(tr("%1 is too large for a class list").arg(path));
    Result<QList<ClassMapping>> classes = parseClassList(file.readAll());
    if (!classes)
        return classes.error();
    return m_model->importMappings(*classes);
}

void ClassMappingPanel::addClass()
{
    const int row = m_model->rowCount();
    m_model->insertRows(row, 1);
    const QModelIndex index = m_model->index(row, ClassMappingModel::ClassColumn);
    m_view->setCurrentIndex(index);
    m_view->edit(index);
}

void ClassMappingPanel::removeSelectedClasses()
{
    QList<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : rows)
        m_model->removeRows(row, 1);
}

void ClassMappingPanel::importFromDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import model classes"), QString(),
        tr("Class lists (*.txt *.json *.names *.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    const Result<int> added = importFile(path);
    if (added)
        showMessage(tr("%n class(es) added.", nullptr, *added), false);
    else
        showMessage(added.error().message, true);
}

void ClassMappingPanel::save()
{
    if (m_store && !m_loading)
        m_store->save(m_projectId, {m_model->mappings(), m_model->labelTools()});
}

void ClassMappingPanel::updateSummary()
{
    using Status = ClassMappingModel::Status;
    const int total = m_model->rowCount();
    const int mapped = int(m_model->classesWith(Status::Mapped).size());
    QString text = tr("%1 of %2 classes mapped").arg(mapped).arg(total);
    if (!m_model->labelTools().isEmpty())
        text += tr(" · label set: %n tool(s)", nullptr, int(m_model->labelTools().size()));
    const QStringList returned = m_model->classesWith(Status::ReturnedUnmapped);
    if (!returned.isEmpty())
        text += u'\n'
                + tr("Returned by the last result but not mapped: %1").arg(returned.join(u", "));
    const QStringList unknown = m_model->classesWith(Status::UnknownTarget);
    if (!unknown.isEmpty())
        text += u'\n' + tr("Target not in the label set: %1").arg(unknown.join(u", "));
    m_summary->setText(text);
}

void ClassMappingPanel::showMessage(const QString &message, bool error)
{
    m_message->setText(message);
    m_message->setStyleSheet(error ? QStringLiteral("color: #d03030;") : QString());
    m_message->setVisible(!message.isEmpty());
}

} // namespace ango::app
