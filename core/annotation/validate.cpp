#include "annotation/annotation.h"
#include "annotation/jsonwords.h"
#include "annotation/shapes.h"

#include <QStringList>

#include <map>
#include <set>

using nlohmann::json;

namespace ango::annotation {

using detail::describe;
using detail::index;
using detail::member;
using detail::quoted;

namespace {

// objectIds are text in exports and samples ("100001"); whole numbers are accepted as their text.
std::optional<std::string> idText(const json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number_integer() || value.is_number_unsigned())
        return value.dump();
    return std::nullopt;
}

class Validator
{
public:
    explicit Validator(const ValidationContext &context)
        : m_imageSize(context.imageSize)
    {
        // A mapping is the list [{"schemaId", "modelClass"}]; null means the user mapped nothing.
        if (!context.categorySchema.is_array())
            return;
        m_mappedSchemaIds.emplace();
        for (const json &entry : context.categorySchema) {
            if (!entry.is_object())
                continue;
            const auto id = entry.find("schemaId");
            if (id != entry.end() && id->is_string())
                m_mappedSchemaIds->insert(id->get<std::string>());
        }
    }

    // schemaId -> {tool type, title} from the label set; entries without both are skipped.
    void setLabelTools(const json &tools)
    {
        if (!tools.is_array())
            return;
        for (const json &tool : tools) {
            if (!tool.is_object())
                continue;
            const auto id = tool.find("schemaId");
            const auto type = tool.find("tool");
            if (id == tool.end() || !id->is_string() || type == tool.end() || !type->is_string())
                continue;
            const auto title = tool.find("title");
            m_tools[id->get<std::string>()]
                = {type->get<std::string>(),
                   title != tool.end() && title->is_string() ? title->get<std::string>() : ""};
        }
    }

    std::vector<Problem> run(const Answer &answer)
    {
        if (expectList(answer.objects, "objects")) {
            for (std::size_t i = 0; i < answer.objects.size(); ++i)
                checkObject(answer.objects[i], index("objects", i));
        }
        if (expectList(answer.classifications, "classifications"))
            checkClassifications(answer.classifications, "classifications");
        // After the objects: relations refer to their objectIds.
        if (expectList(answer.relations, "relations")) {
            for (std::size_t i = 0; i < answer.relations.size(); ++i)
                checkRelation(answer.relations[i], index("relations", i));
        }
        return m_problems.take();
    }

private:
    bool expectList(const json &value, const std::string &path)
    {
        if (value.is_array())
            return true;
        m_problems.error(path, u"must be a list, but it is " + describe(value) + u'.');
        return false;
    }

    bool expectObject(const json &value, const std::string &path)
    {
        if (value.is_object())
            return true;
        m_problems.error(path, u"must be an object, but it is " + describe(value) + u'.');
        return false;
    }

    void checkObject(const json &object, const std::string &path)
    {
        if (!expectObject(object, path))
            return;
        checkObjectSchemaId(object, path);
        recordObjectId(object, path);

        std::vector<std::string_view> shapes;
        for (const std::string_view key : detail::kShapeKeys) {
            if (object.contains(key))
                shapes.push_back(key);
        }
        if (shapes.empty()) {
            m_problems.error(path,
                             QStringLiteral("has no shape: an object needs one of bounding-box, "
                                            "rotated-bounding-box, polygon, polyline, point or "
                                            "segmentation."));
        } else if (shapes.size() > 1) {
            QStringList names;
            for (const std::string_view key : shapes)
                names << QString::fromUtf8(key.data(), qsizetype(key.size()));
            m_problems.error(path, u"has " + QString::number(shapes.size()) + u" shapes ("
                                       + names.join(QStringLiteral(", "))
                                       + u"): an object carries exactly one.");
        }
        if (shapes.size() == 1)
            checkToolType(object, shapes.front(), path);
        for (const std::string_view key : shapes) {
            const std::string shapePath = member(path, key);
            const auto extent
                = detail::checkShape(key, object.at(std::string(key)), shapePath, m_problems);
            if (extent && m_imageSize)
                detail::checkInsideImage(*extent, *m_imageSize, shapePath, m_problems);
        }

        const auto nested = object.find("classifications");
        if (nested != object.end() && !nested->is_null()) {
            const std::string nestedPath = member(path, "classifications");
            if (expectList(*nested, nestedPath))
                checkClassifications(*nested, nestedPath);
        }
    }

