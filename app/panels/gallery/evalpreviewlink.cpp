#include "panels/gallery/evalpreviewlink.h"

#include "panels/gallery/evalmarks.h"
#include "panels/gallery/evalpanel.h"
#include "panels/gallery/gallerypanel.h"
#include "panels/preview/evaloverlay.h"
#include "panels/preview/previewpanel.h"

namespace ango::app {

EvalPreviewLink::EvalPreviewLink(EvalPanel *evaluate, PreviewPanel *preview, QObject *parent)
    : QObject(parent)
    , m_evaluate(evaluate)
    , m_overlay(new EvalOverlay(preview))
{
    connect(evaluate->gallery(), &GalleryPanel::imageActivated, this, &EvalPreviewLink::open);
}

void EvalPreviewLink::open(int imageIndex)
{
    const eval::Dataset *dataset = m_evaluate->dataset();
    const eval::EvalResult &metrics = m_evaluate->metrics();
    const auto &detections = m_evaluate->detections();
    if (!dataset || imageIndex < 0 || std::size_t(imageIndex) >= dataset->images.size()
        || std::size_t(imageIndex) >= metrics.images.size()
        || std::size_t(imageIndex) >= detections.size())
        return;
    const std::size_t i = std::size_t(imageIndex);
    // An image known only by URL has no local file to show; the preview names the failure.
    m_overlay->show(dataset->images[i].localPath,
                    evalMarks(*dataset, i, detections[i], metrics.images[i]));
    Q_EMIT opened(imageIndex);
}

} // namespace ango::app
