#include "classmapping.h"

#include <QSet>
#include <QStringList>

namespace ango::app {

namespace {

QString stringMember(const nlohmann::json &object, const char *key)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return {};
    return QString::fromStdString(it->get<std::string>());
}

Result<QList<ClassMapping>> classesFromJson(const nlohmann::json &list)
{
    if (!list.is_array()) {
        return Error::of(QStringLiteral("Expected a JSON list of class names or of "
                                        "{\"modelClass\", \"schemaId\"} objects"));
    }
    QList<ClassMapping> classes;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const nlohmann::json &item = list[i];
        ClassMapping mapping;
        if (item.is_string()) {
            mapping.modelClass = QString::fromStdString(item.get<std::string>());
        } else if (item.is_object()) {
            mapping.modelClass = stringMember(item, "modelClass");
            mapping.schemaId = stringMember(item, "schemaId").trimmed();
        }
        if (mapping.modelClass.trimmed().isEmpty()) {
            return Error::of(QStringLiteral("Item %1 of the list is neither a class name nor an "
                                            "object with a \"modelClass\" string")
                                 .arg(i + 1));
        }
        classes.append(mapping);
    }
    return classes;
}

QList<ClassMapping> classesFromLines(const QString &text)
{
    QList<ClassMapping> classes;
    const QStringList lines = text.split(u'\n');
    for (const QString &line : lines) {
        const QString name = line.trimmed();
        if (!name.isEmpty() && !name.startsWith(u'#'))
            classes.append(ClassMapping{name, {}});
    }
    return classes;
}

QList<ClassMapping> trimmedUnique(const QList<ClassMapping> &classes)
{
    QList<ClassMapping> unique;
    QSet<QString> seen;
    for (ClassMapping mapping : classes) {
        mapping.modelClass = mapping.modelClass.trimmed();
        if (!seen.contains(mapping.modelClass)) {
            seen.insert(mapping.modelClass);
            unique.append(mapping);
        }
    }
    return unique;
}

} // namespace

nlohmann::json categorySchemaOf(const QList<ClassMapping> &mappings)
{
    nlohmann::json schema = nlohmann::json::array();
    for (const ClassMapping &mapping : mappings) {
        if (mapping.modelClass.isEmpty() || mapping.schemaId.isEmpty())
            continue;
        schema.push_back({{"schemaId", mapping.schemaId.toStdString()},
                          {"modelClass", mapping.modelClass.toStdString()}});
    }
    return schema.empty() ? nlohmann::json() : schema;
}

Result<QList<LabelTool>> labelToolsFromJson(const nlohmann::json &tools)
{
    if (!tools.is_array())
        return Error::of(QStringLiteral("The label set's tools are not a list"));
    QList<LabelTool> result;
    for (const nlohmann::json &item : tools) {
        if (!item.is_object())
            continue;
        LabelTool tool;
        tool.schemaId = stringMember(item, "schemaId");
        if (tool.schemaId.isEmpty())
            continue;
        tool.title = stringMember(item, "title");
        tool.tool = stringMember(item, "tool");
        tool.color = QColor::fromString(stringMember(item, "color"));
        result.append(tool);
    }
    return result;
}

Result<QList<LabelTool>> labelToolsFromProjectResponse(const nlohmann::json &response)
{
    const nlohmann::json::json_pointer path("/data/project/categorySchema/tools");
    if (!response.is_object() || !response.contains(path)) {
        return Error::of(QStringLiteral("The project has no label set "
                                        "(data.project.categorySchema.tools is missing)"));
    }
    return labelToolsFromJson(response.at(path));
}

nlohmann::json labelToolsToJson(const QList<LabelTool> &tools)
{
    nlohmann::json list = nlohmann::json::array();
    for (const LabelTool &tool : tools) {
        nlohmann::json item = {{"schemaId", tool.schemaId.toStdString()},
                               {"title", tool.title.toStdString()},
                               {"tool", tool.tool.toStdString()}};
        if (tool.color.isValid())
            item["color"] = tool.color.name().toStdString();
        list.push_back(std::move(item));
    }
    return list;
}

Result<QList<ClassMapping>> parseClassList(QByteArrayView content)
{
    if (content.startsWith("\xEF\xBB\xBF"))
        content = content.sliced(3);
    const QString text = QString::fromUtf8(content);
    const QString trimmed = text.trimmed();
    QList<ClassMapping> classes;
    if (trimmed.startsWith(u'[') || trimmed.startsWith(u'{')) {
        nlohmann::json json;
        try {
            json = nlohmann::json::parse(content.begin(), content.end());
        } catch (const nlohmann::json::exception &error) {
            return Error::of(
                QStringLiteral("Not valid JSON: %1").arg(QString::fromUtf8(error.what())));
        }
        Result<QList<ClassMapping>> parsed = classesFromJson(json);
        if (!parsed)
            return parsed.error();
        classes = *parsed;
    } else {
        classes = classesFromLines(text);
    }
    classes = trimmedUnique(classes);
    if (classes.isEmpty())
        return Error::of(QStringLiteral("No class names found"));
    return classes;
}

nlohmann::json mappingsToJson(const QList<ClassMapping> &mappings)
{
    nlohmann::json list = nlohmann::json::array();
    for (const ClassMapping &mapping : mappings) {
        list.push_back({{"modelClass", mapping.modelClass.toStdString()},
                        {"schemaId", mapping.schemaId.toStdString()}});
    }
    return list;
}

} // namespace ango::app
