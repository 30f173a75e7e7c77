#pragma once

#include <QByteArray>
#include <QSize>

class QDockWidget;
class QMainWindow;
class QSettings;
class QWidget;

namespace ango::app {

// The window's dock arrangement: the default share of the window (the preview gets most of it),
// View ▸ Reset layout, and the layout saved on close and restored on launch under a version, so
// that a layout saved by an older build never comes back broken.
class DockLayout final
{
public:
    // Bump whenever the dock arrangement changes.
    static constexpr int kVersion = 2;

    struct Docks
    {
        QDockWidget *run = nullptr;
        QDockWidget *inputs = nullptr; // the first of the tabs under the Run panel
        QDockWidget *log = nullptr;
        QWidget *runPanel = nullptr; // its height decides the Run dock's
    };

    DockLayout(QMainWindow *window, QSettings &settings, Docks docks);

    // `wanted`, made no larger than the screen the window is on can show (without a window
    // manager nothing else keeps a window on the screen).
    static QSize onScreen(const QWidget *window, QSize wanted);

    // Remembers the arrangement as built (for reset), then applies the saved geometry and layout.
    void restoreSaved();
    // The first show sizes the docks by default unless a saved layout was restored.
    void firstShown();
    void reset();
    void save();

private:
    void applyDefaultSizes();

    QMainWindow *m_window;
    QSettings &m_settings;
    Docks m_docks;
    QByteArray m_defaultState;
    bool m_restored = false;
    bool m_shown = false;
};

} // namespace ango::app
