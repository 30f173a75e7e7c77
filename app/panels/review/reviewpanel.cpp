#include "reviewpanel.h"

#include "discardconfirm.h"

#include "boxeditor.h"
#include "panels/preview/imagedecoding.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace ango::app {

namespace {

// Problems of the edited answer name its indices; the panel shows objects by their index in the
// answer as it arrived, so paths and marks are moved back to those.
QList<ListedProblem> toSlots(QList<ListedProblem> problems, const ReviewSession &session)
{
    for (ListedProblem &problem : problems) {
        if (problem.objectIndex < 0)
            continue;
        const int slot = session.slotOfExportIndex(problem.objectIndex);
        const QString oldPrefix = QStringLiteral("objects[%1]").arg(problem.objectIndex);
        if (problem.path.startsWith(oldPrefix))
            problem.path.replace(0, oldPrefix.size(), QStringLiteral("objects[%1]").arg(slot));
        problem.objectIndex = slot;
    }
    return problems;
}

} // namespace

ReviewPanel::ReviewPanel(QWidget *parent)
    : QWidget(parent)
    , m_preview(new PreviewPanel(this))
    , m_editor(new BoxEditor)
    , m_queueBox(new QComboBox(this))
    , m_classBox(new QComboBox(this))
    , m_deleteButton(new QPushButton(tr("Delete"), this))
    , m_revertButton(new QPushButton(tr("Revert"), this))
    , m_discardButton(new QPushButton(tr("Discard"), this))
    , m_uploadButton(new QPushButton(tr("Upload"), this))
    , m_discardConfirm(new DiscardConfirm(this))
    , m_status(new QLabel(this))
{
    m_queueBox->setObjectName(QStringLiteral("reviewQueueBox"));
    m_queueBox->setToolTip(tr("Results waiting for review"));
    m_queueBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_classBox->setObjectName(QStringLiteral("reviewClassBox"));
    m_classBox->setToolTip(tr("Change the class of the selected object"));
    m_classBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_classBox->setMinimumWidth(160);
    m_deleteButton->setObjectName(QStringLiteral("reviewDeleteButton"));
    m_deleteButton->setToolTip(tr("Delete the selected object (Del)"));
    m_revertButton->setObjectName(QStringLiteral("reviewRevertButton"));
    m_revertButton->setToolTip(tr("Undo every edit of this result"));
    m_discardButton->setObjectName(QStringLiteral("reviewDiscardButton"));
    m_discardButton->setToolTip(
        tr("Drop this result: nothing is delivered, the hub is told (asks first)"));
    m_uploadButton->setObjectName(QStringLiteral("reviewUploadButton"));
    m_uploadButton->setToolTip(tr("Approve this result with your edits and deliver it through the "
                                  "runtime (Ctrl+Shift+Return)"));
    m_uploadButton->setDefault(true);
    m_status->setObjectName(QStringLiteral("reviewStatus"));

    PreviewScene *scene = m_preview->scene();
    scene->setObjectsSelectable(true);
    scene->addItem(m_editor);
    m_editor->setViewScale(m_preview->view()->zoom());

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Waiting for review:"), this));
    top->addWidget(m_queueBox);
    top->addStretch();
    top->addWidget(m_status);

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(new QLabel(tr("Class:"), this));
    bottom->addWidget(m_classBox);
    bottom->addWidget(m_deleteButton);
    bottom->addWidget(m_revertButton);
    bottom->addStretch();
    bottom->addWidget(m_discardButton);
    bottom->addWidget(m_uploadButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_discardConfirm);
    layout->addLayout(bottom);

    connect(scene, &QGraphicsScene::selectionChanged, this, &ReviewPanel::onSelectionChanged);
    connect(m_editor, &BoxEditor::boxEdited, this, &ReviewPanel::onBoxEdited);
    connect(m_preview->view(), &PreviewView::zoomChanged, m_editor, &BoxEditor::setViewScale);
    connect(m_preview, &PreviewPanel::objectActivated, this, &ReviewPanel::selectSlot);
    connect(m_queueBox, &QComboBox::currentIndexChanged, this, &ReviewPanel::showEntry);
    connect(m_classBox, &QComboBox::activated, this,
            [this](int row) { changeClass(m_selectedSlot, m_classBox->itemData(row).toString()); });
    connect(m_deleteButton, &QPushButton::clicked, this, [this] { deleteObject(m_selectedSlot); });
    connect(m_revertButton, &QPushButton::clicked, this, &ReviewPanel::revertEdits);
    connect(m_discardButton, &QPushButton::clicked, this, &ReviewPanel::askDiscard);
    connect(m_discardConfirm, &DiscardConfirm::confirmed, this, [this](const QString &id) {
        if (currentId() == id) // never another result than the one asked about
            discardCurrent();
    });
    connect(m_uploadButton, &QPushButton::clicked, this, &ReviewPanel::approveCurrent);

    auto *deleteKey = new QShortcut(QKeySequence::Delete, this);
    deleteKey->setContext(Qt::WidgetWithChildrenShortcut);
    connect(deleteKey, &QShortcut::activated, this, [this] { deleteObject(m_selectedSlot); });
    // Not Ctrl+Return: that runs the callback, window-wide, and two owners of a key both lose it.
    auto *approveKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return), this);
    approveKey->setContext(Qt::WidgetWithChildrenShortcut);
    connect(approveKey, &QShortcut::activated, this, &ReviewPanel::approveCurrent);

    updateControls();
}

