// The console window as a user sizes it: long messages never grow it, the preview gets most of
// the space, and the dock layout survives (or is safely dropped) across builds.
#include "mainwindow.h"
#include "panels/callback/callbackpanel.h"
#include "panels/common/elidedlabel.h"
#include "panels/log/logpanel.h"
#include "panels/log/logview.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewscene.h"
#include "panels/run/runpanel.h"
#include "sandbox/samplemodel.h"
#include "windowfixture.h"

#include <QAbstractButton>
#include <QAction>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QMultiHash>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStyle>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

using namespace ango::app;

namespace {

constexpr QSize kMaxMinimum(1024, 700);

QString longPath()
{
    QString path = u"/home/someone/projects"_qs;
    for (int i = 0; i < 30; ++i)
        path += u"/a-rather-long-folder-name-%1"_qs.arg(i);
    return path + u"/myimage.jp"_qs;
}

QString traceback()
{
    QString text = u"Traceback (most recent call last):\n"_qs;
    for (int i = 0; i < 60; ++i)
        text += u"  File \"%1/plugin_%2.py\", line %2, in sample_callback_with_a_long_name\n"_qs
                    .arg(longPath())
                    .arg(i);
    return text + u"ModuleNotFoundError: No module named 'imerit_ango'"_qs;
}

} // namespace

class tst_WindowLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void longTextsNeverGrowTheWindow();
    void elidedLabelShowsTheWholeTextAsTooltip();
    void previewGetsMostOfTheWindow_data();
    void previewGetsMostOfTheWindow();
    void resetLayoutBringsBackTheDefault();
    void layoutIsRestoredOnlyFromTheSameVersion();
    void relaunchShowsTheChosenImageAgain();
    void tabTitlesAreReadable_data();
    void tabTitlesAreReadable();
    void callbackTabHasNoEmptyBand();
    void shortStatesAreNotElided();
    void shortcutsAreUnambiguous();

private:
    void reopen(QSize size);

    QTemporaryDir m_home;
    MainWindow *m_window = nullptr;
};

void tst_WindowLayout::initTestCase()
{
    QVERIFY(m_home.isValid());
    ango::test::useThrowAwaySettings(m_home, u"tst_windowlayout"_qs);
}

void tst_WindowLayout::init()
{
    QSettings().clear();
    m_window = ango::test::openSandboxWindow({1280, 800});
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
}

void tst_WindowLayout::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

void tst_WindowLayout::longTextsNeverGrowTheWindow()
{
    const QSize before = m_window->size();
    QCOMPARE(before, QSize(1280, 800));
    const QString message = u"The image %1 does not exist. "_qs.arg(longPath()) + traceback();

    m_window->runPanel()->setOutcome(message, false);
    auto *callback = m_window->findChild<CallbackPanel *>();
    QVERIFY(callback);
    callback->setError(traceback());
    // Every other message label of the panels, as a long status would fill it.
    const QStringList names{u"callbackStateLabel"_qs,   u"connectionErrorLabel"_qs,
                            u"localHubOutcomeLabel"_qs, u"localHubAddressLabel"_qs,
                            u"statusLabel"_qs,          u"mappingMessage"_qs};
    for (const QString &name : names) {
        auto *label = m_window->findChild<QLabel *>(name);
        QVERIFY2(label, qPrintable(name));
        label->setText(message);
    }
    QCoreApplication::sendPostedEvents();
    QTest::qWait(0);

    const QSize minimum = m_window->minimumSizeHint().expandedTo(m_window->minimumSize());
    QVERIFY2(minimum.width() <= kMaxMinimum.width() && minimum.height() <= kMaxMinimum.height(),
             qPrintable(u"minimum %1x%2"_qs.arg(minimum.width()).arg(minimum.height())));
    QCOMPARE(m_window->size(), before);
    // The window can still be made as small as a small screen allows.
    m_window->resize(kMaxMinimum);
    QTRY_COMPARE(m_window->size(), kMaxMinimum);
}

