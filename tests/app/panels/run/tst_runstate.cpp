// Every message of the Run panel follows the present state: a fixed path, a valid config or a
// new callback clears what was said about the old one; Run is enabled exactly when a run can
// start and its tooltip says why not.
#include "mainwindow.h"
#include "panels/config/configeditor.h"
#include "panels/run/runpanel.h"
#include "sandbox/samplemodel.h"
#include "windowfixture.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ango::app;

class tst_RunState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void missingImageMessageGoesWhenThePathIsFixed();
    void configErrorGoesWhenTheConfigIsValid();
    void oldOutcomeGoesWhenTheCallbackChanges();
    void failedRunSaysSoUntilTheInputsChange();

private:
    QPushButton *runButton() const { return m_window->findChild<QPushButton *>(u"runButton"_qs); }
    QString message() const { return m_window->findChild<QLabel *>(u"runOutcomeLabel"_qs)->text(); }

    QTemporaryDir m_home;
    QString m_image;
    MainWindow *m_window = nullptr;
};

void tst_RunState::initTestCase()
{
    QVERIFY(m_home.isValid());
    ango::test::useThrowAwaySettings(m_home, u"tst_runstate"_qs);
    m_image = m_home.filePath(u"myimage.jpg"_qs);
    QVERIFY(QFile::copy(sandbox::sampleImagePath(), m_image));
}

void tst_RunState::init()
{
    QSettings().clear();
    m_window = ango::test::openSandboxWindow({1280, 800});
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
}

void tst_RunState::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

void tst_RunState::missingImageMessageGoesWhenThePathIsFixed()
{
    RunPanel *run = m_window->runPanel();
    run->setLocalFile(QString());
    QVERIFY(message().contains(u"Choose an image"_qs));
    QVERIFY(!runButton()->isEnabled());

    const QString typo = m_image.chopped(1); // ".jp"
    run->setLocalFile(typo);
    QVERIFY(message().contains(u"does not exist"_qs));
    QVERIFY(!runButton()->isEnabled());
    QCOMPARE(runButton()->toolTip(), message());

    run->setLocalFile(m_image);
    QVERIFY2(!message().contains(u"does not exist"_qs), qPrintable(message()));
    QVERIFY(!message().contains(u"Choose an image"_qs));
    QVERIFY(runButton()->isEnabled());
}

void tst_RunState::configErrorGoesWhenTheConfigIsValid()
{
    m_window->runPanel()->setLocalFile(m_image);
    m_window->configEditor()->setConfigJson(u"{\"threshold\": "_qs);
    QTRY_VERIFY2(message().contains(u"configJSON"_qs), qPrintable(message()));
    QVERIFY(!runButton()->isEnabled());
    QVERIFY(runButton()->toolTip().contains(u"configJSON"_qs));

    m_window->configEditor()->setConfigJson(u"{\"threshold\": 0.4}"_qs);
    QTRY_VERIFY2(!message().contains(u"configJSON"_qs), qPrintable(message()));
    QVERIFY(runButton()->isEnabled());
}

void tst_RunState::oldOutcomeGoesWhenTheCallbackChanges()
{
    m_window->runPanel()->setLocalFile(m_image);
    m_window->runPanel()->setOutcome(u"Run failed: Traceback (most recent call last): boom"_qs,
                                     false);
    QVERIFY(message().contains(u"Traceback"_qs));
    auto *apply = m_window->findChild<QPushButton *>(u"applyCallbackButton"_qs);
    QVERIFY(apply);
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY2(!message().contains(u"Traceback"_qs), qPrintable(message()));
}

void tst_RunState::failedRunSaysSoUntilTheInputsChange()
{
    RunPanel *run = m_window->runPanel();
    run->setLocalFile(m_image);
    QSignalSpy shown(m_window, &MainWindow::runShown);
    QVERIFY(runButton()->isEnabled());
    QTest::mouseClick(runButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 20000);
    QVERIFY(shown.first().first().toBool());
    const QString outcome = message();
    QVERIFY2(outcome.contains(u"object"_qs), qPrintable(outcome));
    // Another image: what was said about the run on the old one no longer holds.
    const QString other = m_home.filePath(u"other.jpg"_qs);
    QVERIFY(QFile::copy(m_image, other) || QFile::exists(other));
    run->setLocalFile(other);
    QVERIFY2(message() != outcome, qPrintable(message()));
    QVERIFY(runButton()->isEnabled());
}

QTEST_MAIN(tst_RunState)
#include "tst_runstate.moc"
