#pragma once

#include "nodehub.h"

#include <QString>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// Accounting by session: the sessions a test sent against every `response` the hub received
// (over all its lifetimes). A session is answered when it got at least one response, lost when
// it got none, and each response beyond the first is a duplicate; a response for a session that
// was never sent counts as a duplicate too (it answers nothing that was asked).
namespace ango::test {

struct Tally
{
    int sent = 0;
    int answered = 0;
    int lost = 0;
    int duplicated = 0;
    int errors = 0; // sessions whose (single) answer is an error response
    std::vector<std::string> lostSessions;
    std::vector<std::string> duplicatedSessions;
    std::vector<std::string> errorSessions;

    // "sent N, answered N, lost N, duplicated N" (+ the error responses), as the suite prints it.
    QString summary() const;
};

// How often each session was answered, and which sessions were answered with an error.
struct Answers
{
    std::unordered_map<std::string, int> count;
    std::unordered_set<std::string> errors;
};

// The `response` events the hub received whose session starts with `prefix` (so that a case's
// own markers do not count).
Answers responsesAtHub(const NodeHub &hub, const std::string &prefix);

Tally tally(const std::vector<std::string> &sessions, const Answers &answers);

// qInfo()s "faults: <name>: sent N, answered N, lost N, duplicated N ...".
void printSummary(const char *name, const Tally &tally);

} // namespace ango::test
