#include "callbacks/adapters/adapters.h"
#include "callbacks/adapters/commandline.h"
#include "callbacks/callbackfactory.h"
#include "testpaths.h"

#include <QTest>

using namespace ango;
using namespace ango::callbacks;
using namespace ango::callbacks::adapters;

namespace {
QStringList wordList(std::initializer_list<const char *> words)
{
    QStringList list;
    for (const char *word : words)
        list << QString::fromUtf8(word);
    return list;
}
} // namespace

// The python:, exec: and http: kinds in the callback factory, and how their specs are read.
class TestAdapterFactory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // exec: command lines split as a shell splits words (QProcess::splitCommand knows no '…').
    void splitsLikeAShell_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("plain") << QStringLiteral("./model --serve  -v")
                               << wordList({"./model", "--serve", "-v"});
        QTest::newRow("single quotes") << QStringLiteral("sh -c 'echo a b; exit 3'")
                                       << wordList({"sh", "-c", "echo a b; exit 3"});
        QTest::newRow("double quotes with escapes")
            << QStringLiteral("prog \"a \\\"b\\\" \\\\ \\$x 'c'\"")
            << wordList({"prog", "a \"b\" \\ $x 'c'"});
        QTest::newRow("backslash outside quotes")
            << QStringLiteral(R"(prog a\ b \'q)") << wordList({"prog", "a b", "'q"});
        QTest::newRow("glued quotes")
            << QStringLiteral(R"(prog x'y z'"w")") << wordList({"prog", "xy zw"});
        QTest::newRow("empty word") << QStringLiteral("prog '' x") << wordList({"prog", "", "x"});
        QTest::newRow("single quote keeps backslashes")
            << QStringLiteral(R"(prog 'a\nb')") << wordList({"prog", R"(a\nb)"});
    }
    void splitsLikeAShell()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, words);
        const auto split = splitShellWords(command);
        QVERIFY2(split.ok(), split.ok() ? "" : qPrintable(split.error().message));
        QCOMPARE(*split, words);
    }
    void unterminatedQuoteIsAnError()
    {
        const auto split = splitShellWords(QStringLiteral("sh -c 'echo"));
        QVERIFY(!split.ok());
        QVERIFY(split.error().message.contains(QStringLiteral("unterminated single quote")));
        const auto made = makeExecCallback(QStringLiteral("sh -c \"echo"), {});
        QVERIFY(!made.ok());
        QVERIFY(made.error().message.startsWith(QStringLiteral("exec: ")));
    }
    void initTestCase() { registerAdapterKinds(); }

    void scriptAndFunction_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("function");
        QTest::newRow("script") << "model.py"
                                << "model.py"
                                << "";
        QTest::newRow("function") << "model.py:run_model"
                                  << "model.py"
                                  << "run_model";
        QTest::newRow("dotted") << "/a/b/model.py:Model.predict"
                                << "/a/b/model.py"
                                << "Model.predict";
        QTest::newRow("colon in folder") << "/data/x:y/model.py"
                                         << "/data/x:y/model.py"
                                         << "";
        QTest::newRow("not an identifier") << "model.py:9lives"
                                           << "model.py:9lives"
                                           << "";
    }

    void scriptAndFunction()
    {
        QFETCH(QString, argument);
        QFETCH(QString, script);
        QFETCH(QString, function);
        const auto [gotScript, gotFunction] = splitScriptAndFunction(argument);
        QCOMPARE(gotScript, script);
        QCOMPARE(gotFunction, function);
    }

    void kindsAreRegistered()
    {
        const QStringList kinds = callbackKinds();
        for (const char *kind : {"python", "exec", "http", "https"})
            QVERIFY2(kinds.contains(QLatin1String(kind)), kind);
    }

    void specs_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("expected"); // describe(), or a piece of the error
        const QString script = ango::test::sourcePath(
            QStringLiteral("tests/core/callbacks/adapters/scripts/newest_plugin.py"));
        QTest::newRow("python") << QStringLiteral("python:") + script << true
                                << QStringLiteral("python:") + script;
        QTest::newRow("python function")
            << QStringLiteral("python:%1:run_model").arg(script) << true
            << QStringLiteral("python:%1:run_model").arg(script);
        QTest::newRow("python missing") << QStringLiteral("python:/nonexistent/model.py") << false
                                        << QStringLiteral("no such script: /nonexistent/model.py");
        QTest::newRow("python empty")
            << QStringLiteral("python:") << false << QStringLiteral("needs a script");
        QTest::newRow("exec") << QStringLiteral("exec:./model --fast") << true
                              << QStringLiteral("exec:./model --fast");
        QTest::newRow("exec empty")
            << QStringLiteral("exec:  ") << false << QStringLiteral("needs a command");
        QTest::newRow("url") << QStringLiteral("http://127.0.0.1:9/predict") << true
                             << QStringLiteral("http:http://127.0.0.1:9/predict");
        QTest::newRow("http:url") << QStringLiteral("http:http://127.0.0.1:9/predict") << true
                                  << QStringLiteral("http:http://127.0.0.1:9/predict");
        QTest::newRow("https") << QStringLiteral("https://user:pw@example.com/p") << true
                               << QStringLiteral("http:https://example.com/p");
        QTest::newRow("http nonsense")
            << QStringLiteral("http:nonsense") << false << QStringLiteral("is not an http(s) URL");
    }

    void specs()
    {
        QFETCH(QString, spec);
        QFETCH(bool, ok);
        QFETCH(QString, expected);
        auto callback = createCallback(spec);
        QCOMPARE(callback.ok(), ok);
        if (ok)
            QCOMPARE((*callback)->describe(), expected);
        else
            QVERIFY2(callback.error().message.contains(expected),
                     qPrintable(callback.error().message));
    }
};

QTEST_GUILESS_MAIN(TestAdapterFactory)
#include "tst_adapterfactory.moc"