ReviewPanel::~ReviewPanel()
{
    // The scene outlives this object's own destructor (it belongs to a child widget) and reports
    // selection changes while its items are deleted: they must not reach a half-destroyed panel.
    m_preview->scene()->disconnect(this);
    m_editor->disconnect(this);
}

void ReviewPanel::setClasses(const QList<ClassInfo> &classes)
{
    m_preview->setClasses(classes);
    const QSignalBlocker blocker(m_classBox);
    m_classBox->clear();
    for (const ClassInfo &info : classes) {
        if (info.key.startsWith(QStringLiteral("title:")))
            continue; // only schemaIds can be written back
        m_classBox->addItem(swatchIcon(m_preview->scene()->palette().colorOf(info.key)), info.name,
                            info.key);
    }
    updateControls();
}

void ReviewPanel::setValidator(Validator validator)
{
    m_validator = std::move(validator);
    refreshProblems();
}

void ReviewPanel::enqueue(PendingReview review)
{
    const QString id = review.id;
    for (std::size_t row = 0; row < m_queue.size(); ++row) {
        if (m_queue[row].review.id == id) {
            // A new result for the same id replaces the one still waiting.
            m_queue[row] = Entry{review, ReviewSession(review.answer)};
            rebuildQueueBox();
            if (int(row) == m_currentRow)
                showEntry(m_currentRow);
            return;
        }
    }
    ReviewSession session(review.answer);
    m_queue.push_back(Entry{std::move(review), std::move(session)});
    rebuildQueueBox();
    if (m_currentRow < 0)
        showEntry(0);
    Q_EMIT pendingCountChanged(pendingCount());
}

void ReviewPanel::withdraw(const QString &id)
{
    for (std::size_t row = 0; row < m_queue.size(); ++row) {
        if (m_queue[row].review.id != id)
            continue;
        if (int(row) == m_currentRow) {
            removeCurrent();
        } else {
            m_queue.erase(m_queue.begin() + std::ptrdiff_t(row));
            if (int(row) < m_currentRow)
                --m_currentRow;
            rebuildQueueBox();
            Q_EMIT pendingCountChanged(pendingCount());
        }
        return;
    }
}

void ReviewPanel::setImage(const QString &id, const QImage &image)
{
    for (std::size_t row = 0; row < m_queue.size(); ++row) {
        if (m_queue[row].review.id == id) {
            m_queue[row].review.image = image;
            if (int(row) == m_currentRow)
                m_preview->setImage(image);
        }
    }
}

void ReviewPanel::setImageData(const QString &id, QByteArray bytes)
{
    decodeImageAsync(this, std::move(bytes), QString(), [this, id](const DecodedImage &decoded) {
        if (decoded.image.isNull()) {
            Q_EMIT imageFailed(id, decoded.error);
            return;
        }
        setImage(id, decoded.image); // a no-op when the result was decided meanwhile
    });
}

