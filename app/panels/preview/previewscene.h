#pragma once

#include "annotation/annotation.h"
#include "classpalette.h"
#include "overlayitem.h"

#include <QGraphicsScene>
#include <QImage>
#include <QPixmap>
#include <QSet>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace ango::app {

class OverlayLayer;

// A validation problem as listed and marked: the path names the object it belongs to, if any.
struct ListedProblem
{
    QString path; // e.g. "objects[3].bounding-box.width"
    QString message;
    bool error = false;
    int objectIndex = -1; // -1: not about one object (classifications, relations, the answer)
};

// "objects[3].bounding-box.width" -> 3; any other path -> -1.
int objectIndexOfPath(QStringView path);

// Problems as core reports them (annotation::validate), with the object each one is about.
QList<ListedProblem> listedProblems(const std::vector<annotation::Problem> &problems);

// The image (drawn as the scene background, so the view can cache it) and one overlay item per
// drawable answer object, keyed by the object's index in the answer's "objects" array; indices
// stay stable when objects are removed during review.
class PreviewScene final : public QGraphicsScene
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewScene)

public:
    explicit PreviewScene(QObject *parent = nullptr);
    ~PreviewScene() override;

    // `originalSize`: the size of the image `image` was scaled down from (objects' coordinates
    // refer to it); empty when `image` is the original.
    void setImage(const QImage &image, QSize originalSize = {});
    QSize imageSize() const { return m_imageSize; }
    // The image's rectangle united with the objects' (a model may draw outside the image).
    QRectF contentRect() const;

    void setClasses(const QList<ClassInfo> &classes);
    const ClassPalette &palette() const { return m_palette; }

    // Replaces all overlays by the objects of a normalised answer {"objects": [...], ...}.
    void setAnswer(const nlohmann::json &answer);
    void clearAnswer();
    // Review edits: redraw or drop one object without rebuilding the others.
    void updateObject(int index, const nlohmann::json &object);
    void removeObject(int index);

    int objectCount() const { return int(m_objects.size()); }
    const nlohmann::json &objectJson(int index) const;
    OverlayItem *overlayItem(int index) const;
    QList<OverlayItem *> overlayItems() const; // drawn objects, in object order
    // One entry per object index, nullptr where removed or not drawable (no copy, for painting).
    const std::vector<OverlayItem *> &itemSlots() const { return m_items; }
    OverlayLayer *layer() const { return m_layer; }
    // Changes whenever what the overlay draws changes (objects, classes, visibility, selection),
    // so drawn boxes can be reused until then.
    quint64 drawGeneration() const { return m_drawGeneration; }

    // Classes in first-seen order, with the number of objects of each.
    QStringList classKeys() const;
    int classCount(const QString &key) const;
    QColor classColor(int slot) const;
    int classSlotCount() const { return int(m_slotColors.size()); }
    void setClassVisible(const QString &key, bool visible);
    bool isClassVisible(const QString &key) const { return !m_hiddenClasses.contains(key); }
    // The objects of one class drawn emphasised (as if selected), e.g. picked in the objects
    // list; std::nullopt: none.
    void setHighlightedClass(const std::optional<QString> &key);
    std::optional<QString> highlightedClass() const { return m_highlightedClass; }
    bool isEmphasised(const OverlayItem *item) const;

    // Review lets the user select objects; the plain preview leaves clicks to panning.
    void setObjectsSelectable(bool selectable);
    bool objectsSelectable() const { return m_selectable; }

    // Validation problems from core (see listedProblems()); problems() adds the objects this
    // preview cannot draw.
    void setProblems(const QList<ListedProblem> &problems);
    QList<ListedProblem> problems() const;
    QList<ListedProblem> problemsOfObject(int index) const;

Q_SIGNALS:
    void overlaysChanged();
    void classesChanged();
    void problemsChanged();

protected:
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    OverlayItem *createItem(int index);
    int countClass(const QString &key, int delta); // returns the class slot
    void applyProblemMarks();
    void overlaysTouched();
    void redrawOverlays();

    QPixmap m_image;
    QSize m_imageSize; // in image coordinates; m_image may be a scaled-down copy
    OverlayLayer *m_layer;
    ClassPalette m_palette;
    std::vector<nlohmann::json> m_objects; // null where removed
    std::vector<OverlayItem *> m_items;    // nullptr where removed or not drawable
    QList<ListedProblem> m_validationProblems;
    QHash<int, ListedProblem> m_drawProblems; // per object index
    // Class slots: index in first-seen order; kept for the scene's life so slots stay valid.
    QStringList m_classOrder;
    QHash<QString, int> m_slotOfClass;
    std::vector<int> m_slotCounts;
    std::vector<QColor> m_slotColors;
    QSet<QString> m_hiddenClasses;
    std::optional<QString> m_highlightedClass;
    bool m_selectable = false;
    quint64 m_drawGeneration = 0;
};

} // namespace ango::app
