#pragma once

#include "common/result.h"

#include <QRectF>
#include <QString>

#include <nlohmann/json.hpp>

#include <vector>

// The edits a reviewer makes to one held answer, kept apart from the widgets so the exported
// JSON can be checked exactly. Objects are addressed by their index in the answer as it arrived
// ("slot"), which stays valid when earlier objects are deleted.
namespace ango::app {

class ReviewSession
{
public:
    ReviewSession() = default;
    // A normalised answer {"objects", "classifications", "relations"}.
    explicit ReviewSession(nlohmann::json answer);

    const nlohmann::json &original() const { return m_original; }
    int slotCount() const { return int(m_objects.size()); }
    bool isDeleted(int slot) const;
    // The object as edited so far; null when deleted or out of range.
    const nlohmann::json &object(int slot) const;
    bool isEdited() const { return m_edited; }

    // Moves or resizes a bounding box or rotated box (the box before rotation; the rotation is
    // kept). Only the members whose value changes are rewritten.
    Result<void> setBox(int slot, const QRectF &box);
    // Relations that would point at the deleted object are dropped with it.
    Result<void> deleteObject(int slot);
    // Sets "schemaId"; a "title" naming the old class is removed so the two cannot disagree.
    Result<void> setSchemaId(int slot, const QString &schemaId);
    void revert();

    // What approval delivers: the original answer with only the edits applied; unedited, it is
    // the original itself.
    nlohmann::json editedAnswer() const;
    // Index in editedAnswer()["objects"] <-> slot.
    int slotOfExportIndex(int exportIndex) const;
    int exportIndexOfSlot(int slot) const;

private:
    Result<nlohmann::json *> editable(int slot);
    nlohmann::json editedRelations() const;

    nlohmann::json m_original = nlohmann::json::object();
    std::vector<nlohmann::json> m_objects;
    std::vector<bool> m_deleted;
    bool m_edited = false;
};

// An edited coordinate as JSON: whole numbers stay integers, others keep two decimals (a
// hundredth of a pixel is finer than a mouse can place).
nlohmann::json coordinateJson(qreal value);

} // namespace ango::app
