#include "panels/localhub/localhubpanel.h"
#include "panels/localhub/scriptcontrols.h"
#include "panels/localhub/scriptlauncher.h"
#include "panels/localhub/sdkprobe.h"

#include "hub/localhub.h"
#include "peerprocess.h"
#include "testfiles.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

// The Local hub's start line and Launch button with real python3, a real local hub and the
// console's imerit_ango shim: an unmodified SDK-style script connects and answers runs.

using namespace ango;
using nlohmann::json;

namespace {

const QString kPluginId = QStringLiteral("launch-plugin-3");
const QString kSecret = QStringLiteral("launch-secret-77c1e0");

// The SDK samples' shape: hard-coded host, id and secret (the start line's environment wins),
// run(plugin, host) under __main__. FLAVOUR picks the callback style.
QByteArray sdkScript(const QString &flavour)
{
    QByteArray callback = flavour == QLatin1String("older")
                              ? "def sample_callback(**data):\n"
                                "    data['logger'].info('Plugin session is started!')\n"
                                "    return {'objects': [{'schemaId': 's1', 'bounding-box': "
                                "{'x': 1, 'y': 2, 'width': 3, 'height': 4}}], "
                                "'classifications': [], 'relations': []}\n"
                              : "def sample_callback(data):\n"
                                "    return {'objects': [{'schemaId': 's1', 'point': [5, 6]}], "
                                "'classifications': [], 'relations': []}\n";
    return "import os\nimport sys\n"
           "from imerit_ango.plugins import ModelPlugin, run\n\n"
           + callback
           + "\nprint('plugin script up', flush=True)\n"
             "print('my secret is ' + os.environ.get('ANGO_PLUGIN_SECRET', ''), flush=True)\n"
             "if __name__ == '__main__':\n"
             "    plugin = ModelPlugin(id='hard-coded-id', secret='hard-coded-secret',\n"
             "                         callback=sample_callback, "
             "host='https://imeritapi.ango.ai')\n"
             "    run(plugin, host='https://plugin.imerit.ango.ai')\n";
}

int countMessages(const QSignalSpy &spy, const QString &text, const QString &category)
{
    int count = 0;
    for (const QList<QVariant> &arguments : spy) {
        const auto entry = arguments.at(0).value<logging::LogEntry>();
        if (entry.category == category && entry.message == text)
            ++count;
    }
    return count;
}

QStringList messagesOf(const QSignalSpy &spy, const QString &kind)
{
    QStringList messages;
    for (const QList<QVariant> &arguments : spy) {
        const auto entry = arguments.at(0).value<logging::LogEntry>();
        if (entry.category == QLatin1String("script") && entry.kind == kind)
            messages << entry.message;
    }
    return messages;
}

} // namespace