    // The shape must be the one the schemaId's tool draws: Ango Hub shows a point tool's
    // objects as points, and has no place for a box there.
    void checkToolType(const json &object, std::string_view shape, const std::string &path)
    {
        const auto id = object.find("schemaId");
        if (id == object.end() || !id->is_string())
            return;
        const auto tool = m_tools.find(id->get<std::string>());
        if (tool == m_tools.end() || tool->second.type == shape)
            return;
        const QString shapeName = QString::fromUtf8(shape.data(), qsizetype(shape.size()));
        const QString type = QString::fromStdString(tool->second.type);
        const QString title = tool->second.title.empty()
                                  ? QString()
                                  : u" (\"" + QString::fromStdString(tool->second.title) + u"\")";
        m_problems.error(member(path, shape),
                         u"is a " + shapeName + u", but schemaId " + quoted(id->get<std::string>())
                             + u" is a " + type + u" tool" + title + u": return a " + type
                             + u" for it, or map the class to a " + shapeName + u" tool.");
    }

    // With a class mapping every object should carry one of its schemaIds; without one the
    // sample plugin leaves schemaId out, so only its type is checked.
    void checkObjectSchemaId(const json &object, const std::string &path)
    {
        const auto id = object.find("schemaId");
        if (id == object.end() || id->is_null()) {
            if (!m_mappedSchemaIds)
                return;
            if (object.contains("title"))
                warnTitleInstead(path);
            else
                m_problems.error(member(path, "schemaId"),
                                 QStringLiteral("is missing although classes are mapped: use the "
                                                "schemaId of the mapped class "
                                                "(categorySchema[].schemaId)."));
            return;
        }
        if (!id->is_string()) {
            m_problems.error(member(path, "schemaId"),
                             u"must be text, but it is " + describe(*id) + u'.');
            return;
        }
        if (m_mappedSchemaIds && !m_mappedSchemaIds->contains(id->get<std::string>()))
            m_problems.error(member(path, "schemaId"),
                             quoted(id->get<std::string>())
                                 + u" is not the schemaId of any mapped class; mapped: "
                                 + mappedList() + u'.');
    }

    QString mappedList() const
    {
        if (m_mappedSchemaIds->empty())
            return QStringLiteral("none");
        QStringList ids;
        for (const std::string &id : *m_mappedSchemaIds)
            ids << quoted(id);
        return ids.join(QStringLiteral(", "));
    }

    void warnTitleInstead(const std::string &path)
    {
        m_problems.warning(member(path, "schemaId"),
                           QStringLiteral("is missing; the title is used instead, and Ango Hub "
                                          "picks at random when several tools share a title."));
    }

    void recordObjectId(const json &object, const std::string &path)
    {
        const auto id = object.find("objectId");
        if (id == object.end() || id->is_null())
            return;
        const std::string idPath = member(path, "objectId");
        const auto text = idText(*id);
        if (!text) {
            m_problems.error(idPath, u"must be text, but it is " + describe(*id) + u'.');
            return;
        }
        const auto [it, inserted] = m_objectIds.emplace(*text, path);
        if (!inserted)
            m_problems.warning(idPath, quoted(*text) + u" is also the objectId of "
                                           + QString::fromStdString(it->second)
                                           + u": relations to it are ambiguous.");
    }

    // Classifications carry answers, not shapes; their schemaIds belong to the project's label
    // set, which the class mapping does not list, so they are not checked against it.
    void checkClassifications(const json &list, const std::string &path)
    {
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string itemPath = index(path, i);
            const json &item = list[i];
            if (!expectObject(item, itemPath))
                continue;
            checkRequiredSchemaId(item, itemPath, QStringLiteral("classification"));
            checkClassificationAnswer(item, itemPath);
            const auto nested = item.find("classifications");
            if (nested != item.end() && !nested->is_null()) {
                const std::string nestedPath = member(itemPath, "classifications");
                if (expectList(*nested, nestedPath))
                    checkClassifications(*nested, nestedPath);
            }
        }
    }

