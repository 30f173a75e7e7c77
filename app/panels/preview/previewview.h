#pragma once

#include <QGraphicsView>
#include <QHash>
#include <QStaticText>

namespace ango::app {

class OverlayItem;
class PreviewScene;

// Shows a PreviewScene: wheel and +/- zoom around the cursor, drag to pan, fit to the image;
// class labels and problem badges drawn at screen size; the hovered object described as tooltip.
class PreviewView final : public QGraphicsView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewView)

public:
    explicit PreviewView(PreviewScene *scene, QWidget *parent = nullptr);
    ~PreviewView() override;

    PreviewScene *previewScene() const { return m_scene; }

    qreal zoom() const;
    void setZoom(qreal factor);
    void zoomIn();
    void zoomOut();
    // Shows the whole image; stays fitted across resizes until the user zooms or pans.
    void fitToContent();
    bool isFitted() const { return m_fitted; }

    // Labels are drawn only while at most this many objects are on screen: text is the most
    // expensive thing to paint, and thousands of labels are unreadable anyway.
    void setLabelBudget(int objects) { m_labelBudget = objects; }
    int labelBudget() const { return m_labelBudget; }
    void setLabelsShown(bool shown);
    bool labelsShown() const { return m_labelsShown; }
    // How many labels the last paint drew (for tests and the bench).
    int lastLabelCount() const { return m_lastLabelCount; }
    // How many labels the last paint left out because they would have covered another.
    int lastHiddenLabelCount() const { return m_lastHiddenLabelCount; }

    // The visible object under a viewport position, preferring the smallest when they overlap.
    OverlayItem *overlayAt(const QPoint &viewportPos) const;
    // What hovering there shows (objectToolTip): the object's path in the answer, model class
    // and label, problems, then its JSON. Empty over no object.
    QString toolTipAt(const QPoint &viewportPos) const;
    // Scrolls so the object is in view, zooming in only if it would not fit.
    void showObject(int objectIndex);

Q_SIGNALS:
    void zoomChanged(qreal factor);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    void scaleBy(qreal factor);
    void drawLabels(QPainter *painter, const QList<OverlayItem *> &onScreen);
    void drawBadges(QPainter *painter, const QList<OverlayItem *> &marked);
    const QStaticText &labelText(const QString &name);

    PreviewScene *m_scene;
    bool m_fitted = true;
    bool m_labelsShown = true;
    int m_labelBudget = 300;
    int m_lastLabelCount = 0;
    int m_lastHiddenLabelCount = 0;
    static constexpr qsizetype kLabelCacheSize = 4096;
    QHash<QString, QStaticText> m_labelCache;
};

} // namespace ango::app
