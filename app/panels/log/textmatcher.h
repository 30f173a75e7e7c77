#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <array>

namespace ango::app {

// Case-insensitive substring search over UTF-8 bytes without decoding them: the log filter
// runs it over a million messages and details. ASCII needles use a Horspool skip table;
// other needles fall back to decoding and QString's case folding.
class TextMatcher
{
public:
    explicit TextMatcher(const QString &needle = {});

    bool isEmpty() const { return m_needle.isEmpty(); }
    bool matches(QByteArrayView haystack) const;
    bool matches(const QString &haystack) const;

private:
    QString m_needle;
    QByteArray m_lower; // ASCII needle, lower case
    bool m_ascii = true;
    std::array<quint16, 256> m_skip{};
};

} // namespace ango::app
