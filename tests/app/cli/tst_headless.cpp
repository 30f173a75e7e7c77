#include "cli/dispatch.h"
#include "hub/huboptions.h"
#include "runner/runoptions.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

// ango-console's headless half: --help, --version and the subcommands' --help answer with no
// display and no QT_QPA_PLATFORM (the test's own offscreen platform is taken out of the child's
// environment); the window without a display exits 1 with one line; and the libraries behind the
// subcommands link neither Qt Gui nor Qt Widgets, by their configured link closure and by what
// this executable, built from them alone, has loaded.

using namespace Qt::StringLiterals;

namespace {

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

QProcessEnvironment withoutDisplay()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : {u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"QT_QPA_PLATFORM"_s})
        environment.remove(name);
    return environment;
}

Outcome runConsole(const QStringList &arguments, const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(ANGO_CONSOLE), arguments);
    Outcome outcome;
    // A child process with a bounded wait: the test's own loop has nothing else to do.
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(5000);
        return outcome;
    }
    outcome.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    outcome.out = QString::fromUtf8(process.readAllStandardOutput());
    outcome.err = QString::fromUtf8(process.readAllStandardError());
    return outcome;
}

QMap<QString, QStringList> linkClosures()
{
    QMap<QString, QStringList> closures;
    QFile file(QStringLiteral(ANGO_LINK_CLOSURES));
    if (!file.open(QIODevice::ReadOnly))
        return closures;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            closures.insert(QString::fromUtf8(line.left(eq)),
                            QString::fromUtf8(line.mid(eq + 1)).split(u';'));
    }
    return closures;
}

bool linksGui(const QStringList &closure)
{
    static const QRegularExpression gui(u"^Qt6?::(Gui|Widgets|OpenGL|Svg)(Private)?$"_s);
    return std::any_of(closure.cbegin(), closure.cend(),
                       [](const QString &target) { return gui.match(target).hasMatch(); });
}

} // namespace

class tst_Headless : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersWithoutDisplay_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--help") << QStringList{u"--help"_s}
                                << u"Subcommands (headless, no display needed):"_s;
        QTest::newRow("-h") << QStringList{u"-h"_s} << u"--sandbox-demo"_s;
        QTest::newRow("--version")
            << QStringList{u"--version"_s} << u"ango-console " ANGO_VERSION "\n"_s;
        QTest::newRow("run --help")
            << QStringList{u"run"_s, u"--help"_s} << u"Usage: ango-console run"_s;
        QTest::newRow("hub --help")
            << QStringList{u"hub"_s, u"--help"_s} << u"Usage: ango-console hub"_s;
    }

    void answersWithoutDisplay()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Outcome outcome = runConsole(arguments, withoutDisplay());
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.err));
        QVERIFY2(outcome.out.contains(expected), qPrintable(outcome.out));
        QVERIFY2(outcome.err.isEmpty(), qPrintable(outcome.err));
    }

    void subcommandsRunWithoutDisplay()
    {
        // Past --help: the hub refuses bad flags itself (exit 2), no window system involved.
        const Outcome outcome
            = runConsole({u"hub"_s, u"--plugin-id"_s, u"p"_s, u"--fast"_s}, withoutDisplay());
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.startsWith(u"ango-console hub: unknown flag --fast"_s),
                 qPrintable(outcome.err));
    }

    void windowWithoutDisplayExitsOne_data()
    {
        QTest::addColumn<QString>("display");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no DISPLAY") << QString() << u"no display"_s;
        // A display that is not there: the platform plugin's abort becomes the same one line.
        QTest::newRow("unreachable DISPLAY") << u":87"_s << u"display"_s;
    }

    void windowWithoutDisplayExitsOne()
    {
        QFETCH(QString, display);
        QFETCH(QString, reason);
        QProcessEnvironment environment = withoutDisplay();
        if (!display.isEmpty())
            environment.insert(u"DISPLAY"_s, display);
        const Outcome outcome = runConsole({}, environment);
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY(outcome.out.isEmpty());
        QVERIFY2(outcome.err.count(u'\n') == 1 && outcome.err.endsWith(u'\n'),
                 qPrintable(outcome.err));
        QVERIFY2(outcome.err.startsWith(u"ango-console: cannot open the console window: "_s),
                 qPrintable(outcome.err));
        QVERIFY2(outcome.err.contains(reason), qPrintable(outcome.err));
        QVERIFY2(outcome.err.contains(u"run headless with `ango-console run ...`"_s),
                 qPrintable(outcome.err));
    }

    void unknownSubcommandExitsTwo()
    {
        const Outcome outcome = runConsole({u"serve"_s}, withoutDisplay());
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(u"unknown subcommand \"serve\" (subcommands: run, hub"_s),
                 qPrintable(outcome.err));
    }

    void missingDisplay_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<bool>("missing");
        QTest::newRow("nothing") << QStringList() << QStringList() << true;
        QTest::newRow("empty DISPLAY") << QStringList() << QStringList{u"DISPLAY="_s} << true;
        QTest::newRow("X11") << QStringList() << QStringList{u"DISPLAY=:0"_s} << false;
        QTest::newRow("Wayland") << QStringList() << QStringList{u"WAYLAND_DISPLAY=wayland-0"_s}
                                 << false;
        QTest::newRow("QT_QPA_PLATFORM")
            << QStringList() << QStringList{u"QT_QPA_PLATFORM=offscreen"_s} << false;
        QTest::newRow("-platform")
            << QStringList{u"-platform"_s, u"offscreen"_s} << QStringList() << false;
    }

    void missingDisplay()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, environment);
        QFETCH(bool, missing);
        QProcessEnvironment env;
        for (const QString &pair : environment)
            env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
        QCOMPARE(!ango::cli::missingDisplay(arguments, env).isEmpty(), missing);
    }

    void headlessLibrariesLinkNoGui_data()
    {
        QTest::addColumn<QString>("target");
        QTest::newRow("dispatch") << u"ango_dispatch"_s;
        QTest::newRow("runner") << u"ango_runner"_s;
        QTest::newRow("hub") << u"ango_hub_command"_s;
    }

    void headlessLibrariesLinkNoGui()
    {
        QFETCH(QString, target);
        const auto closures = linkClosures();
        // The walk sees Qt targets at all: the window's library shows Widgets.
        QVERIFY2(linksGui(closures.value(u"ango_app"_s)),
                 qPrintable(closures.value(u"ango_app"_s).join(u' ')));
        const QStringList closure = closures.value(target);
        QVERIFY2(closure.contains(u"Qt6::Core"_s), qPrintable(closure.join(u' ')));
        QVERIFY2(!linksGui(closure), qPrintable(closure.join(u' ')));
    }

    void thisExecutableLoadsNoGui()
    {
        // Built from the headless libraries alone (and Qt Test): the parsers are really linked
        // in, and neither libQt6Gui nor libQt6Widgets was loaded with them.
        QVERIFY(!ango::app::runUsage().isEmpty());
        QVERIFY(!ango::app::hubUsage().isEmpty());
        QFile maps(u"/proc/self/maps"_s);
        QVERIFY(maps.open(QIODevice::ReadOnly));
        const QByteArray loaded = maps.readAll();
        QVERIFY(loaded.contains("libQt6Core.so"));
        QVERIFY2(!loaded.contains("libQt6Gui.so"), "libQt6Gui is loaded");
        QVERIFY2(!loaded.contains("libQt6Widgets.so"), "libQt6Widgets is loaded");
    }
};

QTEST_GUILESS_MAIN(tst_Headless)
#include "tst_headless.moc"
