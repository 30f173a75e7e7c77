#include "profile/jsonproblems.h"

#include <algorithm>
#include <vector>

namespace ango::profile::detail {

namespace {

constexpr qsizetype kMaxDescribedLength = 60;

qsizetype editDistance(const QString &a, const QString &b)
{
    std::vector<qsizetype> previous(size_t(b.size()) + 1);
    std::vector<qsizetype> current(size_t(b.size()) + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        previous[size_t(j)] = j;
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const qsizetype substitution = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            current[size_t(j)] = std::min({previous[size_t(j)] + 1, current[size_t(j - 1)] + 1,
                                           previous[size_t(j - 1)] + substitution});
        }
        std::swap(previous, current);
    }
    return previous[size_t(b.size())];
}

} // namespace

void Problems::add(const QString &path, const QString &message)
{
    m_lines << path + QStringLiteral(": ") + message;
}

Error Problems::toError() const
{
    return makeError(m_lines.join(QLatin1Char('\n')));
}

QString describe(const nlohmann::ordered_json &value)
{
    if (value.is_object())
        return QStringLiteral("an object");
    if (value.is_array())
        return QStringLiteral("an array");
    QString text = QString::fromStdString(
        value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    if (text.size() > kMaxDescribedLength) {
        text.truncate(kMaxDescribedLength - 1);
        text += QStringLiteral("…");
        if (value.is_string())
            text += QLatin1Char('"');
    }
    return text;
}

QString closestKey(const QString &key, const QStringList &known)
{
    QString best;
    qsizetype bestDistance = 3;
    for (const QString &candidate : known) {
        const qsizetype distance = editDistance(key.toLower(), candidate.toLower());
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return best;
}

} // namespace ango::profile::detail
