#include "reviewsession.h"

#include <cmath>
#include <set>

namespace ango::app {

namespace {

using nlohmann::json;

const json &nullJson()
{
    static const json value;
    return value;
}

// Writes a member only when its value really changes, so an untouched width keeps its exact
// original representation (20 stays 20, 20.0 stays 20.0).
void setNumber(json &box, const char *key, qreal value)
{
    const auto it = box.find(key);
    if (it != box.end() && it->is_number()) {
        const double current = it->get<double>();
        if (current == double(value) || json(current) == coordinateJson(value))
            return;
    }
    box[key] = coordinateJson(value);
}

std::string objectIdOf(const json &object)
{
    const auto it = object.find("objectId");
    if (it == object.end())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_number())
        return it->dump(); // the hub does not check ids; numbers occur in the wild
    return {};
}

std::string referenceOf(const json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number())
        return value.dump();
    return {};
}

} // namespace

json coordinateJson(qreal value)
{
    const double rounded = std::round(double(value) * 100.0) / 100.0;
    if (rounded == std::trunc(rounded) && std::abs(rounded) < 9.0e15)
        return json(std::int64_t(rounded));
    return json(rounded);
}

ReviewSession::ReviewSession(json answer)
    : m_original(std::move(answer))
{
    if (!m_original.is_object())
        m_original = json::object();
    if (const auto objects = m_original.find("objects");
        objects != m_original.end() && objects->is_array()) {
        m_objects.assign(objects->begin(), objects->end());
    }
    m_deleted.assign(m_objects.size(), false);
}

bool ReviewSession::isDeleted(int slot) const
{
    return slot < 0 || slot >= slotCount() || m_deleted[std::size_t(slot)];
}

const json &ReviewSession::object(int slot) const
{
    return isDeleted(slot) ? nullJson() : m_objects[std::size_t(slot)];
}

Result<json *> ReviewSession::editable(int slot)
{
    if (slot < 0 || slot >= slotCount())
        return makeError(QStringLiteral("objects[%1] does not exist").arg(slot));
    if (m_deleted[std::size_t(slot)])
        return makeError(QStringLiteral("objects[%1] was deleted").arg(slot));
    return &m_objects[std::size_t(slot)];
}

Result<void> ReviewSession::setBox(int slot, const QRectF &box)
{
    auto object = editable(slot);
    if (!object)
        return object.error();
    json *shape = nullptr;
    for (const char *key : {"bounding-box", "rotated-bounding-box"}) {
        if (const auto it = (*object)->find(key); it != (*object)->end() && it->is_object()) {
            shape = &*it;
            break;
        }
    }
    if (!shape)
        return makeError(QStringLiteral("objects[%1] is not a box").arg(slot));
    if (!std::isfinite(box.x()) || !std::isfinite(box.y()) || !std::isfinite(box.width())
        || !std::isfinite(box.height()))
        return makeError(QStringLiteral("objects[%1]: the box is not finite").arg(slot));
    const json before = *shape;
    const QRectF normal = box.normalized();
    setNumber(*shape, "x", normal.x());
    setNumber(*shape, "y", normal.y());
    setNumber(*shape, "width", normal.width());
    setNumber(*shape, "height", normal.height());
    m_edited = m_edited || *shape != before;
    return {};
}

Result<void> ReviewSession::deleteObject(int slot)
{
    auto object = editable(slot);
    if (!object)
        return object.error();
    m_deleted[std::size_t(slot)] = true;
    m_edited = true;
    return {};
}

Result<void> ReviewSession::setSchemaId(int slot, const QString &schemaId)
{
    auto object = editable(slot);
    if (!object)
        return object.error();
    if (schemaId.isEmpty())
        return makeError(QStringLiteral("objects[%1]: empty schemaId").arg(slot));
    json &target = **object;
    const std::string id = schemaId.toStdString();
    const auto current = target.find("schemaId");
    if (current != target.end() && *current == id && !target.contains("title"))
        return {};
    target["schemaId"] = id;
    target.erase("title");
    m_edited = true;
    return {};
}

void ReviewSession::revert()
{
    *this = ReviewSession(m_original);
}

json ReviewSession::editedRelations() const
{
    const auto relations = m_original.find("relations");
    if (relations == m_original.end() || !relations->is_array())
        return relations == m_original.end() ? json() : *relations;
    std::set<std::string> gone;
    for (int slot = 0; slot < slotCount(); ++slot) {
        if (m_deleted[std::size_t(slot)]) {
            if (const std::string id = objectIdOf(m_objects[std::size_t(slot)]); !id.empty())
                gone.insert(id);
        }
    }
    if (gone.empty())
        return *relations;
    json kept = json::array();
    for (const json &relation : *relations) {
        if (!relation.is_object()) {
            kept.push_back(relation);
            continue;
        }
        const auto from = relation.find("from");
        const auto to = relation.find("to");
        if ((from != relation.end() && gone.contains(referenceOf(*from)))
            || (to != relation.end() && gone.contains(referenceOf(*to))))
            continue;
        const auto group = relation.find("group");
        if (group == relation.end() || !group->is_array()) {
            kept.push_back(relation);
            continue;
        }
        json members = json::array();
        for (const json &member : *group) {
            if (!gone.contains(referenceOf(member)))
                members.push_back(member);
        }
        if (members.size() == group->size()) {
            kept.push_back(relation);
        } else if (members.size() >= 2) { // a group of one relates nothing
            json shrunk = relation;
            shrunk["group"] = std::move(members);
            kept.push_back(std::move(shrunk));
        }
    }
    return kept;
}

json ReviewSession::editedAnswer() const
{
    if (!m_edited)
        return m_original;
    json answer = m_original;
    json objects = json::array();
    for (int slot = 0; slot < slotCount(); ++slot) {
        if (!m_deleted[std::size_t(slot)])
            objects.push_back(m_objects[std::size_t(slot)]);
    }
    answer["objects"] = std::move(objects);
    if (json relations = editedRelations(); !relations.is_null())
        answer["relations"] = std::move(relations);
    return answer;
}

int ReviewSession::slotOfExportIndex(int exportIndex) const
{
    int seen = -1;
    for (int slot = 0; slot < slotCount(); ++slot) {
        if (!m_deleted[std::size_t(slot)] && ++seen == exportIndex)
            return slot;
    }
    return -1;
}

int ReviewSession::exportIndexOfSlot(int slot) const
{
    if (isDeleted(slot))
        return -1;
    int index = 0;
    for (int earlier = 0; earlier < slot; ++earlier)
        index += m_deleted[std::size_t(earlier)] ? 0 : 1;
    return index;
}

} // namespace ango::app
