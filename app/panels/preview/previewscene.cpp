#include "previewscene.h"

#include "overlaylayer.h"

#include <QPainter>

#include <algorithm>

namespace ango::app {

namespace {

using nlohmann::json;

const json &nullJson()
{
    static const json value;
    return value;
}

} // namespace

int objectIndexOfPath(QStringView path)
{
    static constexpr QStringView prefix = u"objects[";
    if (!path.startsWith(prefix))
        return -1;
    const qsizetype close = path.indexOf(u']', prefix.size());
    if (close < 0)
        return -1;
    bool ok = false;
    const int index = path.sliced(prefix.size(), close - prefix.size()).toInt(&ok);
    return ok && index >= 0 ? index : -1;
}

QList<ListedProblem> listedProblems(const std::vector<annotation::Problem> &problems)
{
    QList<ListedProblem> listed;
    listed.reserve(qsizetype(problems.size()));
    for (const annotation::Problem &problem : problems) {
        const QString path = QString::fromStdString(problem.path);
        listed.append(ListedProblem{path, problem.message,
                                    problem.severity == annotation::Severity::Error,
                                    objectIndexOfPath(path)});
    }
    return listed;
}

PreviewScene::PreviewScene(QObject *parent)
    : QGraphicsScene(parent)
    , m_layer(new OverlayLayer(this))
{
    // Measured with 10,000 objects (bench/app/preview): a BSP index made hit tests slower than
    // a plain scan, and the items never move except while being edited.
    setItemIndexMethod(NoIndex);
    setBackgroundBrush(QColor(0x30, 0x30, 0x34));
    addItem(m_layer);
    connect(this, &QGraphicsScene::selectionChanged, this, &PreviewScene::redrawOverlays);
}

PreviewScene::~PreviewScene()
{
    // Items go before the layer that reads them while the base class tears down; selection
    // changes caused by their deletion must not redraw a scene that is half gone.
    disconnect(this, &QGraphicsScene::selectionChanged, this, &PreviewScene::redrawOverlays);
    clearAnswer();
}

void PreviewScene::setImage(const QImage &image, QSize originalSize)
{
    m_image = QPixmap::fromImage(image);
    m_imageSize = image.isNull() ? QSize() : (originalSize.isValid() ? originalSize : image.size());
    overlaysTouched();
    invalidate(QRectF(), BackgroundLayer); // views cache the background
}

void PreviewScene::drawBackground(QPainter *painter, const QRectF &rect)
{
    QGraphicsScene::drawBackground(painter, rect);
    if (m_image.isNull())
        return;
    // Smooth when shrinking a lot (else fine detail turns into noise); exact pixels from about
    // life size up, where smoothing costs a frame's worth of time on each zoom step.
    const qreal shown = qreal(m_imageSize.width()) / std::max(1, m_image.width());
    painter->setRenderHint(QPainter::SmoothPixmapTransform,
                           painter->worldTransform().m11() * shown < 0.75);
    painter->drawPixmap(QRectF(QPointF(0, 0), QSizeF(m_imageSize)), m_image,
                        QRectF(m_image.rect()));
}

QRectF PreviewScene::contentRect() const
{
    QRectF content = m_image.isNull() ? QRectF() : QRectF(QPointF(0, 0), m_imageSize);
    for (const OverlayItem *item : m_items) {
        if (item)
            content |= item->imageBounds();
    }
    return content;
}

void PreviewScene::overlaysTouched()
{
    const QRectF content = contentRect();
    m_layer->setContentRect(content);
    setSceneRect(content);
    redrawOverlays();
}

void PreviewScene::redrawOverlays()
{
    ++m_drawGeneration;
    m_layer->update();
}

void PreviewScene::setClasses(const QList<ClassInfo> &classes)
{
    m_palette.setClasses(classes);
    for (std::size_t slot = 0; slot < m_slotColors.size(); ++slot)
        m_slotColors[slot] = m_palette.colorOf(m_classOrder.at(qsizetype(slot)));
    redrawOverlays();
    Q_EMIT classesChanged();
}

void PreviewScene::clearAnswer()
{
    for (OverlayItem *item : m_items)
        delete item;
    m_items.clear();
    m_objects.clear();
    m_drawProblems.clear();
    m_highlightedClass.reset(); // a class of the previous result
    std::fill(m_slotCounts.begin(), m_slotCounts.end(), 0);
}

void PreviewScene::setAnswer(const json &answer)
{
    clearAnswer();
    const auto objects = answer.is_object() ? answer.find("objects") : answer.end();
    if (objects != answer.end() && objects->is_array()) {
        m_objects.assign(objects->begin(), objects->end());
        m_items.assign(m_objects.size(), nullptr);
        for (int i = 0; i < int(m_objects.size()); ++i) {
            m_items[std::size_t(i)] = createItem(i);
            if (m_items[std::size_t(i)])
                addItem(m_items[std::size_t(i)]);
        }
    }
    applyProblemMarks();
    overlaysTouched();
    Q_EMIT overlaysChanged();
    Q_EMIT classesChanged();
    Q_EMIT problemsChanged();
}

OverlayItem *PreviewScene::createItem(int index)
{
    const json &object = m_objects[std::size_t(index)];
    const QString key = ClassPalette::keyOf(object);
    const int slot = countClass(key, +1);
    const auto shape = shapeFromObject(object, QStringLiteral("objects[%1]").arg(index));
    if (!shape) {
        // Listed, so that an object the user cannot see is not silently lost.
        const QString &message = shape.error().message;
        const qsizetype colon = message.indexOf(u':');
        m_drawProblems.insert(
            index, ListedProblem{message.left(colon),
                                 tr("cannot be drawn: %1").arg(message.mid(colon + 1).trimmed()),
                                 true, index});
        return nullptr;
    }
    auto *item = new OverlayItem(index, *shape, key, slot);
    item->setVisible(!m_hiddenClasses.contains(key));
    item->setFlag(QGraphicsItem::ItemIsSelectable, m_selectable);
    return item;
}

int PreviewScene::countClass(const QString &key, int delta)
{
    auto it = m_slotOfClass.find(key);
    if (it == m_slotOfClass.end()) {
        it = m_slotOfClass.insert(key, int(m_classOrder.size()));
        m_classOrder.append(key);
        m_slotCounts.push_back(0);
        m_slotColors.push_back(m_palette.colorOf(key));
    }
    m_slotCounts[std::size_t(*it)] += delta;
    return *it;
}

void PreviewScene::updateObject(int index, const json &object)
{
    if (index < 0 || index >= objectCount() || m_objects[std::size_t(index)].is_null())
        return;
    const QString oldKey = ClassPalette::keyOf(m_objects[std::size_t(index)]);
    countClass(oldKey, -1);
    m_objects[std::size_t(index)] = object;
    m_drawProblems.remove(index);
    OverlayItem *&item = m_items[std::size_t(index)];
    const QString key = ClassPalette::keyOf(object);
    const auto shape = shapeFromObject(object, QStringLiteral("objects[%1]").arg(index));
    if (item && shape) {
        item->setGeometry(*shape);
        item->setClass(key, countClass(key, +1));
        item->setVisible(!m_hiddenClasses.contains(key));
    } else {
        delete item;
        item = createItem(index);
        if (item)
            addItem(item);
    }
    applyProblemMarks();
    overlaysTouched();
    Q_EMIT overlaysChanged();
    if (key != oldKey)
        Q_EMIT classesChanged();
}

void PreviewScene::removeObject(int index)
{
    if (index < 0 || index >= objectCount() || m_objects[std::size_t(index)].is_null())
        return;
    countClass(ClassPalette::keyOf(m_objects[std::size_t(index)]), -1);
    m_objects[std::size_t(index)] = nullptr;
    delete m_items[std::size_t(index)];
    m_items[std::size_t(index)] = nullptr;
    m_drawProblems.remove(index);
    overlaysTouched();
    Q_EMIT overlaysChanged();
    Q_EMIT classesChanged();
    Q_EMIT problemsChanged();
}

const json &PreviewScene::objectJson(int index) const
{
    if (index < 0 || index >= objectCount())
        return nullJson();
    return m_objects[std::size_t(index)];
}

OverlayItem *PreviewScene::overlayItem(int index) const
{
    if (index < 0 || index >= int(m_items.size()))
        return nullptr;
    return m_items[std::size_t(index)];
}

QList<OverlayItem *> PreviewScene::overlayItems() const
{
    QList<OverlayItem *> items;
    items.reserve(qsizetype(m_items.size()));
    for (OverlayItem *item : m_items) {
        if (item)
            items.append(item);
    }
    return items;
}

QStringList PreviewScene::classKeys() const
{
    QStringList keys;
    for (qsizetype slot = 0; slot < m_classOrder.size(); ++slot) {
        if (m_slotCounts[std::size_t(slot)] > 0)
            keys.append(m_classOrder.at(slot));
    }
    return keys;
}

int PreviewScene::classCount(const QString &key) const
{
    const auto it = m_slotOfClass.constFind(key);
    return it == m_slotOfClass.cend() ? 0 : m_slotCounts[std::size_t(*it)];
}

QColor PreviewScene::classColor(int slot) const
{
    if (slot < 0 || slot >= int(m_slotColors.size()))
        return ClassPalette::stableColor(QString());
    return m_slotColors[std::size_t(slot)];
}

void PreviewScene::setClassVisible(const QString &key, bool visible)
{
    if (visible == !m_hiddenClasses.contains(key))
        return;
    if (visible)
        m_hiddenClasses.remove(key);
    else
        m_hiddenClasses.insert(key);
    for (OverlayItem *item : m_items) {
        if (item && item->classKey() == key)
            item->setVisible(visible);
    }
    redrawOverlays();
}

void PreviewScene::setHighlightedClass(const std::optional<QString> &key)
{
    if (key == m_highlightedClass)
        return;
    m_highlightedClass = key;
    redrawOverlays();
}

bool PreviewScene::isEmphasised(const OverlayItem *item) const
{
    return item->isSelected() || (m_highlightedClass && item->classKey() == *m_highlightedClass);
}

void PreviewScene::setObjectsSelectable(bool selectable)
{
    m_selectable = selectable;
    for (OverlayItem *item : m_items) {
        if (item)
            item->setFlag(QGraphicsItem::ItemIsSelectable, selectable);
    }
}

void PreviewScene::setProblems(const QList<ListedProblem> &problems)
{
    m_validationProblems = problems;
    applyProblemMarks();
    m_layer->update();
    Q_EMIT problemsChanged();
}

QList<ListedProblem> PreviewScene::problems() const
{
    QList<ListedProblem> all = m_validationProblems;
    QList<int> undrawable = m_drawProblems.keys();
    std::sort(undrawable.begin(), undrawable.end());
    for (int index : undrawable)
        all.append(m_drawProblems.value(index));
    return all;
}

QList<ListedProblem> PreviewScene::problemsOfObject(int index) const
{
    QList<ListedProblem> found;
    for (const ListedProblem &problem : problems()) {
        if (problem.objectIndex == index)
            found.append(problem);
    }
    return found;
}

void PreviewScene::applyProblemMarks()
{
    QHash<int, int> counts;
    for (const ListedProblem &problem : std::as_const(m_validationProblems)) {
        if (problem.objectIndex >= 0)
            ++counts[problem.objectIndex];
    }
    for (OverlayItem *item : m_items) {
        if (item)
            item->setProblemCount(counts.value(item->objectIndex()));
    }
}

} // namespace ango::app