QStringList ReviewPanel::pendingIds() const
{
    QStringList ids;
    for (const Entry &entry : m_queue)
        ids.append(entry.review.id);
    return ids;
}

QString ReviewPanel::currentId() const
{
    return m_currentRow >= 0 ? m_queue[std::size_t(m_currentRow)].review.id : QString();
}

void ReviewPanel::showPending(const QString &id)
{
    const int row = int(pendingIds().indexOf(id));
    if (row >= 0)
        showEntry(row);
}

const ReviewSession *ReviewPanel::currentSession() const
{
    return m_currentRow >= 0 ? &m_queue[std::size_t(m_currentRow)].session : nullptr;
}

ReviewPanel::Entry *ReviewPanel::current()
{
    return m_currentRow >= 0 ? &m_queue[std::size_t(m_currentRow)] : nullptr;
}

void ReviewPanel::showEntry(int row)
{
    // A question about another result than the one now shown would be answered by mistake.
    if (row < 0 || row >= pendingCount()
        || m_queue[std::size_t(row)].review.id != m_discardConfirm->askingAbout())
        m_discardConfirm->dismiss();
    m_editor->detach();
    m_selectedSlot = -1;
    if (row < 0 || row >= pendingCount()) {
        m_currentRow = -1;
        m_preview->clear();
        rebuildQueueBox();
        updateControls();
        return;
    }
    m_currentRow = row;
    const Entry &entry = m_queue[std::size_t(row)];
    const PendingReview &review = entry.review;
    if (!review.image.isNull())
        m_preview->setImage(review.image);
    else if (!review.imageData.isEmpty())
        m_preview->loadImageData(review.imageData);
    else if (!review.imagePath.isEmpty())
        m_preview->loadImageFile(review.imagePath);
    else
        m_preview->setImage(QImage());
    // The scene keeps the objects as they arrived, each at its slot; edits made before the
    // user switched away are replayed onto it.
    m_preview->setAnswer(entry.session.original());
    for (int slot = 0; slot < entry.session.slotCount(); ++slot) {
        if (entry.session.isDeleted(slot))
            m_preview->scene()->removeObject(slot);
        else if (entry.session.object(slot) != m_preview->scene()->objectJson(slot))
            m_preview->scene()->updateObject(slot, entry.session.object(slot));
    }
    refreshProblems();
    {
        const QSignalBlocker blocker(m_queueBox);
        m_queueBox->setCurrentIndex(row);
    }
    updateControls();
}

void ReviewPanel::refreshProblems()
{
    const Entry *entry = current();
    if (!entry) {
        m_preview->setProblems(QList<ListedProblem>());
        return;
    }
    const ReviewSession &session = entry->session;
    QList<ListedProblem> problems;
    if (session.isEdited() && m_validator) {
        problems = toSlots(listedProblems(m_validator(session.editedAnswer())), session);
    } else {
        // Unedited, or nobody to re-validate: the arrival's problems, minus deleted objects'.
        for (const ListedProblem &problem : listedProblems(entry->review.problems)) {
            if (problem.objectIndex < 0 || !session.isDeleted(problem.objectIndex))
                problems.append(problem);
        }
    }
    m_preview->setProblems(problems);
}

void ReviewPanel::selectSlot(int slot)
{
    OverlayItem *item = m_preview->scene()->overlayItem(slot);
    m_preview->scene()->clearSelection();
    if (!item)
        return;
    item->setSelected(true);
    m_preview->view()->showObject(slot);
}

void ReviewPanel::onSelectionChanged()
{
    m_selectedSlot = -1;
    for (QGraphicsItem *item : m_preview->scene()->selectedItems()) {
        if (item->type() == OverlayItem::Type) {
            m_selectedSlot = static_cast<OverlayItem *>(item)->objectIndex();
            break;
        }
    }
    attachEditor();
    updateControls();
}

void ReviewPanel::attachEditor()
{
    const OverlayItem *item = m_preview->scene()->overlayItem(m_selectedSlot);
    if (!item
        || (item->geometry().kind != ShapeKind::BoundingBox
            && item->geometry().kind != ShapeKind::RotatedBox)) {
        m_editor->detach();
        return;
    }
    m_editor->setViewScale(m_preview->view()->zoom());
    m_editor->attach(item->geometry().box, item->geometry().rotation, item);
}

