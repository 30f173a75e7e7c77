#include "configeditor.h"

#include "jsonhighlighter.h"

#include <QAction>
#include <QEvent>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

namespace ango::app {

ConfigEditor::ConfigEditor(QWidget *parent)
    : QWidget(parent)
    , m_edit(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_formatAction(new QAction(tr("Format"), this))
    , m_minifyAction(new QAction(tr("Minify"), this))
{
    m_check.empty = true;

    m_edit->setObjectName(QStringLiteral("configJsonEdit"));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setTabChangesFocus(true);
    m_edit->setPlaceholderText(tr("Config JSON passed to the plugin as the configJSON string, "
                                  "e.g. {\"threshold\": 0.5}"));
    m_highlighter = new JsonHighlighter(m_edit->document());
    m_highlighter->setPalette(palette());

    m_status->setObjectName(QStringLiteral("configJsonStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);

    m_formatAction->setObjectName(QStringLiteral("configJsonFormat"));
    m_formatAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    m_formatAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_formatAction->setToolTip(tr("Indent the JSON (key order is kept)"));
    m_minifyAction->setObjectName(QStringLiteral("configJsonMinify"));
    m_minifyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    m_minifyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_minifyAction->setToolTip(tr("Remove all optional whitespace"));
    addAction(m_formatAction);
    addAction(m_minifyAction);

    auto *formatButton = new QToolButton(this);
    formatButton->setDefaultAction(m_formatAction);
    auto *minifyButton = new QToolButton(this);
    minifyButton->setDefaultAction(m_minifyAction);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(formatButton);
    buttons->addWidget(minifyButton);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_status);

    connect(m_formatAction, &QAction::triggered, this, &ConfigEditor::format);
    connect(m_minifyAction, &QAction::triggered, this, &ConfigEditor::minify);
    connect(m_status, &QLabel::linkActivated, this, &ConfigEditor::goToError);
    connect(m_edit, &QPlainTextEdit::textChanged, this, &ConfigEditor::revalidate);
    showCheck();
}

ConfigEditor::~ConfigEditor() = default;

QString ConfigEditor::configJson() const
{
    return m_edit->toPlainText();
}

void ConfigEditor::setConfigJson(const QString &text)
{
    m_edit->setPlainText(text);
}

void ConfigEditor::format()
{
    if (Result<QString> formatted = formatJsonText(configJson()))
        replaceText(*formatted);
    else
        goToError();
}

void ConfigEditor::minify()
{
    if (Result<QString> minified = minifyJsonText(configJson()))
        replaceText(*minified);
    else
        goToError();
}

void ConfigEditor::goToError()
{
    if (m_check.valid)
        return;
    QTextCursor cursor(m_edit->document());
    cursor.setPosition(m_check.position.offset);
    m_edit->setTextCursor(cursor);
    m_edit->setFocus();
}

void ConfigEditor::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        m_highlighter->setPalette(palette());
    QWidget::changeEvent(event);
}

void ConfigEditor::replaceText(const QString &text)
{
    if (text == configJson())
        return;
    QTextCursor cursor(m_edit->document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(text);
    cursor.endEditBlock();
}

void ConfigEditor::revalidate()
{
    const JsonCheck previous = m_check;
    m_check = checkJsonText(configJson());
    showCheck();
    Q_EMIT configJsonChanged(configJson());
    if (previous.valid != m_check.valid || previous.message != m_check.message)
        Q_EMIT validityChanged(m_check.valid, validationMessage());
}

void ConfigEditor::showCheck()
{
    QList<QTextEdit::ExtraSelection> marks;
    if (m_check.valid) {
        m_status->setText(m_check.empty ? tr("Empty: the run is sent without configJSON.")
                                        : tr("Valid JSON."));
        m_status->setStyleSheet(QString());
    } else {
        m_status->setText(
            QStringLiteral("<a href=\"#error\">%1</a>").arg(m_check.message.toHtmlEscaped()));
        m_status->setStyleSheet(QStringLiteral("color: palette(link);"));
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_edit->document());
        mark.cursor.setPosition(m_check.position.offset);
        // Past the end there is no character to underline: mark the last one instead.
        if (!mark.cursor.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor)) {
            mark.cursor.movePosition(QTextCursor::PreviousCharacter, QTextCursor::KeepAnchor);
        }
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(Qt::red);
        mark.format.setToolTip(m_check.message);
        marks.append(mark);
    }
    m_edit->setExtraSelections(marks);
    m_status->setToolTip(m_check.valid ? QString() : tr("Click to move the cursor to the error"));
}

} // namespace ango::app