    void checkRequiredSchemaId(const json &item, const std::string &path, const QString &what)
    {
        const auto id = item.find("schemaId");
        if (id == item.end() || id->is_null()) {
            if (item.contains("title"))
                warnTitleInstead(path);
            else
                m_problems.error(member(path, "schemaId"), u"is missing: every " + what
                                                               + u" needs the schemaId of its "
                                                                 u"entry in the project's label "
                                                                 u"set.");
        } else if (!id->is_string()) {
            m_problems.error(member(path, "schemaId"),
                             u"must be text, but it is " + describe(*id) + u'.');
        }
    }

    // Text for radio, single-dropdown and text; a list of texts for checkbox and multi-dropdown;
    // true/false for the newest boolean type.
    void checkClassificationAnswer(const json &item, const std::string &path)
    {
        const std::string answerPath = member(path, "answer");
        const auto answer = item.find("answer");
        if (answer == item.end() || answer->is_null()) {
            m_problems.warning(answerPath, QStringLiteral("is missing: the classification has no "
                                                          "answer."));
            return;
        }
        if (answer->is_string() || answer->is_boolean())
            return;
        if (!answer->is_array()) {
            m_problems.error(answerPath, u"must be text or a list of texts, but it is "
                                             + describe(*answer) + u'.');
            return;
        }
        for (std::size_t i = 0; i < answer->size(); ++i) {
            if (!(*answer)[i].is_string())
                m_problems.error(index(answerPath, i),
                                 u"must be text, but it is " + describe((*answer)[i]) + u'.');
        }
    }

    void checkRelation(const json &relation, const std::string &path)
    {
        if (!expectObject(relation, path))
            return;
        checkRequiredSchemaId(relation, path, QStringLiteral("relation"));
        const bool single = relation.contains("from") || relation.contains("to");
        const auto group = relation.find("group");
        if (single && group != relation.end()) {
            m_problems.error(path, QStringLiteral("has both from/to and group: a relation links "
                                                  "either two objects or a group."));
        } else if (!single && group == relation.end()) {
            m_problems.error(path, QStringLiteral("links nothing: a relation needs from and to "
                                                  "(objectIds), or a group of objectIds."));
            return;
        }
        if (single) {
            checkReference(relation, "from", path);
            checkReference(relation, "to", path);
        }
        if (group != relation.end())
            checkGroup(*group, member(path, "group"));
    }

    void checkReference(const json &relation, const char *key, const std::string &path)
    {
        const std::string refPath = member(path, key);
        const auto ref = relation.find(key);
        if (ref == relation.end()) {
            m_problems.error(refPath, QStringLiteral("is missing: a relation needs both from and "
                                                     "to."));
            return;
        }
        checkKnownObject(*ref, refPath);
    }

    void checkGroup(const json &group, const std::string &path)
    {
        if (!group.is_array()) {
            m_problems.error(path,
                             u"must be a list of objectIds, but it is " + describe(group) + u'.');
            return;
        }
        if (group.size() < 2)
            m_problems.error(path, u"has " + QString::number(group.size())
                                       + u" objectIds: a group relation needs at least 2.");
        for (std::size_t i = 0; i < group.size(); ++i)
            checkKnownObject(group[i], index(path, i));
    }

    void checkKnownObject(const json &ref, const std::string &path)
    {
        const auto text = idText(ref);
        if (!text) {
            m_problems.error(path,
                             u"must be an objectId (text), but it is " + describe(ref) + u'.');
            return;
        }
        if (!m_objectIds.contains(*text))
            m_problems.error(path, u"refers to objectId " + quoted(*text)
                                       + u", but no object in the answer has that objectId.");
    }

    std::optional<QSize> m_imageSize;
    struct Tool
    {
        std::string type;
        std::string title;
    };
    std::map<std::string, Tool> m_tools;
    std::optional<std::set<std::string>> m_mappedSchemaIds;
    std::map<std::string, std::string> m_objectIds; // objectId -> path of the first object
    detail::ProblemList m_problems;
};

} // namespace

std::vector<Problem> validate(const Answer &answer, const ValidationContext &context)
{
    return Validator(context).run(answer);
}

std::vector<Problem> validate(const Answer &answer, const ValidationContext &context,
                              const json &labelTools)
{
    Validator validator(context);
    validator.setLabelTools(labelTools);
    return validator.run(answer);
}

} // namespace ango::annotation
