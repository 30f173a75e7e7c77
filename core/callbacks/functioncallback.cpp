#include "callbacks/functioncallback.h"

#include <exception>

namespace ango::callbacks {

FunctionCallback::FunctionCallback(SyncFunction function, QString description, QObject *parent)
    : Callback(parent)
    , m_sync(std::move(function))
    , m_description(std::move(description))
{}

FunctionCallback::FunctionCallback(AsyncFunction function, QString description, QObject *parent)
    : Callback(parent)
    , m_async(std::move(function))
    , m_description(std::move(description))
{}

void FunctionCallback::invoke(Call call, Done done)
{
    // The function is the author's code: an exception from it is a failed run, not a crash.
    try {
        if (m_async) {
            m_async(std::move(call), std::move(done));
            return;
        }
        if (!m_sync) {
            done(makeError(QStringLiteral("no function set")));
            return;
        }
        done(m_sync(call));
    } catch (const std::exception &e) {
        done(makeError(QStringLiteral("the callback threw: %1").arg(QString::fromUtf8(e.what()))));
    } catch (...) {
        done(makeError(QStringLiteral("the callback threw an unknown exception")));
    }
}

} // namespace ango::callbacks
