#pragma once

#include "classmapping.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace ango::app {

// The mapping table: model class (editable) → target schemaId, shown with its label-set name.
// The model knows nothing about REST or settings: the caller feeds tools and returned classes.
class ClassMappingModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassMappingModel)

public:
    enum Column { ClassColumn, TargetColumn, SchemaIdColumn, ColumnCount };
    enum Role {
        StatusRole = Qt::UserRole + 1, // Status as int
        SchemaIdRole,                  // QString, any column
        ModelClassRole,                // QString, any column
        ReturnedRole,                  // bool: the last result used this class
    };
    enum class Status {
        Mapped,           // has a schemaId (found in the label set, or no label set loaded)
        Unmapped,         // no schemaId: the class is left out of categorySchema
        ReturnedUnmapped, // the last result returned it, yet it is not mapped
        UnknownTarget,    // schemaId is not a tool of the loaded label set
    };
    Q_ENUM(Status)

    explicit ClassMappingModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // New rows have an empty class name (left out of categorySchema until named).
    bool insertRows(int row, int count, const QModelIndex &parent = {}) override;
    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;

    QList<ClassMapping> mappings() const { return m_rows; }
    void setMappings(const QList<ClassMapping> &mappings);
    // Adds classes not yet in the table; for known ones a non-empty schemaId replaces the
    // current target. Returns how many rows were added.
    int importMappings(const QList<ClassMapping> &mappings);
    // Row of the class, appended (unmapped) when missing.
    int addClass(const QString &modelClass);
    int rowOfClass(const QString &modelClass) const;
    bool setTarget(int row, const QString &schemaId);

    QList<LabelTool> labelTools() const { return m_tools; }
    void setLabelTools(const QList<LabelTool> &tools);
    const LabelTool *toolFor(const QString &schemaId) const;

    // Classes the last result returned; those missing from the table are appended, so that
    // they can be mapped. An empty list clears the marks.
    void setReturnedClasses(const QStringList &modelClasses);
    QStringList returnedClasses() const;

    Status status(int row) const;
    QStringList classesWith(Status status) const;

    // [{"schemaId", "modelClass"}] for mapped classes, or null when nothing is mapped.
    nlohmann::json categorySchema() const { return categorySchemaOf(m_rows); }

Q_SIGNALS:
    // The produced categorySchema changed.
    void categorySchemaChanged();
    // Classes or targets changed (what is saved per project).
    void mappingsChanged();

private:
    QString targetText(const ClassMapping &mapping) const;
    QVariant background(int row) const;
    QString toolTip(int row) const;
    void rowsEdited(int first, int last);
    void emitIfSchemaChanged();

    QList<ClassMapping> m_rows;
    QList<LabelTool> m_tools;
    QHash<QString, int> m_toolIndex; // schemaId → m_tools index
    QSet<QString> m_returned;
    nlohmann::json m_lastSchema;
};

} // namespace ango::app
