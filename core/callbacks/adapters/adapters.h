#pragma once

#include "callbacks/callback.h"

#include <QVariantMap>

#include <memory>

// The adapters that run the author's own code, as callback kinds of the factory:
//   python:PATH[:FUNCTION]   the SDK script, unmodified (pythoncallback.h)
//   exec:COMMAND             a program speaking JSON lines (execworker.h)
//   http:URL, http://…, https://…   an HTTP endpoint (httpcallback.h)
// Options read from the factory's QVariantMap:
//   "concurrency" int        python/exec: worker processes (default 1)
//   "interpreter" string     python: interpreter path or command line (default "python3")
//   "reload" bool            python: restart the interpreters when the script file changes
//   "apiHost" string/QUrl    python: the API host the shim's SDK talks to
//   "workingDirectory" string  python: default the script's folder; exec: the current folder
//   "environment" map        python/exec: variables added to the environment
//   "bridgeDir" string       python: where ango_bridge.py is (default bridgeDirectory())
//   "timeoutMs" int          http: a transfer timeout of our own (default none)
//   "maxResultBytes" int     all three: the largest result accepted, serialised (default
//                            kDefaultMaxResultBytes, 64 MiB); a larger one is an error
namespace ango::callbacks::adapters {

// Registers python, exec, http and https with registerCallbackKind(). Call once at start-up,
// before the first createCallback().
void registerAdapterKinds();

Result<std::unique_ptr<Callback>> makePythonCallback(const QString &argument,
                                                     const QVariantMap &options);
Result<std::unique_ptr<Callback>> makeExecCallback(const QString &argument,
                                                   const QVariantMap &options);
Result<std::unique_ptr<Callback>> makeHttpCallback(const QString &argument,
                                                   const QVariantMap &options);

// "PATH[:FUNCTION]": FUNCTION is split off when it is a (dotted) Python identifier.
std::pair<QString, QString> splitScriptAndFunction(const QString &argument);

} // namespace ango::callbacks::adapters
