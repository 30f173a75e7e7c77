#pragma once

#include "annotation/annotation.h"
#include "classpalette.h"
#include "previewscene.h"

#include <QImage>
#include <QWidget>

#include <nlohmann/json.hpp>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QToolButton;

namespace ango::app {

class ObjectsList;
class PreviewView;

// The image preview: the asset with the returned objects drawn over it, the objects counted per
// class and the validation problems. It only shows values it is given; fetching and validating are
// core's work, wired by the main window.
class PreviewPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewPanel)

public:
    explicit PreviewPanel(QWidget *parent = nullptr);
    ~PreviewPanel() override;

    PreviewScene *scene() const { return m_scene; }
    PreviewView *view() const { return m_view; }
    // The objects counted per class ("car (Car) ×3"); picks out or hides a class's objects.
    ObjectsList *classList() const { return m_classList; }
    QListWidget *problemList() const { return m_problemList; }
    // The message shown above the image, e.g. why it could not be decoded; empty when none.
    QString notice() const;

    void setImage(const QImage &image);
    // Decode off the GUI thread (large images scaled down for display); imageLoaded (with the
    // original size) or imageLoadFailed follows. A later call wins. Another image than the one
    // shown is cleared at once, so no result is ever drawn over the wrong image; an image that
    // cannot be decoded is named in the panel and no objects are drawn until the next one.
    void loadImageFile(const QString &path);
    void loadImageData(const QByteArray &bytes);

    // Names and colours of classes, e.g. classesFromMapping(categorySchema or label set).
    void setClasses(const QList<ClassInfo> &classes);
    // A normalised answer {"objects", "classifications", "relations"}.
    void setAnswer(const nlohmann::json &answer);
    void setProblems(const QList<ListedProblem> &problems);
    void setProblems(const std::vector<annotation::Problem> &problems);
    void clear();

Q_SIGNALS:
    void imageLoaded(QSize size);
    void imageLoadFailed(const QString &message);
    // Another image than the one shown was asked for (or the preview was cleared), before it
    // is decoded: whatever was drawn for the old image must go (see EvalOverlay).
    void imageReplaced();
    // The user picked an object in the problem list.
    void objectActivated(int objectIndex);

private:
    void decode(QByteArray bytes, QString path);
    void showNotice(const QString &text);
    void rebuildProblemList();
    void onProblemActivated(QListWidgetItem *item);
    void showZoom(qreal factor);

    PreviewScene *m_scene;
    PreviewView *m_view;
    ObjectsList *m_classList;
    QListWidget *m_problemList;
    QLabel *m_problemHeader;
    QLabel *m_zoomLabel;
    QLabel *m_summary;
    quint64 m_imageTicket = 0;
    QLabel *m_notice = nullptr;
    QString m_imageSource;      // the file or bytes of the image shown or being decoded
    bool m_imageFailed = false; // the current image could not be decoded: draw no objects
};

} // namespace ango::app