void ReviewPanel::onBoxEdited(const QRectF &box)
{
    if (!moveBox(m_selectedSlot, box))
        attachEditor(); // refused: show the box where it really is
}

bool ReviewPanel::moveBox(int slot, const QRectF &box)
{
    Entry *entry = current();
    if (!entry || !entry->session.setBox(slot, box))
        return false;
    afterEdit(slot);
    return true;
}

bool ReviewPanel::deleteObject(int slot)
{
    Entry *entry = current();
    if (!entry || !entry->session.deleteObject(slot))
        return false;
    afterEdit(slot);
    return true;
}

bool ReviewPanel::changeClass(int slot, const QString &schemaId)
{
    Entry *entry = current();
    if (!entry || !entry->session.setSchemaId(slot, schemaId))
        return false;
    afterEdit(slot);
    return true;
}

void ReviewPanel::revertEdits()
{
    Entry *entry = current();
    if (!entry || !entry->session.isEdited())
        return;
    entry->session.revert();
    showEntry(m_currentRow);
    Q_EMIT answerEdited(entry->review.id, entry->session.editedAnswer());
}

void ReviewPanel::afterEdit(int slot)
{
    Entry *entry = current();
    PreviewScene *scene = m_preview->scene();
    if (entry->session.isDeleted(slot))
        scene->removeObject(slot); // also drops it from the selection
    else
        scene->updateObject(slot, entry->session.object(slot));
    refreshProblems();
    if (slot == m_selectedSlot)
        attachEditor();
    updateControls();
    m_preview->view()->viewport()->update();
    Q_EMIT answerEdited(entry->review.id, entry->session.editedAnswer());
}

void ReviewPanel::approveCurrent()
{
    Entry *entry = current();
    if (!entry)
        return;
    const QString id = entry->review.id;
    const nlohmann::json answer = entry->session.editedAnswer();
    removeCurrent();
    Q_EMIT approveRequested(id, answer);
}

void ReviewPanel::askDiscard()
{
    if (const Entry *entry = current())
        m_discardConfirm->ask(entry->review.id);
}

void ReviewPanel::discardCurrent()
{
    Entry *entry = current();
    if (!entry)
        return;
    const QString id = entry->review.id;
    removeCurrent();
    Q_EMIT discardRequested(id);
}

void ReviewPanel::removeCurrent()
{
    const int row = m_currentRow;
    m_queue.erase(m_queue.begin() + std::ptrdiff_t(row));
    m_currentRow = -1;
    rebuildQueueBox();
    showEntry(std::min(row, pendingCount() - 1));
    Q_EMIT pendingCountChanged(pendingCount());
}

void ReviewPanel::rebuildQueueBox()
{
    const QSignalBlocker blocker(m_queueBox);
    m_queueBox->clear();
    for (const Entry &entry : m_queue) {
        const QString &title = entry.review.title;
        m_queueBox->addItem(title.isEmpty() ? entry.review.id : title, entry.review.id);
    }
    m_queueBox->setCurrentIndex(m_currentRow);
}

void ReviewPanel::updateControls()
{
    const Entry *entry = current();
    const bool selected = entry && m_selectedSlot >= 0;
    m_deleteButton->setEnabled(selected);
    m_classBox->setEnabled(selected && m_classBox->count() > 0);
    m_revertButton->setEnabled(entry && entry->session.isEdited());
    m_discardButton->setEnabled(entry);
    m_uploadButton->setEnabled(entry);
    m_queueBox->setEnabled(entry);
    {
        const QSignalBlocker blocker(m_classBox);
        const QString key
            = selected ? ClassPalette::keyOf(entry->session.object(m_selectedSlot)) : QString();
        m_classBox->setCurrentIndex(m_classBox->findData(key));
    }
    if (!entry) {
        m_status->setText(tr("Nothing waiting for review"));
        return;
    }
    QString status = tr("%n waiting", nullptr, pendingCount());
    if (selected)
        status += QStringLiteral(" · objects[%1]").arg(m_selectedSlot);
    if (entry->session.isEdited())
        status += tr(" · edited");
    m_status->setText(status);
}

} // namespace ango::app
