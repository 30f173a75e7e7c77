#include "panels/config/configeditor.h"
#include "panels/config/jsonhighlighter.h"
#include "panels/config/jsontext.h"

#include <QAction>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

using namespace ango::app;
using ango::Result;

class tst_ConfigEditor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void positionOfByte_data();
    void positionOfByte();
    void invalidJsonReportsLineAndColumn_data();
    void invalidJsonReportsLineAndColumn();
    void validAndEmptyText();
    void formatKeepsKeyOrder();
    void minifyRemovesWhitespace();
    void formatRefusesInvalidText();
    void editorReportsValidityChanges();
    void editorKeepsExactText();
    void formatIsUndoable();
    void errorIsUnderlined();
    void highlighterColoursKeysAndValues();
};

void tst_ConfigEditor::positionOfByte_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("byte");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("offset");

    QTest::newRow("start") << QStringLiteral("abc") << 0 << 1 << 1 << 0;
    QTest::newRow("ascii") << QStringLiteral("abc") << 2 << 1 << 3 << 2;
    QTest::newRow("second line") << QStringLiteral("ab\ncd") << 4 << 2 << 2 << 4;
    QTest::newRow("at newline") << QStringLiteral("ab\ncd") << 2 << 1 << 3 << 2;
    QTest::newRow("past end") << QStringLiteral("ab\ncd") << 99 << 2 << 3 << 5;
    // "é" is 2 bytes, "€" 3 bytes, "😀" 4 bytes (2 UTF-16 units): columns count characters.
    QTest::newRow("two-byte") << QStringLiteral("é=x") << 3 << 1 << 3 << 2;
    QTest::newRow("three-byte") << QStringLiteral("€€x") << 6 << 1 << 3 << 2;
    QTest::newRow("emoji") << QStringLiteral("😀x") << 4 << 1 << 2 << 2;
    QTest::newRow("inside a character") << QStringLiteral("a€b") << 2 << 1 << 2 << 1;
}

void tst_ConfigEditor::positionOfByte()
{
    QFETCH(QString, text);
    QFETCH(int, byte);
    const QByteArray utf8 = text.toUtf8();
    const TextPosition position = ango::app::positionOfByte(utf8, byte);
    QTEST(position.line, "line");
    QTEST(position.column, "column");
    QTEST(position.offset, "offset");
}

void tst_ConfigEditor::invalidJsonReportsLineAndColumn_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("reason");

    QTest::newRow("trailing comma")
        << QStringLiteral("{\"a\": 1,}") << 1 << 9 << QStringLiteral("unexpected '}'");
    QTest::newRow("double comma on line 3")
        << QStringLiteral("{\n  \"name\": \"é\",\n  \"x\": [1, 2,, 3]\n}") << 3 << 14
        << QStringLiteral("unexpected ','");
    // nlohmann counts bytes (the Cyrillic text is 2 bytes a character: byte 38 here) and
    // stops on the last character of the unexpected token, the closing quote of "b".
    QTest::newRow("missing comma after multibyte text")
        << QStringLiteral("{\"ключ\": \"значение\" \"b\": 1}") << 1 << 23
        << QStringLiteral("expected '}'");
    QTest::newRow("unexpected end")
        << QStringLiteral("{\"a\": [1, 2") << 1 << 12 << QStringLiteral("unexpected end of input");
    QTest::newRow("bad literal") << QStringLiteral("[\n  tru ]") << 2 << 6
                                 << QStringLiteral("invalid literal");
    QTest::newRow("trailing garbage")
        << QStringLiteral("{}\n\n  x") << 3 << 3 << QStringLiteral("expected end of input");
}

void tst_ConfigEditor::invalidJsonReportsLineAndColumn()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, reason);

    const JsonCheck check = checkJsonText(text);
    QVERIFY(!check.valid);
    QVERIFY(!check.empty);
    QCOMPARE(check.position.line, line);
    QCOMPARE(check.position.column, column);
    QVERIFY2(check.message.startsWith(QStringLiteral("Line %1, column %2: ").arg(line).arg(column)),
             qPrintable(check.message));
    QVERIFY2(check.message.contains(reason), qPrintable(check.message));
    QVERIFY2(!check.message.contains(QStringLiteral("json.exception")), qPrintable(check.message));
}

void tst_ConfigEditor::validAndEmptyText()
{
    QVERIFY(checkJsonText(QStringLiteral("{\"a\": [1, 2.5, null, true]}")).valid);
    QVERIFY(checkJsonText(QStringLiteral("\"just a string\"")).valid);
    const JsonCheck empty = checkJsonText(QStringLiteral("  \n\t "));
    QVERIFY(empty.valid);
    QVERIFY(empty.empty);
    QVERIFY(!checkJsonText(QStringLiteral("{}")).empty);
}

void tst_ConfigEditor::formatKeepsKeyOrder()
{
    const Result<QString> formatted = formatJsonText(QStringLiteral("{\"z\":1,\"a\":[1,\"é\"]}"));
    QVERIFY(formatted.ok());
    QCOMPARE(*formatted, QStringLiteral("{\n  \"z\": 1,\n  \"a\": [\n    1,\n    \"é\"\n  ]\n}"));
}

void tst_ConfigEditor::minifyRemovesWhitespace()
{
    const Result<QString> minified
        = minifyJsonText(QStringLiteral("{\n  \"z\" : 1,\n  \"a\": [ 1, \"b c\" ]\n}\n"));
    QVERIFY(minified.ok());
    QCOMPARE(*minified, QStringLiteral("{\"z\":1,\"a\":[1,\"b c\"]}"));
}

