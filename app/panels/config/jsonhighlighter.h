#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

class QPalette;

namespace ango::app {

// JSON strings cannot span lines, so each block is tokenised on its own, without state.
class JsonHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonHighlighter)

public:
    enum class Token { Key, String, Number, Keyword, Punctuation, Invalid };

    explicit JsonHighlighter(QTextDocument *document);

    // Colours follow the palette so that dark themes stay readable.
    void setPalette(const QPalette &palette);
    QTextCharFormat formatFor(Token token) const;

protected:
    void highlightBlock(const QString &text) override;

private:
    QTextCharFormat m_key;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_keyword;
    QTextCharFormat m_punctuation;
    QTextCharFormat m_invalid;
};

} // namespace ango::app
