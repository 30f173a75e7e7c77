#include "classpalette.h"

#include <QCoreApplication>
#include <QPixmap>

#include <algorithm>

namespace ango::app {

namespace {

using nlohmann::json;

QString stringMember(const json &object, const char *key)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return {};
    return QString::fromStdString(it->get<std::string>());
}

void mergeEntries(const json &list, QList<ClassInfo> &classes)
{
    if (!list.is_array())
        return;
    for (const json &entry : list) {
        if (!entry.is_object())
            continue;
        const QString schemaId = stringMember(entry, "schemaId");
        if (schemaId.isEmpty())
            continue;
        // A label-set title names the target tool; the model class is the plugin's own word.
        QString name = stringMember(entry, "title");
        if (name.isEmpty())
            name = stringMember(entry, "modelClass");
        const QColor color = QColor::fromString(stringMember(entry, "color"));
        auto existing = std::find_if(classes.begin(), classes.end(),
                                     [&](const ClassInfo &c) { return c.key == schemaId; });
        if (existing == classes.end()) {
            classes.append(ClassInfo{schemaId, name.isEmpty() ? schemaId : name, color, {}});
            continue;
        }
        if (!stringMember(entry, "title").isEmpty() || existing->name == existing->key)
            existing->name = name.isEmpty() ? existing->name : name;
        if (color.isValid())
            existing->color = color;
    }
}

} // namespace

QList<ClassInfo> classesFromMapping(const json &mapping)
{
    QList<ClassInfo> classes;
    if (mapping.is_array()) {
        mergeEntries(mapping, classes);
    } else if (mapping.is_object()) {
        if (const auto it = mapping.find("categorySchema"); it != mapping.end())
            mergeEntries(*it, classes);
        if (const auto it = mapping.find("tools"); it != mapping.end())
            mergeEntries(*it, classes);
        if (const auto it = mapping.find("labelSet"); it != mapping.end() && it->is_object()) {
            if (const auto tools = it->find("tools"); tools != it->end())
                mergeEntries(*tools, classes);
        }
    }
    return classes;
}

QList<ClassInfo> classesOfMapping(const json &categorySchema, const json &labelTools)
{
    QList<ClassInfo> classes;
    QHash<QString, QStringList> modelClassesOf;
    if (categorySchema.is_array()) {
        for (const json &entry : categorySchema) {
            if (!entry.is_object())
                continue;
            const QString schemaId = stringMember(entry, "schemaId");
            const QString modelClass = stringMember(entry, "modelClass");
            if (schemaId.isEmpty())
                continue;
            if (!modelClassesOf.contains(schemaId)) {
                classes.append(ClassInfo{schemaId, {}, {}, {}});
                modelClassesOf.insert(schemaId, {});
            }
            QStringList &models = modelClassesOf[schemaId];
            if (!modelClass.isEmpty() && !models.contains(modelClass))
                models.append(modelClass);
        }
    }
    QHash<QString, json> toolOf;
    if (labelTools.is_array())
        for (const json &tool : labelTools)
            if (tool.is_object() && !stringMember(tool, "schemaId").isEmpty())
                toolOf.insert(stringMember(tool, "schemaId"), tool);
    for (ClassInfo &info : classes) {
        const json tool = toolOf.value(info.key, json());
        info.label = tool.is_object() ? stringMember(tool, "title") : QString();
        info.color = tool.is_object() ? QColor::fromString(stringMember(tool, "color")) : QColor();
        const QString models = modelClassesOf.value(info.key).join(QStringLiteral(" / "));
        if (models.isEmpty())
            info.name = info.label.isEmpty() ? info.key : info.label;
        else
            info.name
                = info.label.isEmpty() ? models : QStringLiteral("%1 (%2)").arg(models, info.label);
    }
    return classes;
}

QIcon swatchIcon(const QColor &color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(color);
    QIcon icon(pixmap);
    icon.addPixmap(pixmap, QIcon::Selected); // the class's colour, not the selection's tint
    return icon;
}

void ClassPalette::setClasses(const QList<ClassInfo> &classes)
{
    m_classes.clear();
    for (const ClassInfo &info : classes)
        m_classes.insert(info.key, info);
}

QString ClassPalette::keyOf(const json &object)
{
    if (!object.is_object())
        return {};
    if (const QString schemaId = stringMember(object, "schemaId"); !schemaId.isEmpty())
        return schemaId;
    if (const QString title = stringMember(object, "title"); !title.isEmpty())
        return QStringLiteral("title:") + title;
    return {};
}

QString ClassPalette::nameOf(const QString &key) const
{
    if (const auto it = m_classes.constFind(key); it != m_classes.cend() && !it->name.isEmpty())
        return it->name;
    if (key.isEmpty())
        return QCoreApplication::translate("ango::app::ClassPalette", "(no class)");
    if (key.startsWith(QStringLiteral("title:")))
        return key.mid(6);
    return key;
}

QString ClassPalette::labelOf(const QString &key) const
{
    const auto it = m_classes.constFind(key);
    return it == m_classes.cend() ? QString() : it->label;
}

QString ClassPalette::objectName(const json &object) const
{
    const QString key = keyOf(object);
    const QString modelClass = object.is_object() ? stringMember(object, "modelClass") : QString();
    if (modelClass.isEmpty())
        return nameOf(key);
    const auto it = m_classes.constFind(key);
    if (it == m_classes.cend() || it->label.isEmpty())
        return modelClass;
    return QStringLiteral("%1 (%2)").arg(modelClass, it->label);
}

QColor ClassPalette::colorOf(const QString &key) const
{
    if (const auto it = m_classes.constFind(key); it != m_classes.cend() && it->color.isValid())
        return it->color;
    return stableColor(key);
}

QColor ClassPalette::stableColor(const QString &key)
{
    if (key.isEmpty())
        return QColor(0x9e, 0x9e, 0x9e);
    // FNV-1a rather than qHash: qHash may be seeded per process, and colours must not change.
    quint32 hash = 2166136261u;
    for (const QChar unit : key) {
        hash ^= unit.unicode();
        hash *= 16777619u;
    }
    const int hue = int(hash % 360u);
    const int saturation = 170 + int((hash >> 9) % 60u);
    return QColor::fromHsv(hue, saturation, 240);
}

} // namespace ango::app
