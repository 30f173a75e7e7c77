#include "callbacks/adapters/commandline.h"

namespace ango::callbacks::adapters {

Result<QStringList> splitShellWords(const QString &command)
{
    QStringList words;
    QString word;
    bool inWord = false; // '' makes an empty word: presence, not content, decides
    enum class Quote { None, Single, Double } quote = Quote::None;
    for (qsizetype i = 0; i < command.size(); ++i) {
        const QChar c = command.at(i);
        switch (quote) {
        case Quote::Single:
            if (c == u'\'')
                quote = Quote::None;
            else
                word += c;
            continue;
        case Quote::Double:
            if (c == u'"') {
                quote = Quote::None;
            } else if (c == u'\\' && i + 1 < command.size()
                       && QStringView(u"\"\\$`\n").contains(command.at(i + 1))) {
                if (command.at(++i) != u'\n')
                    word += command.at(i);
            } else {
                word += c;
            }
            continue;
        case Quote::None:
            break;
        }
        if (c == u' ' || c == u'\t' || c == u'\n') {
            if (inWord)
                words << std::exchange(word, QString());
            inWord = false;
            continue;
        }
        inWord = true;
        if (c == u'\'') {
            quote = Quote::Single;
        } else if (c == u'"') {
            quote = Quote::Double;
        } else if (c == u'\\') {
            if (++i == command.size())
                return makeError(
                    QStringLiteral("the command ends in a lone backslash: %1").arg(command));
            if (command.at(i) != u'\n')
                word += command.at(i);
        } else {
            word += c;
        }
    }
    if (quote != Quote::None)
        return makeError(
            QStringLiteral("the command has an unterminated %1 quote: %2")
                .arg(quote == Quote::Single ? QStringLiteral("single") : QStringLiteral("double"),
                     command));
    if (inWord)
        words << word;
    return words;
}

} // namespace ango::callbacks::adapters
