#pragma once

#include "callbacks/callback.h"

#include <QStringList>
#include <QVariantMap>

#include <functional>
#include <memory>

// Turns a callback spec from the command line or the GUI ("demo", "python:model.py",
// "exec:./model", "http://localhost:9000/predict") into a Callback. "demo" is built in; adapters
// add their kinds with registerCallbackKind() before the first createCallback().
namespace ango::callbacks {

// `argument` is what follows "kind:" ("" for a bare kind); `options` carries adapter settings
// (working directory, worker count, ...) the adapter documents.
using CallbackMaker = std::function<Result<std::unique_ptr<Callback>>(const QString &argument,
                                                                      const QVariantMap &options)>;

// Later registrations of the same kind replace earlier ones. Not thread-safe: call at start-up.
void registerCallbackKind(const QString &kind, CallbackMaker maker);
QStringList callbackKinds();

// Errors name the spec and the known kinds. For the kind "http"/"https" the whole URL is the
// argument (a spec "http://host/path" reaches the maker as "http://host/path").
Result<std::unique_ptr<Callback>> createCallback(const QString &spec,
                                                 const QVariantMap &options = {});

} // namespace ango::callbacks
