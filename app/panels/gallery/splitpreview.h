#pragma once

#include "panels/preview/classpalette.h"

#include <QWidget>

#include <nlohmann/json.hpp>

#include <optional>

class QLabel;

namespace ango::app {

class PreviewScene;
class PreviewView;

// The A/B split preview: one image twice, A's answer drawn over the left copy and B's over the
// right, each with a caption (what ran, TP/FP/FN). The image is decoded once, off the GUI
// thread; zoom follows between the two sides.
class SplitPreview final : public QWidget
{
    Q_OBJECT

public:
    explicit SplitPreview(QWidget *parent = nullptr);

    void setClasses(const QList<ClassInfo> &classes);
    // answer: a normalised answer, or nullopt when that side has none to draw (a saved report
    // keeps counts only, or the callback failed).
    void show(const QString &imagePath, const std::optional<nlohmann::json> &answerA,
              const QString &captionA, const std::optional<nlohmann::json> &answerB,
              const QString &captionB);
    void clear();

    QString imagePath() const { return m_path; }
    QString captionA() const;
    QString captionB() const;
    PreviewScene *sceneA() const { return m_sceneA; }
    PreviewScene *sceneB() const { return m_sceneB; }

Q_SIGNALS:
    // The image is decoded and both sides drawn (or the decode failed: the captions say so).
    void shown();

private:
    PreviewScene *m_sceneA;
    PreviewScene *m_sceneB;
    PreviewView *m_viewA;
    PreviewView *m_viewB;
    QLabel *m_captionA;
    QLabel *m_captionB;
    QString m_path;
    quint64 m_generation = 0; // a newer show() wins over a decode still in flight
};

} // namespace ango::app