void tst_WindowLayout::elidedLabelShowsTheWholeTextAsTooltip()
{
    const QString message = traceback();
    m_window->runPanel()->setOutcome(message, false);
    auto *label = m_window->findChild<ElidedLabel *>(u"runOutcomeLabel"_qs);
    QVERIFY(label);
    QTRY_VERIFY(label->isElided());
    QVERIFY(label->displayedText().size() < message.size());
    QVERIFY(label->displayedText().startsWith(u"Traceback"_qs));
    QHelpEvent help(QEvent::ToolTip, QPoint(2, 2), label->mapToGlobal(QPoint(2, 2)));
    QCoreApplication::sendEvent(label, &help);
    QTRY_COMPARE(QToolTip::text(), message);

    m_window->runPanel()->setOutcome(u"1 object(s) in 12 ms"_qs, true);
    QTRY_VERIFY(!label->isElided());
    QCOMPARE(label->displayedText(), u"1 object(s) in 12 ms"_qs);
}

void tst_WindowLayout::reopen(QSize size)
{
    delete m_window;
    m_window = ango::test::openSandboxWindow(size);
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    QTRY_COMPARE(m_window->size(), size);
}

void tst_WindowLayout::relaunchShowsTheChosenImageAgain()
{
    // init() prepared the sandbox, which chose the sample image; a relaunch must show it again
    // without the first-launch preparation.
    delete m_window;
    m_window = new MainWindow(nullptr, MainWindow::SecretStorage::SessionOnly);
    m_window->prepareSandbox(false);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    QTRY_VERIFY(m_window->preview()->scene()->imageSize().isValid());
    QCOMPARE(m_window->preview()->scene()->imageSize(), QImage(sandbox::sampleImagePath()).size());
}

namespace {

double centreShare(const MainWindow &window)
{
    const QSize centre = window.centre()->size();
    const QSize all = window.size();
    return double(centre.width()) * centre.height() / (double(all.width()) * all.height());
}

int visibleLogRows(const MainWindow &window)
{
    const LogView *view = window.logPanel()->view();
    return view->viewport()->height() / view->verticalHeader()->defaultSectionSize();
}

} // namespace

void tst_WindowLayout::previewGetsMostOfTheWindow_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("minimumLogRows");
    QTest::newRow("1280x800") << QSize(1280, 800) << 4;
    QTest::newRow("1920x1080") << QSize(1920, 1080) << 8;
}

void tst_WindowLayout::previewGetsMostOfTheWindow()
{
    QFETCH(QSize, size);
    QFETCH(int, minimumLogRows);
    reopen(size);
    QTRY_VERIFY2(centreShare(*m_window) >= 0.5,
                 qPrintable(u"centre %1x%2 is %3 of the window"_qs.arg(m_window->centre()->width())
                                .arg(m_window->centre()->height())
                                .arg(centreShare(*m_window))));
    QVERIFY(m_window->preview()->isVisible());
    QVERIFY2(visibleLogRows(*m_window) >= minimumLogRows,
             qPrintable(u"%1 log rows"_qs.arg(visibleLogRows(*m_window))));
    // The run inputs and the connection are one click away, in the left column, never floating.
    for (const char *name : {"runDock", "callbackDock", "mappingDock", "configDock",
                             "connectionDock", "localHubDock", "logDock"}) {
        auto *dock = m_window->findChild<QDockWidget *>(QString::fromLatin1(name));
        QVERIFY2(dock && !dock->isFloating(), name);
    }
    QCOMPARE(m_window->dockWidgetArea(m_window->findChild<QDockWidget *>(u"runDock"_qs)),
             Qt::LeftDockWidgetArea);
    QCOMPARE(m_window->dockWidgetArea(m_window->findChild<QDockWidget *>(u"mappingDock"_qs)),
             Qt::LeftDockWidgetArea);
}

