#pragma once

#include <QString>

#include <utility>
#include <variant>

// Errors travel as values. std::expected would do, but clang 14 (used for the libFuzzer build)
// cannot compile libstdc++ 12's <expected>, so this is the small subset the project needs.
namespace ango {

struct Error
{
    QString message;
    int status = 0; // HTTP status or protocol-specific code; 0 when not applicable

    static Error of(QString message, int status = 0) { return Error{std::move(message), status}; }
};

template<typename T = void>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error makeError(QString message, int status = 0)
{
    return Error{std::move(message), status};
}

} // namespace ango
