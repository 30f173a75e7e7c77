#include "textmatcher.h"

namespace ango::app {

namespace {

constexpr char lowerAscii(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}

} // namespace

TextMatcher::TextMatcher(const QString &needle)
    : m_needle(needle)
{
    for (QChar c : needle) {
        if (c.unicode() >= 0x80) {
            m_ascii = false;
            break;
        }
    }
    if (!m_ascii || needle.isEmpty())
        return;
    m_lower = needle.toLatin1();
    for (char &c : m_lower)
        c = lowerAscii(c);
    const qsizetype m = m_lower.size();
    const quint16 full = quint16(std::min<qsizetype>(m, 0xFFFF));
    m_skip.fill(full);
    for (qsizetype i = 0; i + 1 < m; ++i) {
        const auto c = static_cast<unsigned char>(m_lower[i]);
        const auto shift = quint16(m - 1 - i);
        m_skip[c] = shift;
        if (c >= 'a' && c <= 'z')
            m_skip[c - ('a' - 'A')] = shift;
    }
}

bool TextMatcher::matches(QByteArrayView haystack) const
{
    if (m_needle.isEmpty())
        return true;
    if (!m_ascii)
        return QString::fromUtf8(haystack).contains(m_needle, Qt::CaseInsensitive);
    const qsizetype m = m_lower.size();
    const qsizetype n = haystack.size();
    const char *text = haystack.data();
    const char *needle = m_lower.constData();
    for (qsizetype pos = 0; pos + m <= n;) {
        const char last = text[pos + m - 1];
        if (lowerAscii(last) == needle[m - 1]) {
            qsizetype j = m - 2;
            while (j >= 0 && lowerAscii(text[pos + j]) == needle[j])
                --j;
            if (j < 0)
                return true;
        }
        pos += m_skip[static_cast<unsigned char>(last)];
    }
    return false;
}

bool TextMatcher::matches(const QString &haystack) const
{
    return m_needle.isEmpty() || haystack.contains(m_needle, Qt::CaseInsensitive);
}

} // namespace ango::app