void tst_WindowLayout::resetLayoutBringsBackTheDefault()
{
    reopen(QSize(1280, 800));
    auto *log = m_window->findChild<QDockWidget *>(u"logDock"_qs);
    auto *mapping = m_window->findChild<QDockWidget *>(u"mappingDock"_qs);
    log->hide();
    mapping->setFloating(true);
    m_window->resizeDocks({m_window->findChild<QDockWidget *>(u"runDock"_qs)}, {900},
                          Qt::Horizontal);
    QTRY_VERIFY(centreShare(*m_window) < 0.5);
    auto *reset = m_window->findChild<QAction *>(u"resetLayoutAction"_qs);
    QVERIFY(reset);
    reset->trigger();
    QTRY_VERIFY(log->isVisible());
    QVERIFY(!mapping->isFloating());
    QTRY_VERIFY(centreShare(*m_window) >= 0.5);
}

void tst_WindowLayout::layoutIsRestoredOnlyFromTheSameVersion()
{
    reopen(QSize(1280, 800));
    m_window->findChild<QDockWidget *>(u"logDock"_qs)->hide();
    m_window->close(); // saves the layout
    reopen(QSize(1280, 800));
    QVERIFY(!m_window->findChild<QDockWidget *>(u"logDock"_qs)->isVisible());

    // A layout saved under another version (an older build) must not be applied.
    m_window->findChild<QDockWidget *>(u"logDock"_qs)->hide();
    QSettings().setValue(u"window/state"_qs, m_window->saveState(1));
    auto *stale = new MainWindow(nullptr, MainWindow::SecretStorage::SessionOnly);
    stale->resize(1280, 800);
    stale->show();
    QVERIFY(QTest::qWaitForWindowExposed(stale));
    QVERIFY(stale->findChild<QDockWidget *>(u"logDock"_qs)->isVisible());
    QTRY_VERIFY(centreShare(*stale) >= 0.5);
    delete stale;
}

void tst_WindowLayout::tabTitlesAreReadable_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x800") << QSize(1280, 800);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
}

// Every tab of the window (the docks tabbed in the left column, the centre's tabs) shows its
// whole title: the tab is as wide as the text needs and lies inside its bar, not behind a
// scroll arrow.
void tst_WindowLayout::tabTitlesAreReadable()
{
    QFETCH(QSize, size);
    reopen(size);
    QCoreApplication::sendPostedEvents();
    const QList<QTabBar *> bars = m_window->findChildren<QTabBar *>();
    int checked = 0;
    for (const QTabBar *bar : bars) {
        if (!bar->isVisible())
            continue;
        const int padding = bar->style()->pixelMetric(QStyle::PM_TabBarTabHSpace, nullptr, bar);
        for (int i = 0; i < bar->count(); ++i) {
            const QString text = bar->tabText(i);
            const QRect tab = bar->tabRect(i);
            const int needed = bar->fontMetrics().horizontalAdvance(text) + padding
                               + (bar->tabIcon(i).isNull() ? 0 : bar->iconSize().width() + 4);
            QVERIFY2(!text.isEmpty() || !bar->tabToolTip(i).isEmpty(), "a tab says nothing");
            QVERIFY2(tab.width() >= needed,
                     qPrintable(u"\"%1\" is %2 px wide, its text needs %3"_qs.arg(text)
                                    .arg(tab.width())
                                    .arg(needed)));
            QVERIFY2(bar->rect().contains(tab),
                     qPrintable(u"\"%1\" lies outside its bar"_qs.arg(text)));
            ++checked;
        }
    }
    QVERIFY2(checked >= 8, qPrintable(QString::number(checked))); // 5 left tabs, 3 centre tabs
    QTRY_VERIFY(centreShare(*m_window) >= 0.5);
}

