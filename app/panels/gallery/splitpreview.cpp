#include "panels/gallery/splitpreview.h"

#include "panels/preview/imagedecoding.h"
#include "panels/preview/previewscene.h"
#include "panels/preview/previewview.h"

#include <QGridLayout>
#include <QLabel>

namespace ango::app {

SplitPreview::SplitPreview(QWidget *parent)
    : QWidget(parent)
    , m_sceneA(new PreviewScene(this))
    , m_sceneB(new PreviewScene(this))
    , m_viewA(new PreviewView(m_sceneA, this))
    , m_viewB(new PreviewView(m_sceneB, this))
    , m_captionA(new QLabel(this))
    , m_captionB(new QLabel(this))
{
    for (QLabel *caption : {m_captionA, m_captionB}) {
        caption->setWordWrap(true);
        caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_captionA->setObjectName(QStringLiteral("captionA"));
    m_captionB->setObjectName(QStringLiteral("captionB"));
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_captionA, 0, 0);
    grid->addWidget(m_captionB, 0, 1);
    grid->addWidget(m_viewA, 1, 0);
    grid->addWidget(m_viewB, 1, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    // One zoom for both: the same spot of the same image is compared.
    connect(m_viewA, &PreviewView::zoomChanged, this, [this](qreal factor) {
        if (!qFuzzyCompare(m_viewB->zoom(), factor))
            m_viewB->setZoom(factor);
    });
    connect(m_viewB, &PreviewView::zoomChanged, this, [this](qreal factor) {
        if (!qFuzzyCompare(m_viewA->zoom(), factor))
            m_viewA->setZoom(factor);
    });
}

void SplitPreview::setClasses(const QList<ClassInfo> &classes)
{
    m_sceneA->setClasses(classes);
    m_sceneB->setClasses(classes);
}

QString SplitPreview::captionA() const
{
    return m_captionA->text();
}

QString SplitPreview::captionB() const
{
    return m_captionB->text();
}

void SplitPreview::clear()
{
    ++m_generation;
    m_path.clear();
    m_sceneA->clearAnswer();
    m_sceneB->clearAnswer();
    m_sceneA->setImage(QImage());
    m_sceneB->setImage(QImage());
    m_captionA->clear();
    m_captionB->clear();
}

void SplitPreview::show(const QString &imagePath, const std::optional<nlohmann::json> &answerA,
                        const QString &captionA, const std::optional<nlohmann::json> &answerB,
                        const QString &captionB)
{
    const quint64 generation = ++m_generation;
    m_path = imagePath;
    m_captionA->setText(captionA);
    m_captionB->setText(captionB);
    decodeImageAsync(
        this, {}, imagePath,
        [this, generation, answerA, answerB, captionA, captionB](DecodedImage done) {
            if (generation != m_generation)
                return;
            if (done.image.isNull()) {
                const QString why
                    = tr("\n%1: %2")
                          .arg(m_path, done.error.isEmpty() ? tr("cannot be decoded") : done.error);
                m_captionA->setText(captionA + why);
                m_captionB->setText(captionB + why);
            }
            const auto sides = {std::pair{m_sceneA, &answerA}, std::pair{m_sceneB, &answerB}};
            for (const auto &[scene, answer] : sides) {
                scene->setImage(done.image, done.originalSize);
                if (*answer)
                    scene->setAnswer(**answer);
                else
                    scene->clearAnswer();
            }
            m_viewA->fitToContent();
            m_viewB->fitToContent();
            Q_EMIT shown();
        });
}

} // namespace ango::app
