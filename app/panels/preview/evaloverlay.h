#pragma once

#include <QGraphicsItem>
#include <QLabel>
#include <QObject>
#include <QPen>
#include <QPointer>
#include <QRectF>

#include <vector>

// One evaluated image in the preview: its ground truth and the plugin's predictions as COCOeval
// matched them (the matching is done by core/eval; this only draws it). Each outcome has its own
// line style, so a colour-blind reader tells them apart too: true positives solid, false
// positives dashed, missed ground truth dotted with a "missed" label, ignored (crowd) dash-dot.
namespace ango::app {

class PreviewPanel;
class PreviewScene;

enum class EvalMarkKind { TruePositive, FalsePositive, Missed, Ignored };

struct EvalMark
{
    EvalMarkKind kind = EvalMarkKind::TruePositive;
    QRectF box;    // image coordinates
    QString label; // e.g. "cat 0.92", "missed dog"
};

// The pen a kind is drawn with (cosmetic: the same screen width at every zoom).
QPen evalMarkPen(EvalMarkKind kind);
QString evalMarkKindName(EvalMarkKind kind);

// One mark in the scene: its box in its kind's style, and its label at screen size.
class EvalMarkItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 0x4576 };

    explicit EvalMarkItem(const EvalMark &mark);

    const EvalMark &mark() const { return m_mark; }
    QPen pen() const { return evalMarkPen(m_mark.kind); }

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    EvalMark m_mark;
};

// Shows an evaluated image in a PreviewPanel with its marks and a legend with the counts, in
// place of an answer's objects. Whatever the preview shows next (another image, a normal run's
// answer, clear()) removes the marks first, so they are never drawn over another image.
class EvalOverlay final : public QObject
{
    Q_OBJECT

public:
    explicit EvalOverlay(PreviewPanel *preview);
    ~EvalOverlay() override;

    void show(const QString &imagePath, const std::vector<EvalMark> &marks);
    void clear();

    bool isShown() const { return !m_items.empty() || m_shown; }
    const std::vector<EvalMarkItem *> &items() const { return m_items; }
    // "TP 1 · FP 1 · missed 1" (and "· ignored N" when there are any); empty when not shown.
    QString legendText() const;
    QLabel *legend() const { return m_legend; }

Q_SIGNALS:
    void cleared();

private:
    void placeLegend();

    QPointer<PreviewPanel> m_preview;
    // The scene deletes its items when it goes, possibly before us (both are the preview's).
    QPointer<PreviewScene> m_scene;
    std::vector<EvalMarkItem *> m_items;
    QPointer<QLabel> m_legend; // the viewport's child: it may go first too
    QString m_legendText;
    bool m_shown = false;
    bool m_installing = false; // show() itself replaces the image and the answer
};

} // namespace ango::app
