#include "classmappingmodel.h"

#include <QColor>

namespace ango::app {

namespace {

// Translucent tints read well on light and dark palettes alike.
const QColor kUnmappedTint(255, 176, 0, 70);
const QColor kProblemTint(230, 40, 40, 90);

} // namespace

ClassMappingModel::ClassMappingModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int ClassMappingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClassMappingModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClassMappingModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const ClassMapping &mapping = m_rows.at(row);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ClassColumn:
            return mapping.modelClass;
        case TargetColumn:
            return targetText(mapping);
        case SchemaIdColumn:
            return mapping.schemaId;
        }
        return {};
    case Qt::EditRole:
        return index.column() == ClassColumn ? mapping.modelClass : mapping.schemaId;
    case Qt::DecorationRole:
        if (index.column() == TargetColumn) {
            if (const LabelTool *tool = toolFor(mapping.schemaId); tool && tool->color.isValid())
                return tool->color;
        }
        return {};
    case Qt::BackgroundRole:
        return background(row);
    case Qt::ToolTipRole:
        return toolTip(row);
    case StatusRole:
        return int(status(row));
    case SchemaIdRole:
        return mapping.schemaId;
    case ModelClassRole:
        return mapping.modelClass;
    case ReturnedRole:
        return m_returned.contains(mapping.modelClass);
    }
    return {};
}

bool ClassMappingModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return false;
    }
    const QString text = value.toString().trimmed();
    const int row = index.row();
    if (index.column() == ClassColumn) {
        if (text == m_rows[row].modelClass)
            return true;
        // Two rows for one class would make the schema ambiguous.
        if (!text.isEmpty() && rowOfClass(text) >= 0)
            return false;
        m_rows[row].modelClass = text;
        rowsEdited(row, row);
        return true;
    }
    return setTarget(row, text);
}

QVariant ClassMappingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case ClassColumn:
            return tr("Model class");
        case TargetColumn:
            return tr("Label");
        case SchemaIdColumn:
            return tr("Schema ID");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ClassColumn:
            return tr("Class name as the plugin's model reports it");
        case TargetColumn:
            return tr("Labeling tool of the project the class maps to");
        case SchemaIdColumn:
            return tr("schemaId sent in categorySchema");
        }
    }
    return {};
}

Qt::ItemFlags ClassMappingModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

bool ClassMappingModel::insertRows(int row, int count, const QModelIndex &parent)
{
    if (parent.isValid() || row < 0 || row > rowCount() || count <= 0)
        return false;
    beginInsertRows({}, row, row + count - 1);
    m_rows.insert(row, count, ClassMapping{});
    endInsertRows();
    Q_EMIT mappingsChanged();
    return true;
}

bool ClassMappingModel::removeRows(int row, int count, const QModelIndex &parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > rowCount())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    m_rows.remove(row, count);
    endRemoveRows();
    Q_EMIT mappingsChanged();
    emitIfSchemaChanged();
    return true;
}

void ClassMappingModel::setMappings(const QList<ClassMapping> &mappings)
{
    beginResetModel();
    m_rows.clear();
    for (ClassMapping mapping : mappings) {
        mapping.modelClass = mapping.modelClass.trimmed();
        mapping.schemaId = mapping.schemaId.trimmed();
        if (mapping.modelClass.isEmpty() || rowOfClass(mapping.modelClass) < 0)
            m_rows.append(mapping);
    }
    endResetModel();
    Q_EMIT mappingsChanged();
    emitIfSchemaChanged();
}

int ClassMappingModel::importMappings(const QList<ClassMapping> &mappings)
{
    QList<ClassMapping> added;
    for (const ClassMapping &mapping : mappings) {
        const QString name = mapping.modelClass.trimmed();
        if (name.isEmpty())
            continue;
        const int row = rowOfClass(name);
        if (row >= 0) {
            if (!mapping.schemaId.trimmed().isEmpty())
                setTarget(row, mapping.schemaId);
        } else if (std::none_of(added.cbegin(), added.cend(),
                                [&](const ClassMapping &m) { return m.modelClass == name; })) {
            added.append(ClassMapping{name, mapping.schemaId.trimmed()});
        }
    }
    if (!added.isEmpty()) {
        beginInsertRows({}, rowCount(), rowCount() + int(added.size()) - 1);
        m_rows.append(added);
        endInsertRows();
        Q_EMIT mappingsChanged();
        emitIfSchemaChanged();
    }
    return int(added.size());
}

