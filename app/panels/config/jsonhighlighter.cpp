#include "jsonhighlighter.h"

#include <QGuiApplication>
#include <QPalette>

namespace ango::app {

namespace {

bool isNumberChar(QChar c)
{
    return c.isDigit() || c == u'-' || c == u'+' || c == u'.' || c == u'e' || c == u'E';
}

// Index just past the closing quote, or the end of the line for an unterminated string.
qsizetype endOfString(const QString &text, qsizetype open)
{
    for (qsizetype i = open + 1; i < text.size(); ++i) {
        if (text[i] == u'\\')
            ++i;
        else if (text[i] == u'"')
            return i + 1;
    }
    return text.size();
}

bool followedByColon(const QString &text, qsizetype from)
{
    for (qsizetype i = from; i < text.size(); ++i) {
        if (text[i] == u':')
            return true;
        if (!text[i].isSpace())
            return false;
    }
    return false;
}

} // namespace

JsonHighlighter::JsonHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{
    setPalette(QGuiApplication::palette());
}

void JsonHighlighter::setPalette(const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    m_key.setForeground(dark ? QColor(0x9c, 0xdc, 0xfe) : QColor(0x00, 0x45, 0x8b));
    m_key.setFontWeight(QFont::DemiBold);
    m_string.setForeground(dark ? QColor(0xce, 0x91, 0x78) : QColor(0xa3, 0x15, 0x15));
    m_number.setForeground(dark ? QColor(0xb5, 0xce, 0xa8) : QColor(0x09, 0x86, 0x58));
    m_keyword.setForeground(dark ? QColor(0x56, 0x9c, 0xd6) : QColor(0x00, 0x00, 0xff));
    m_punctuation.setForeground(palette.color(QPalette::PlaceholderText));
    m_invalid.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    m_invalid.setUnderlineColor(dark ? QColor(0xf4, 0x47, 0x47) : QColor(0xd0, 0x00, 0x00));
    rehighlight();
}

QTextCharFormat JsonHighlighter::formatFor(Token token) const
{
    switch (token) {
    case Token::Key:
        return m_key;
    case Token::String:
        return m_string;
    case Token::Number:
        return m_number;
    case Token::Keyword:
        return m_keyword;
    case Token::Punctuation:
        return m_punctuation;
    case Token::Invalid:
        return m_invalid;
    }
    return {};
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text[i];
        if (c.isSpace()) {
            ++i;
        } else if (c == u'"') {
            const qsizetype end = endOfString(text, i);
            const bool key = followedByColon(text, end);
            setFormat(int(i), int(end - i), key ? m_key : m_string);
            i = end;
        } else if (c.isDigit() || c == u'-') {
            qsizetype end = i + 1;
            while (end < text.size() && isNumberChar(text[end]))
                ++end;
            setFormat(int(i), int(end - i), m_number);
            i = end;
        } else if (c.isLetter()) {
            qsizetype end = i + 1;
            while (end < text.size() && text[end].isLetterOrNumber())
                ++end;
            const QStringView word = QStringView(text).sliced(i, end - i);
            const bool keyword = word == u"true" || word == u"false" || word == u"null";
            setFormat(int(i), int(end - i), keyword ? m_keyword : m_invalid);
            i = end;
        } else if (QStringView(u"{}[]:,").contains(c)) {
            setFormat(int(i), 1, m_punctuation);
            ++i;
        } else {
            setFormat(int(i), 1, m_invalid);
            ++i;
        }
    }
}

} // namespace ango::app
