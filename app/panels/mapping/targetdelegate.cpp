#include "targetdelegate.h"

#include "classmappingmodel.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QPixmap>

#include <algorithm>

namespace ango::app {

namespace {

QIcon swatch(const QColor &color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(color.isValid() ? color : Qt::transparent);
    return QIcon(pixmap);
}

} // namespace

TargetDelegate::TargetDelegate(ClassMappingModel *model, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_model(model)
{}

QWidget *TargetDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                                      const QModelIndex &index) const
{
    Q_UNUSED(option)
    Q_UNUSED(index)
    auto *combo = new QComboBox(parent);
    combo->setObjectName(QStringLiteral("targetEditor"));
    combo->setEditable(true);
    combo->setInsertPolicy(QComboBox::NoInsert);
    combo->addItem(tr("(not mapped)"), QString());
    for (const LabelTool &tool : m_model->labelTools()) {
        const QString title = tool.title.isEmpty() ? tool.schemaId : tool.title;
        const QString text
            = tool.tool.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, tool.tool);
        combo->addItem(swatch(tool.color), text, tool.schemaId);
        combo->setItemData(combo->count() - 1, tool.schemaId, Qt::ToolTipRole);
    }
    // The list opens as wide as its longest entry, not as narrow as the cell: entries are never
    // cut in the middle.
    int widest = 0;
    for (int i = 0; i < combo->count(); ++i)
        widest = std::max(widest, combo->fontMetrics().horizontalAdvance(combo->itemText(i)));
    combo->view()->setMinimumWidth(widest + combo->iconSize().width() + 48);
    combo->view()->setTextElideMode(Qt::ElideNone);
    return combo;
}

void TargetDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    auto *combo = static_cast<QComboBox *>(editor);
    const QString schemaId = index.data(ClassMappingModel::SchemaIdRole).toString();
    const int item = combo->findData(schemaId);
    if (item >= 0)
        combo->setCurrentIndex(item);
    else
        combo->setEditText(schemaId);
}

void TargetDelegate::setModelData(QWidget *editor, QAbstractItemModel *model,
                                  const QModelIndex &index) const
{
    auto *combo = static_cast<QComboBox *>(editor);
    const QString text = combo->currentText().trimmed();
    const int item = combo->findText(text);
    const QString schemaId = item >= 0 ? combo->itemData(item).toString() : text;
    model->setData(index, schemaId, Qt::EditRole);
}

} // namespace ango::app