void tst_ConfigEditor::formatRefusesInvalidText()
{
    const Result<QString> formatted = formatJsonText(QStringLiteral("{\"a\": }"));
    QVERIFY(!formatted.ok());
    QVERIFY(formatted.error().message.startsWith(QStringLiteral("Line 1, column 7: ")));
    QVERIFY(!minifyJsonText(QStringLiteral("[1,")).ok());
}

void tst_ConfigEditor::editorReportsValidityChanges()
{
    ConfigEditor editor;
    QSignalSpy validity(&editor, &ConfigEditor::validityChanged);
    QVERIFY(editor.isValid());
    QVERIFY(editor.isEmpty());

    editor.textEdit()->setFocus();
    QTest::keyClicks(editor.textEdit(), QStringLiteral("{\"a\": "));
    QVERIFY(!editor.isValid());
    QVERIFY(!validity.isEmpty());
    QCOMPARE(validity.last().at(0).toBool(), false);
    QCOMPARE(validity.last().at(1).toString(), editor.validationMessage());
    QVERIFY(editor.validationMessage().startsWith(QStringLiteral("Line 1, column 7: ")));

    QTest::keyClicks(editor.textEdit(), QStringLiteral("1}"));
    QVERIFY(editor.isValid());
    QCOMPARE(validity.last().at(0).toBool(), true);
    QCOMPARE(validity.last().at(1).toString(), QString());

    // No signal while the state stays the same.
    const qsizetype count = validity.count();
    QTest::keyClicks(editor.textEdit(), QStringLiteral(" "));
    QCOMPARE(validity.count(), count);

    editor.setConfigJson(QStringLiteral("[\n1,\n2,,]"));
    QCOMPARE(validity.count(), count + 1);
    QCOMPARE(validity.last().at(0).toBool(), false);
    QCOMPARE(editor.errorPosition().line, 3);
    QCOMPARE(editor.errorPosition().column, 3);

    editor.goToError();
    QCOMPARE(editor.textEdit()->textCursor().position(), editor.errorPosition().offset);
}

void tst_ConfigEditor::editorKeepsExactText()
{
    ConfigEditor editor;
    QSignalSpy changed(&editor, &ConfigEditor::configJsonChanged);
    const QString text = QStringLiteral("  {\"b\" : 2 ,\"a\":1}\n");
    editor.setConfigJson(text);
    QCOMPARE(editor.configJson(), text);
    QCOMPARE(changed.last().at(0).toString(), text);
    QVERIFY(editor.isValid());
    QVERIFY(!editor.isEmpty());
}

void tst_ConfigEditor::formatIsUndoable()
{
    ConfigEditor editor;
    editor.setConfigJson(QStringLiteral("{\"b\":2,\"a\":1}"));
    editor.formatAction()->trigger();
    QCOMPARE(editor.configJson(), QStringLiteral("{\n  \"b\": 2,\n  \"a\": 1\n}"));
    editor.minifyAction()->trigger();
    QCOMPARE(editor.configJson(), QStringLiteral("{\"b\":2,\"a\":1}"));
    editor.textEdit()->undo();
    QCOMPARE(editor.configJson(), QStringLiteral("{\n  \"b\": 2,\n  \"a\": 1\n}"));

    editor.setConfigJson(QStringLiteral("{\"b\":2,,}"));
    editor.formatAction()->trigger();
    QCOMPARE(editor.configJson(), QStringLiteral("{\"b\":2,,}"));
    QCOMPARE(editor.textEdit()->textCursor().position(), 7);
}

void tst_ConfigEditor::errorIsUnderlined()
{
    ConfigEditor editor;
    editor.setConfigJson(QStringLiteral("{\"a\": x}"));
    const QList<QTextEdit::ExtraSelection> marks = editor.textEdit()->extraSelections();
    QCOMPARE(marks.size(), 1);
    QCOMPARE(marks.first().cursor.selectionStart(), 6);
    QCOMPARE(marks.first().cursor.selectedText(), QStringLiteral("x"));
    editor.setConfigJson(QStringLiteral("{\"a\": 1}"));
    QVERIFY(editor.textEdit()->extraSelections().isEmpty());
}

void tst_ConfigEditor::highlighterColoursKeysAndValues()
{
    ConfigEditor editor;
    editor.setConfigJson(QStringLiteral("{\"key\": \"value\", \"n\": -1.5e3, \"t\": true}"));
    const auto *highlighter = editor.textEdit()->document()->findChild<JsonHighlighter *>();
    QVERIFY(highlighter);
    const QTextBlock block = editor.textEdit()->document()->firstBlock();
    const auto formats = block.layout()->formats();
    auto colourAt = [&](int position) {
        for (const QTextLayout::FormatRange &range : formats) {
            if (position >= range.start && position < range.start + range.length)
                return range.format.foreground().color();
        }
        return QColor();
    };
    using Token = JsonHighlighter::Token;
    QCOMPARE(colourAt(1), highlighter->formatFor(Token::Key).foreground().color());      // "key"
    QCOMPARE(colourAt(9), highlighter->formatFor(Token::String).foreground().color());   // "value"
    QCOMPARE(colourAt(23), highlighter->formatFor(Token::Number).foreground().color());  // -1.5e3
    QCOMPARE(colourAt(36), highlighter->formatFor(Token::Keyword).foreground().color()); // true
    QVERIFY(highlighter->formatFor(Token::Key).foreground().color()
            != highlighter->formatFor(Token::String).foreground().color());
}

QTEST_MAIN(tst_ConfigEditor)
#include "tst_configeditor.moc"