class tst_ScriptLauncher : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_imagePath;

    std::unique_ptr<app::LocalHubPanel> startedPanel()
    {
        auto panel = std::make_unique<app::LocalHubPanel>();
        panel->setPluginId(kPluginId);
        panel->setSecret(kSecret);
        panel->setAssetPath(m_imagePath);
        panel->show();
        if (!panel->start())
            return {};
        return panel;
    }

    // The probe's answer on this machine; the shim rows need python3 without the SDK.
    bool sdkAbsent(app::LocalHubPanel &panel)
    {
        auto *probe = panel.scriptControls()->probe();
        if (!QTest::qWaitFor([probe] { return probe->state() != app::SdkProbe::State::Probing; },
                             app::SdkProbe::kTimeoutMs + 5000))
            return false;
        return probe->state() == app::SdkProbe::State::Absent;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<logging::LogEntry>();
        qRegisterMetaType<hub::RunOutcome>();
        QVERIFY(m_dir.isValid());
        m_imagePath = m_dir.filePath(QStringLiteral("asset.png"));
        test::writeFile(m_imagePath, QByteArray("\x89PNG\r\n\x1a\n") + QByteArray(500, 'p'));
    }

    void startLineRunsAnSdkScriptWithTheShim_data()
    {
        QTest::addColumn<QString>("flavour");
        QTest::addColumn<bool>("workflow");
        QTest::addColumn<QString>("tool");
        QTest::newRow("older **data, interactive") << u"older"_qs << false << u"bounding-box"_qs;
        QTest::newRow("newest data, interactive") << u"newest"_qs << false << u"point"_qs;
        QTest::newRow("older **data, workflow") << u"older"_qs << true << u"bounding-box"_qs;
    }

    void startLineRunsAnSdkScriptWithTheShim()
    {
        QFETCH(QString, flavour);
        QFETCH(bool, workflow);
        QFETCH(QString, tool);
        auto panel = startedPanel();
        QVERIFY(panel);
        if (!sdkAbsent(*panel))
            QSKIP("python3 has imerit_ango installed: the line does not use the shim here");
        QCOMPARE(panel->scriptControls()->note(),
                 u"imerit_ango is not installed in python3; the line uses the console's shim."_qs);
        QVERIFY(panel->findChild<QLabel *>(u"localHubShimNoteLabel"_qs)->isVisible());

        const QString script
            = m_dir.filePath(u"line_%1.py"_qs.arg(QString::fromLatin1(QTest::currentDataTag()))
                                 .replace(QRegularExpression(u"\\W"_qs), u"_"_qs));
        test::writeFile(script, sdkScript(flavour));
        panel->setScriptPath(script);
        const QString line = panel->startCommand();
        QVERIFY2(line.startsWith(u"PYTHONPATH="_qs), qPrintable(line));
        QVERIFY(!line.contains(kSecret));

        // As the user would: the line in a shell where ANGO_PLUGIN_SECRET holds the secret.
        test::PeerProcess shell(u"/bin/sh"_qs, QStringList{u"-c"_qs, line},
                                QMap<QString, QString>{{u"ANGO_PLUGIN_SECRET"_qs, kSecret}});
        shell.start();
        QTRY_VERIFY2_WITH_TIMEOUT(panel->hub()->isLive(kPluginId), qPrintable(shell.diagnostics()),
                                  20000);

        QSignalSpy finished(panel.get(), &app::LocalHubPanel::runFinished);
        panel->setWorkflow(workflow);
        QVERIFY(panel->sendRun());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        const auto outcome = finished.at(0).at(0).value<hub::RunOutcome>();
        QVERIFY2(outcome.ok, qPrintable(outcome.error + shell.diagnostics()));
        QCOMPARE(outcome.workflow, workflow);
        const json objects
            = workflow ? outcome.result.at("answer").at("objects") : outcome.result.at("objects");
        QCOMPARE(objects.size(), 1u);
        QVERIFY2(objects.at(0).contains(tool.toStdString()), objects.dump().c_str());
    }

    void launchShowsOutputOnceAndStops()
    {
        auto panel = startedPanel();
        QVERIFY(panel);
        QSignalSpy log(panel.get(), &app::LocalHubPanel::logged);
        const QString script = m_dir.filePath(u"launched.py"_qs);
        test::writeFile(script, sdkScript(u"older"_qs));
        // The Script field is empty: Launch takes the Callback panel's python script.
        panel->setCallbackSpec(u"python:%1:sample_callback"_qs.arg(script));
        auto *launch = panel->findChild<QPushButton *>(u"localHubLaunchButton"_qs);
        auto *stop = panel->findChild<QPushButton *>(u"localHubStopScriptButton"_qs);
        QVERIFY(launch && stop);
        QVERIFY(launch->isEnabled());
        QVERIFY(!stop->isEnabled());
        QTest::mouseClick(launch, Qt::LeftButton);
        QCOMPARE(panel->findChild<QLineEdit *>(u"localHubScriptEdit"_qs)->text(), script);
        QTRY_VERIFY_WITH_TIMEOUT(panel->hub()->isLive(kPluginId), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(countMessages(log, u"plugin script up"_qs, u"script"_qs), 1,
                                  5000);
        QVERIFY(stop->isEnabled());
        QVERIFY(!launch->isEnabled());

        // A run goes through the launched script; its logger line reaches the log as well.
        QSignalSpy finished(panel.get(), &app::LocalHubPanel::runFinished);
        QVERIFY(panel->sendRun());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QVERIFY(finished.at(0).at(0).value<hub::RunOutcome>().ok);

        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->scriptControls()->launcher()->isRunning(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->hub()->isLive(kPluginId), 10000);
        QCOMPARE(messagesOf(log, u"exit"_qs), QStringList{u"launched.py was stopped"_qs});
        // Each line once; the secret never.
        QCOMPARE(countMessages(log, u"plugin script up"_qs, u"script"_qs), 1);
        QCOMPARE(countMessages(log, u"my secret is ***"_qs, u"script"_qs), 1);
        for (const QList<QVariant> &arguments : log) {
            const auto entry = arguments.at(0).value<logging::LogEntry>();
            QVERIFY2(!entry.message.contains(kSecret), qPrintable(entry.message));
            QVERIFY2(!QString::fromStdString(entry.detail.dump()).contains(kSecret),
                     qPrintable(entry.message));
        }
        QVERIFY(launch->isEnabled());
    }

    void stoppingTheHubStopsTheScript()
    {
        auto panel = startedPanel();
        QVERIFY(panel);
        const QString script = m_dir.filePath(u"served.py"_qs);
        test::writeFile(script, sdkScript(u"newest"_qs));
        panel->setScriptPath(script);
        QVERIFY(panel->scriptControls()->launch());
        QTRY_VERIFY_WITH_TIMEOUT(panel->scriptControls()->launcher()->isRunning(), 20000);
        const qint64 pid = panel->scriptControls()->launcher()->processId();
        QVERIFY(pid > 0);
        auto *note = panel->findChild<QLabel *>(u"localHubShimNoteLabel"_qs);
        QVERIFY(note->isVisible() || panel->scriptControls()->note().isEmpty());
        panel->stop();
        // The note speaks of the line, which is gone with the hub.
        QVERIFY(!note->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!panel->scriptControls()->launcher()->isRunning(), 10000);
        QVERIFY(!QFileInfo::exists(u"/proc/%1/cmdline"_qs.arg(pid))
                || QFile(u"/proc/%1/cmdline"_qs.arg(pid)).size() == 0);
    }

    void exitIsReportedInPlainWords_data()
    {
        QTest::addColumn<QByteArray>("source");
        QTest::addColumn<QString>("message");
        QTest::newRow("exit code")
            << QByteArray("import sys\nsys.exit(3)\n") << u"ended.py ended with exit code 3"_qs;
        QTest::newRow("normal end")
            << QByteArray("print('bye')\n") << u"ended.py ended (exit code 0)"_qs;
        QTest::newRow("crash") << QByteArray(
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
                               << u"ended.py crashed: the python process was killed by a signal"_qs;
        QTest::newRow("missing module") << QByteArray("import no_such_module_anywhere\n")
                                        << u"ended.py ended with exit code 1"_qs;
    }

    void exitIsReportedInPlainWords()
    {
        QFETCH(QByteArray, source);
        QFETCH(QString, message);
        const QString script = m_dir.filePath(u"ended.py"_qs);
        test::writeFile(script, source);
        app::ScriptLauncher launcher;
        QSignalSpy log(&launcher, &app::ScriptLauncher::logged);
        QSignalSpy running(&launcher, &app::ScriptLauncher::runningChanged);
        app::ScriptLaunch launch;
        launch.script = script;
        launch.environment = QProcessEnvironment::systemEnvironment();
        QVERIFY(launcher.start(launch));
        QTRY_COMPARE_WITH_TIMEOUT(running.size(), 2, 15000);
        QCOMPARE(messagesOf(log, u"exit"_qs), QStringList{message});
        QCOMPARE(launcher.lastExit(), message);
        // A traceback's lines read as a failure; a plain print does not.
        for (const QList<QVariant> &arguments : log) {
            const auto entry = arguments.at(0).value<logging::LogEntry>();
            if (entry.kind == QLatin1String("stderr")
                && entry.message.startsWith(u"ModuleNotFoundError"_qs))
                QCOMPARE(entry.level, logging::Level::Warning);
            if (entry.kind == QLatin1String("stdout"))
                QCOMPARE(entry.level, logging::Level::Info);
        }
        if (QByteArray(QTest::currentDataTag()) == "missing module")
            QVERIFY(messagesOf(log, u"stderr"_qs)
                        .contains(
                            u"ModuleNotFoundError: No module named 'no_such_module_anywhere'"_qs));
    }

    void outputIsBounded()
    {
        const QString script = m_dir.filePath(u"chatty.py"_qs);
        // One line far over the length limit, then 600 lines at once: over the per-second limit.
        test::writeFile(script, "import sys\n"
                                "sys.stdout.write('x' * 5000 + '\\n')\n"
                                "for i in range(600):\n"
                                "    sys.stdout.write('line %d\\n' % i)\n"
                                "sys.stdout.write('no newline at the end')\n");
        app::ScriptLauncher launcher;
        QSignalSpy log(&launcher, &app::ScriptLauncher::logged);
        QSignalSpy running(&launcher, &app::ScriptLauncher::runningChanged);
        app::ScriptLaunch launch;
        launch.script = script;
        launch.environment = QProcessEnvironment::systemEnvironment();
        QVERIFY(launcher.start(launch));
        QTRY_COMPARE_WITH_TIMEOUT(running.size(), 2, 15000);
        const QStringList lines = messagesOf(log, u"stdout"_qs);
        QVERIFY(!lines.isEmpty());
        QCOMPARE(lines.first(), QString(app::ScriptLauncher::kMaxLineChars, u'x')
                                    + u"… (3000 more characters)"_qs);
        // Nothing silently lost: shown lines plus the counted ones are all 602 lines.
        qint64 notShown = 0;
        static const QRegularExpression counted(
            u"^(\\d+) lines of the script's output were not shown"_qs);
        for (const QString &text : messagesOf(log, u"output"_qs)) {
            const auto match = counted.match(text);
            if (match.hasMatch())
                notShown += match.captured(1).toLongLong();
        }
        QVERIFY(notShown > 0);
        QVERIFY(lines.size() <= 602 - notShown);
        QCOMPARE(lines.size() + notShown, 602);
        QVERIFY(lines.size() >= app::ScriptLauncher::kMaxLinesPerSecond);
        // A line is shown once: no duplicates among the numbered ones.
        QCOMPARE(QSet<QString>(lines.begin(), lines.end()).size(), lines.size());
    }
};

QTEST_MAIN(tst_ScriptLauncher)
#include "tst_scriptlauncher.moc"
