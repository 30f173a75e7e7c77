#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QString>

// Pure helpers behind the configJSON editor: validation with a human position, format, minify.
// Key order is kept (the user's config is shown back as written), so these use ordered_json.
namespace ango::app {

struct TextPosition
{
    int line = 1;   // 1-based
    int column = 1; // 1-based, in characters (Unicode code points) as the user counts them
    int offset = 0; // 0-based index into the QString (UTF-16 units), for placing the cursor
};

struct JsonCheck
{
    bool valid = true;
    bool empty = false;    // only whitespace: no configJSON is sent
    QString message;       // "Line 3, column 9: ..." when invalid
    TextPosition position; // where the parser stopped, when invalid
};

// Position of the character at `byteOffset` (0-based) in UTF-8 text; an offset at or past the
// end gives the position just after the last character.
TextPosition positionOfByte(QByteArrayView utf8, qsizetype byteOffset);

JsonCheck checkJsonText(const QString &text);

// Both fail with the same message as checkJsonText when the text is not JSON.
Result<QString> formatJsonText(const QString &text, int indent = 2);
Result<QString> minifyJsonText(const QString &text);

} // namespace ango::app