int ClassMappingModel::addClass(const QString &modelClass)
{
    const QString name = modelClass.trimmed();
    if (const int row = rowOfClass(name); row >= 0)
        return row;
    importMappings({ClassMapping{name, {}}});
    return rowOfClass(name);
}

int ClassMappingModel::rowOfClass(const QString &modelClass) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].modelClass == modelClass)
            return row;
    }
    return -1;
}

bool ClassMappingModel::setTarget(int row, const QString &schemaId)
{
    if (row < 0 || row >= m_rows.size())
        return false;
    const QString id = schemaId.trimmed();
    if (m_rows[row].schemaId != id) {
        m_rows[row].schemaId = id;
        rowsEdited(row, row);
    }
    return true;
}

void ClassMappingModel::setLabelTools(const QList<LabelTool> &tools)
{
    m_tools = tools;
    m_toolIndex.clear();
    for (int i = 0; i < m_tools.size(); ++i)
        m_toolIndex.insert(m_tools[i].schemaId, i);
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

const LabelTool *ClassMappingModel::toolFor(const QString &schemaId) const
{
    const auto it = m_toolIndex.constFind(schemaId);
    return it == m_toolIndex.cend() ? nullptr : &m_tools[*it];
}

void ClassMappingModel::setReturnedClasses(const QStringList &modelClasses)
{
    m_returned.clear();
    QList<ClassMapping> missing;
    for (const QString &name : modelClasses) {
        const QString trimmed = name.trimmed();
        if (trimmed.isEmpty())
            continue;
        m_returned.insert(trimmed);
        if (rowOfClass(trimmed) < 0)
            missing.append(ClassMapping{trimmed, {}});
    }
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    importMappings(missing);
}

QStringList ClassMappingModel::returnedClasses() const
{
    QStringList names;
    for (const ClassMapping &mapping : m_rows) {
        if (m_returned.contains(mapping.modelClass))
            names.append(mapping.modelClass);
    }
    return names;
}

ClassMappingModel::Status ClassMappingModel::status(int row) const
{
    const ClassMapping &mapping = m_rows.at(row);
    if (mapping.schemaId.isEmpty()) {
        return m_returned.contains(mapping.modelClass) ? Status::ReturnedUnmapped
                                                       : Status::Unmapped;
    }
    if (!m_tools.isEmpty() && !m_toolIndex.contains(mapping.schemaId))
        return Status::UnknownTarget;
    return Status::Mapped;
}

QStringList ClassMappingModel::classesWith(Status wanted) const
{
    QStringList names;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (status(row) == wanted)
            names.append(m_rows[row].modelClass);
    }
    return names;
}

QString ClassMappingModel::targetText(const ClassMapping &mapping) const
{
    if (mapping.schemaId.isEmpty())
        return tr("(not mapped)");
    const LabelTool *tool = toolFor(mapping.schemaId);
    if (!tool)
        return m_tools.isEmpty() ? mapping.schemaId : tr("(not in label set)");
    const QString title = tool->title.isEmpty() ? tool->schemaId : tool->title;
    return tool->tool.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, tool->tool);
}

QVariant ClassMappingModel::background(int row) const
{
    switch (status(row)) {
    case Status::Mapped:
        return {};
    case Status::Unmapped:
        return kUnmappedTint;
    case Status::ReturnedUnmapped:
    case Status::UnknownTarget:
        return kProblemTint;
    }
    return {};
}

QString ClassMappingModel::toolTip(int row) const
{
    switch (status(row)) {
    case Status::Mapped:
        return {};
    case Status::Unmapped:
        return tr("Not mapped: the class is left out of categorySchema.");
    case Status::ReturnedUnmapped:
        return tr("The last result returned this class, but it is not mapped.");
    case Status::UnknownTarget:
        return tr("The schemaId is not a tool of the project's label set.");
    }
    return {};
}

void ClassMappingModel::rowsEdited(int first, int last)
{
    Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    Q_EMIT mappingsChanged();
    emitIfSchemaChanged();
}

void ClassMappingModel::emitIfSchemaChanged()
{
    nlohmann::json schema = categorySchema();
    if (schema != m_lastSchema) {
        m_lastSchema = std::move(schema);
        Q_EMIT categorySchemaChanged();
    }
}

} // namespace ango::app
