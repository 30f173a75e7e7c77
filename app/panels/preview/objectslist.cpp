#include "objectslist.h"

#include "previewscene.h"

#include <QMouseEvent>

namespace ango::app {

ObjectsList::ObjectsList(PreviewScene *scene, QWidget *parent)
    : QListWidget(parent)
    , m_scene(scene)
{
    setObjectName(QStringLiteral("previewClassList"));
    setSelectionMode(SingleSelection);
    setToolTip(tr("Objects per class. Click a class to pick out its objects (click below the "
                  "list to stop); uncheck it to hide them."));
    connect(m_scene, &PreviewScene::classesChanged, this, &ObjectsList::rebuild);
    connect(this, &QListWidget::itemChanged, this, &ObjectsList::onItemChanged);
    connect(this, &QListWidget::itemSelectionChanged, this, &ObjectsList::onSelectionChanged);
}

QString ObjectsList::rowText(const QString &name, int count)
{
    return QStringLiteral("%1 ×%2").arg(name).arg(count);
}

QListWidgetItem *ObjectsList::rowOfClass(const QString &key) const
{
    for (int row = 0; row < count(); ++row)
        if (item(row)->data(kClassKeyRole).toString() == key)
            return item(row);
    return nullptr;
}

void ObjectsList::rebuild()
{
    const QSignalBlocker blocker(this);
    clear();
    const ClassPalette &palette = m_scene->palette();
    const std::optional<QString> highlighted = m_scene->highlightedClass();
    for (const QString &key : m_scene->classKeys()) {
        auto *row
            = new QListWidgetItem(swatchIcon(palette.colorOf(key)),
                                  rowText(palette.nameOf(key), m_scene->classCount(key)), this);
        row->setData(kClassKeyRole, key);
        row->setToolTip(key.isEmpty() ? tr("Objects without schemaId or title")
                                      : tr("schemaId %1").arg(key));
        row->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        row->setCheckState(m_scene->isClassVisible(key) ? Qt::Checked : Qt::Unchecked);
        row->setSelected(highlighted == key);
    }
    // A class picked before that has no object any more is no longer emphasised.
    if (highlighted && !rowOfClass(*highlighted))
        m_scene->setHighlightedClass(std::nullopt);
}

void ObjectsList::onItemChanged(QListWidgetItem *row)
{
    m_scene->setClassVisible(row->data(kClassKeyRole).toString(), row->checkState() == Qt::Checked);
    Q_EMIT overlayChanged();
}

void ObjectsList::onSelectionChanged()
{
    const QList<QListWidgetItem *> selected = selectedItems();
    m_scene->setHighlightedClass(
        selected.isEmpty() ? std::nullopt
                           : std::optional(selected.first()->data(kClassKeyRole).toString()));
    Q_EMIT overlayChanged();
}

void ObjectsList::mousePressEvent(QMouseEvent *event)
{
    if (!itemAt(event->position().toPoint()))
        clearSelection();
    QListWidget::mousePressEvent(event);
}

} // namespace ango::app