// The Callback tab has no empty band: the buttons follow the shown page's text.
void tst_WindowLayout::callbackTabHasNoEmptyBand()
{
    reopen(QSize(1280, 800));
    auto *callback = m_window->findChild<CallbackPanel *>();
    auto *kind = callback->findChild<QWidget *>(u"callbackKindCombo"_qs);
    auto *apply = callback->findChild<QWidget *>(u"applyCallbackButton"_qs);
    auto *page = callback->findChild<QStackedWidget *>()->currentWidget();
    const int gap = apply->geometry().top() - kind->geometry().bottom();
    QVERIFY2(
        gap <= page->sizeHint().height() + 30,
        qPrintable(
            u"%1 px between the callback choice and its buttons for a %2 px page"_qs.arg(gap).arg(
                page->sizeHint().height())));
}

// A one-word state in the left column ("stopped", an address) reads whole at 1280x800: only
// long texts are elided, and they keep their tooltip.
void tst_WindowLayout::shortStatesAreNotElided()
{
    auto *address = m_window->findChild<ElidedLabel *>(u"localHubAddressLabel"_qs);
    QVERIFY(address);
    auto *dock = m_window->findChild<QDockWidget *>(u"localHubDock"_qs);
    QVERIFY(dock);
    dock->raise();
    address->setText(u"http://127.0.0.1:65535"_qs);
    QTRY_VERIFY(address->isVisible());
    QCoreApplication::sendPostedEvents();
    QVERIFY2(!address->isElided(),
             qPrintable(
                 u"shows \"%1\" in %2 px"_qs.arg(address->displayedText()).arg(address->width())));
}

// Two shortcuts with the same key that can both be live at once both lose it (Qt calls the key
// ambiguous and runs neither): Run's button and Replay once shared Ctrl+R, Approve and Run
// Ctrl+Return. A key may repeat only between panels that do not contain one another.
void tst_WindowLayout::shortcutsAreUnambiguous()
{
    struct Key
    {
        QString owner;
        Qt::ShortcutContext context;
        const QWidget *scope;
    };
    QMultiHash<QKeySequence, Key> keys;
    const auto add = [&](const QKeySequence &sequence, const QString &owner,
                         Qt::ShortcutContext context, const QWidget *scope) {
        if (!sequence.isEmpty())
            keys.insert(sequence, Key{owner, context, scope});
    };
    for (const QAction *action : m_window->findChildren<QAction *>()) {
        const QWidget *scope = qobject_cast<const QWidget *>(action->parent());
        for (const QKeySequence &sequence : action->shortcuts())
            add(sequence, action->text(), action->shortcutContext(), scope);
    }
    for (const QShortcut *shortcut : m_window->findChildren<QShortcut *>())
        add(shortcut->key(), u"QShortcut "_qs + shortcut->parent()->objectName(),
            shortcut->context(), qobject_cast<const QWidget *>(shortcut->parent()));
    for (const QAbstractButton *button : m_window->findChildren<QAbstractButton *>())
        add(button->shortcut(), button->objectName(), Qt::WindowShortcut, button);

    const auto overlap = [](const Key &a, const Key &b) {
        if (a.context != Qt::WidgetWithChildrenShortcut
            || b.context != Qt::WidgetWithChildrenShortcut)
            return true;
        return a.scope && b.scope
               && (a.scope->isAncestorOf(b.scope) || b.scope->isAncestorOf(a.scope));
    };
    for (const QKeySequence &sequence : keys.uniqueKeys()) {
        const QList<Key> owners = keys.values(sequence);
        for (qsizetype i = 0; i < owners.size(); ++i)
            for (qsizetype j = i + 1; j < owners.size(); ++j)
                QVERIFY2(!overlap(owners[i], owners[j]),
                         qPrintable(u"%1 is both \"%2\" and \"%3\""_qs.arg(
                             sequence.toString(), owners[i].owner, owners[j].owner)));
    }
}

QTEST_MAIN(tst_WindowLayout)
#include "tst_windowlayout.moc"
