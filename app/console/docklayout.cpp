#include "docklayout.h"

#include <QDockWidget>
#include <QGuiApplication>
#include <QMainWindow>
#include <QScreen>
#include <QSettings>

#include <algorithm>

namespace ango::app {

namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");

} // namespace

DockLayout::DockLayout(QMainWindow *window, QSettings &settings, Docks docks)
    : m_window(window)
    , m_settings(settings)
    , m_docks(docks)
{}

QSize DockLayout::onScreen(const QWidget *window, QSize wanted)
{
    const QScreen *screen = window->screen() ? window->screen() : QGuiApplication::primaryScreen();
    return screen ? wanted.boundedTo(screen->availableGeometry().size()) : wanted;
}

void DockLayout::restoreSaved()
{
    m_defaultState = m_window->saveState(kVersion);
    m_window->resize(onScreen(m_window, {1440, 900}));
    m_window->restoreGeometry(m_settings.value(kGeometryKey).toByteArray());
    // A layout saved by another build (another version) is ignored: the default one is used.
    m_restored = m_window->restoreState(m_settings.value(kStateKey).toByteArray(), kVersion);
}

void DockLayout::firstShown()
{
    if (m_shown)
        return;
    m_shown = true;
    if (!m_restored)
        applyDefaultSizes();
}

// The default share of the window: the left column and the log as small as their work allows,
// the rest to the preview (at least half of the window at 1280x800 and at 1920x1080).
void DockLayout::applyDefaultSizes()
{
    const QSize window = m_window->size();
    const int side = std::clamp(window.width() * 24 / 100, 300, 440);
    const int log = std::clamp(window.height() * 42 / 100 - 160, 150, 300);
    m_window->resizeDocks({m_docks.run}, {side}, Qt::Horizontal);
    m_window->resizeDocks({m_docks.log}, {log}, Qt::Vertical);
    const int runHeight = m_docks.runPanel->sizeHint().height() + 24;
    m_window->resizeDocks({m_docks.run, m_docks.inputs}, {runHeight, window.height() - runHeight},
                          Qt::Vertical);
}

void DockLayout::reset()
{
    m_window->restoreState(m_defaultState, kVersion);
    for (QDockWidget *dock : m_window->findChildren<QDockWidget *>())
        dock->setFloating(false);
    applyDefaultSizes();
}

void DockLayout::save()
{
    m_settings.setValue(kGeometryKey, m_window->saveGeometry());
    m_settings.setValue(kStateKey, m_window->saveState(kVersion));
}

} // namespace ango::app
