#pragma once

#include <QListWidget>

namespace ango::app {

class PreviewScene;

// The objects of the result on screen counted per class, beside the preview: one row per class,
// "car (Car) ×3" (model class, label, count) with the class's swatch. Unchecking a row hides its
// objects; selecting a row draws its objects emphasised; clicking below the rows clears that.
class ObjectsList final : public QListWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectsList)

public:
    static constexpr int kClassKeyRole = Qt::UserRole + 1;

    explicit ObjectsList(PreviewScene *scene, QWidget *parent = nullptr);

    // The row of a class, nullptr when no object of it is shown.
    QListWidgetItem *rowOfClass(const QString &key) const;
    // The text of a class's row, e.g. "car (Car) ×3".
    static QString rowText(const QString &name, int count);

Q_SIGNALS:
    // The overlay changed (a class hidden or emphasised): the view repaints.
    void overlayChanged();

protected:
    void mousePressEvent(QMouseEvent *event) override;

private:
    void rebuild();
    void onItemChanged(QListWidgetItem *item);
    void onSelectionChanged();

    PreviewScene *m_scene;
};

} // namespace ango::app
