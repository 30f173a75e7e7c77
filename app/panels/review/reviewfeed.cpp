#include "reviewfeed.h"

#include "console/consolecontroller.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewscene.h"
#include "panels/review/reviewpanel.h"
#include "runtime/pluginruntime.h"
#include "runtime/run.h"

#include <QUrl>

namespace ango::app {

using nlohmann::json;

namespace {

// The console's own runs name a local file (or a resource) as their image.
QString localImageOf(const json &request)
{
    const QString dataUrl = runtime::textField(request, "dataURL");
    if (dataUrl.startsWith(QStringLiteral("qrc:")))
        return dataUrl.mid(3);
    const QUrl url(dataUrl);
    return url.isLocalFile() ? url.toLocalFile() : QString();
}

} // namespace

ReviewFeed::ReviewFeed(ReviewPanel *panel, ConsoleController *controller, QObject *parent)
    : QObject(parent)
    , m_panel(panel)
    , m_controller(controller)
{
    connect(controller, &ConsoleController::pendingChanged, this, &ReviewFeed::refresh);
    // Edits are checked as core checked the original: against the request's categorySchema and
    // the image on screen.
    panel->setValidator([this](const json &edited) {
        json schema;
        for (const runtime::PendingResult &p : m_controller->runtime()->pendingResults())
            if (p.id == m_panel->currentId())
                schema = runtime::categorySchemaOf(p.request);
        const QSize size = m_panel->preview()->scene()->imageSize();
        return runtime::checkResult(edited, schema,
                                    size.isEmpty() ? std::nullopt : std::optional(size))
            .problems;
    });
    connect(panel, &ReviewPanel::imageFailed, this,
            [this](const QString &id, const QString &message) {
                Q_EMIT noticed(tr("Image of held result %1 not shown: %2").arg(id, message));
            });
    connect(panel, &ReviewPanel::approveRequested, this,
            [this](const QString &id, const json &edited) {
                if (auto approved = m_controller->runtime()->approveEdited(id, edited); !approved)
                    Q_EMIT noticed(approved.error().message);
            });
    connect(panel, &ReviewPanel::discardRequested, this, [this](const QString &id) {
        if (auto discarded = m_controller->runtime()->discard(id); !discarded)
            Q_EMIT noticed(discarded.error().message);
    });
}

void ReviewFeed::refresh()
{
    if (!m_panel)
        return;
    const QList<runtime::PendingResult> pending = m_controller->runtime()->pendingResults();
    QStringList live;
    for (const runtime::PendingResult &p : pending) {
        live << p.id;
        if (m_panel->pendingIds().contains(p.id))
            continue;
        const runtime::CheckedResult checked
            = runtime::checkResult(p.result, runtime::categorySchemaOf(p.request));
        PendingReview review;
        review.id = p.id;
        review.title = p.session;
        review.answer = checked.answer ? checked.answer->toJson() : p.result;
        if (checked.answer)
            review.problems = checked.problems;
        review.imagePath = localImageOf(p.request);
        const bool fetch = review.imagePath.isEmpty();
        m_panel->enqueue(std::move(review));
        if (!fetch)
            continue;
        // Decoded off the GUI thread by the panel.
        m_controller->fetchAssetImage(m_controller->withKnownApiKey(p.request),
                                      [panel = m_panel, id = p.id](Result<QByteArray> bytes) {
                                          if (panel && bytes)
                                              panel->setImageData(id, std::move(*bytes));
                                      });
    }
    for (const QString &id : m_panel->pendingIds())
        if (!live.contains(id))
            m_panel->withdraw(id);
    if (!pending.isEmpty())
        Q_EMIT resultsWaiting();
}

} // namespace ango::app
