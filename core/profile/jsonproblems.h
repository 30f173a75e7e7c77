#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

// What the profile parser collects: one line per problem, "path: message", so that a user fixes
// every mistake of a file in one go instead of one per run.
namespace ango::profile::detail {

class Problems
{
public:
    void add(const QString &path, const QString &message);
    bool isEmpty() const { return m_lines.isEmpty(); }
    const QStringList &lines() const { return m_lines; }
    Error toError() const;

private:
    QStringList m_lines;
};

// How a found value reads in a message: strings quoted as in JSON ("eight"), numbers and
// booleans as written, containers by kind ("an object"); long strings are cut.
QString describe(const nlohmann::ordered_json &value);

// The known key a misspelt one most likely meant (same letters ignoring case, or at most two
// edits away); empty when none is close.
QString closestKey(const QString &key, const QStringList &known);

} // namespace ango::profile::detail
