#include "runtime/run.h"

namespace ango::runtime {

CheckedResult checkResult(const nlohmann::json &result, const nlohmann::json &categorySchema,
                          std::optional<QSize> imageSize)
{
    CheckedResult checked;
    auto answer = annotation::normalize(result);
    if (!answer) {
        checked.error = answer.error().message;
        checked.problems.push_back(
            annotation::Problem{"", checked.error, annotation::Severity::Error});
        return checked;
    }
    checked.problems
        = annotation::validate(*answer, annotation::ValidationContext{categorySchema, imageSize});
    checked.answer = std::move(answer.value());
    return checked;
}

QString textField(const nlohmann::json &object, const char *key)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                 : QString();
}

nlohmann::json categorySchemaOf(const nlohmann::json &request)
{
    if (!request.is_object())
        return nullptr;
    const auto it = request.find("categorySchema");
    return it == request.end() ? nlohmann::json() : *it;
}

} // namespace ango::runtime
