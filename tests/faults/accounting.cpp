#include "accounting.h"

#include <QDebug>

namespace ango::test {

QString Tally::summary() const
{
    return QStringLiteral("sent %1, answered %2, lost %3, duplicated %4 (error responses %5)")
        .arg(sent)
        .arg(answered)
        .arg(lost)
        .arg(duplicated)
        .arg(errors);
}

Answers responsesAtHub(const NodeHub &hub, const std::string &prefix)
{
    Answers answers;
    for (const auto &record : hub.records()) {
        if (record.value("type", "") != "response")
            continue;
        const auto payload = record.find("payload");
        if (payload == record.end() || !payload->is_object())
            continue;
        const auto session = payload->find("session");
        if (session == payload->end() || !session->is_string())
            continue;
        const std::string name = session->get<std::string>();
        if (name.rfind(prefix, 0) != 0)
            continue;
        ++answers.count[name];
        if (payload->value("error", false) == true)
            answers.errors.insert(name);
    }
    return answers;
}

Tally tally(const std::vector<std::string> &sessions, const Answers &answers)
{
    Tally tally;
    std::unordered_set<std::string> sent;
    for (const auto &session : sessions) {
        if (!sent.insert(session).second)
            continue; // a session the hub sent twice is still one question
        ++tally.sent;
        const auto it = answers.count.find(session);
        const int count = it == answers.count.end() ? 0 : it->second;
        if (count == 0) {
            ++tally.lost;
            tally.lostSessions.push_back(session);
            continue;
        }
        ++tally.answered;
        if (count > 1) {
            tally.duplicated += count - 1;
            tally.duplicatedSessions.push_back(session);
        }
        if (answers.errors.contains(session)) {
            ++tally.errors;
            tally.errorSessions.push_back(session);
        }
    }
    for (const auto &[session, count] : answers.count) {
        if (!sent.contains(session)) {
            tally.duplicated += count;
            tally.duplicatedSessions.push_back(session);
        }
    }
    return tally;
}

void printSummary(const char *name, const Tally &tally)
{
    qInfo().noquote()
        << QStringLiteral("faults: %1: %2").arg(QString::fromUtf8(name), tally.summary());
}

} // namespace ango::test
