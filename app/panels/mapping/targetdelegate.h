#pragma once

#include <QStyledItemDelegate>

namespace ango::app {

class ClassMappingModel;

// Edits a class's target with the project's label-set tools to pick from; a typed text that is
// not a tool's name is taken as a schemaId, so mapping works before a label set is loaded.
class TargetDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TargetDelegate)

public:
    TargetDelegate(ClassMappingModel *model, QObject *parent = nullptr);

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model,
                      const QModelIndex &index) const override;

private:
    ClassMappingModel *m_model = nullptr;
};

} // namespace ango::app
