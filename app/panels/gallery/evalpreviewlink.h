#pragma once

#include <QObject>

namespace ango::app {

class EvalOverlay;
class EvalPanel;
class PreviewPanel;

// Opening a gallery image (double-click or Enter) shows it in the main preview with its ground
// truth and predictions matched (EvalOverlay); the window raises the preview on opened().
class EvalPreviewLink final : public QObject
{
    Q_OBJECT

public:
    EvalPreviewLink(EvalPanel *evaluate, PreviewPanel *preview, QObject *parent = nullptr);

    void open(int imageIndex);
    EvalOverlay *overlay() const { return m_overlay; }

Q_SIGNALS:
    void opened(int imageIndex);

private:
    EvalPanel *m_evaluate;
    EvalOverlay *m_overlay;
};

} // namespace ango::app
