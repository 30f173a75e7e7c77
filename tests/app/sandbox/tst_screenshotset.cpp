#include "sandbox/screenshotset.h"

#include <QImageReader>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using ango::app::ScreenshotSet;

// Runs the real console offscreen, as the documentation's pictures are made, and checks what it
// wrote: every picture of the set, readable, the two main ones at exactly their window sizes.
class TestScreenshotSet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesEveryPicture()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("shots"));
        QProcess console;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        // The console's own settings go to a throw-away folder; keep HOME out of it regardless.
        env.insert(QStringLiteral("HOME"), dir.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
        console.setProcessEnvironment(env);
        QSignalSpy finished(&console, &QProcess::finished);
        console.start(QStringLiteral(ANGO_CONSOLE),
                      {QStringLiteral("--sandbox-demo"), QStringLiteral("--screenshot-set"), out});
        QVERIFY2(finished.wait(200000), "the console did not finish");
        const QByteArray stderrText = console.readAllStandardError();
        QVERIFY2(console.exitStatus() == QProcess::NormalExit, stderrText.constData());
        QVERIFY2(console.exitCode() == 0, stderrText.constData());

        const QStringList names = ScreenshotSet::fileNames();
        QVERIFY(names.size() >= 8);
        QVERIFY(names.contains(QStringLiteral("localhub-connected.png")));
        for (const QString &name : names) {
            QImageReader reader(QDir(out).filePath(name));
            QVERIFY2(reader.canRead(), qPrintable(name + QStringLiteral(" missing or unreadable")));
            const QSize size = reader.size();
            if (name == QLatin1String("main-1280x800.png"))
                QCOMPARE(size, ScreenshotSet::smallWindow());
            else if (name == QLatin1String("main-1920x1080.png"))
                QCOMPARE(size, ScreenshotSet::largeWindow());
            else
                QVERIFY2(size.width() >= 640 && size.height() >= 400, qPrintable(name));
        }
        QCOMPARE(ScreenshotSet::smallWindow(), QSize(1280, 800));
        QCOMPARE(ScreenshotSet::largeWindow(), QSize(1920, 1080));
    }

    // A folder the set cannot create is a failure with a message, not a silent success.
    void unwritableFolderFails()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QProcess console;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("HOME"), dir.path());
        console.setProcessEnvironment(env);
        QSignalSpy finished(&console, &QProcess::finished);
        console.start(QStringLiteral(ANGO_CONSOLE),
                      {QStringLiteral("--sandbox-demo"), QStringLiteral("--screenshot-set"),
                       dir.filePath(QStringLiteral("file/shots"))});
        QVERIFY(finished.wait(60000));
        QCOMPARE(console.exitCode(), 1);
        QVERIFY(console.readAllStandardError().contains("screenshot set:"));
    }
};

QTEST_GUILESS_MAIN(TestScreenshotSet)
#include "tst_screenshotset.moc"
