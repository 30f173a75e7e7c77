#include "annotation/annotation.h"
#include "annotation/jsonwords.h"

#include <array>

using nlohmann::json;

namespace ango::annotation {

using detail::describe;
using detail::index;
using detail::member;

namespace {

constexpr std::array kListKeys{"objects", "tools", "classifications", "relations"};

Error typeError(const std::string &path, const QString &expected, const json &actual)
{
    return Error::of(QString::fromStdString(path) + u": must be " + expected + u", but it is "
                     + describe(actual) + u'.');
}

// Appends the items of owner[key] to out. A missing list or null (Python's None) adds nothing;
// every item must be an object, the only shape the Hub reads.
std::optional<Error> appendList(const json &owner, const char *key, const std::string &ownerPath,
                                json &out)
{
    const auto it = owner.find(key);
    if (it == owner.end() || it->is_null())
        return std::nullopt;
    const std::string path = member(ownerPath, key);
    if (!it->is_array())
        return typeError(path, QStringLiteral("a list"), *it);
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json &item = (*it)[i];
        if (!item.is_object())
            return typeError(index(path, i), QStringLiteral("an object"), item);
        out.push_back(item);
    }
    return std::nullopt;
}

// "tools" is what task answers and exports call "objects"; both are read, objects first.
std::optional<Error> readLists(const json &owner, const std::string &ownerPath, Answer &answer)
{
    for (const char *key : {"objects", "tools"}) {
        if (auto error = appendList(owner, key, ownerPath, answer.objects))
            return error;
    }
    if (auto error = appendList(owner, "classifications", ownerPath, answer.classifications))
        return error;
    return appendList(owner, "relations", ownerPath, answer.relations);
}

std::optional<Error> readOptionalString(const json &owner, const char *key,
                                        std::optional<std::string> &out)
{
    const auto it = owner.find(key);
    if (it == owner.end() || it->is_null())
        return std::nullopt;
    if (!it->is_string())
        return typeError(key, QStringLiteral("text"), *it);
    out = it->get<std::string>();
    return std::nullopt;
}

} // namespace

json Answer::toJson() const
{
    return json{
        {"objects", objects}, {"classifications", classifications}, {"relations", relations}};
}

Result<Answer> normalize(const json &result)
{
    if (!result.is_object())
        return Error::of(u"The result must be a JSON object with objects, classifications and "
                         u"relations, but it is "
                         + describe(result) + u'.');

    Answer answer;
    if (auto error = readOptionalString(result, "externalId", answer.externalId))
        return *error;
    if (auto error = readOptionalString(result, "data", answer.dataUrl))
        return *error;

    const auto wrapped = result.find("answer");
    if (wrapped == result.end()) {
        // Without "answer" the whole return is the answer (imerit 1.2.2+); externalId or data
        // make it an import-style record, as the v3 samples return.
        answer.source
            = (answer.externalId || answer.dataUrl) ? SourceShape::V3Flat : SourceShape::Newest;
        if (auto error = readLists(result, {}, answer))
            return *error;
        return answer;
    }

    answer.source = SourceShape::V2Wrapped;
    // The older SDKs read only result["answer"]: lists beside it would be dropped without a word.
    for (const char *key : kListKeys) {
        if (result.contains(key))
            return Error::of(QString::fromLatin1(key)
                             + u": is next to \"answer\", where the SDK never reads it; put it "
                               u"inside \"answer\".");
    }
    if (wrapped->is_null())
        return answer;
    if (!wrapped->is_object())
        return typeError("answer", QStringLiteral("an object"), *wrapped);
    if (auto error = readLists(*wrapped, "answer", answer))
        return *error;
    return answer;
}

} // namespace ango::annotation
