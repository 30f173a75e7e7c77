#pragma once

#include "profile/profile.h"
#include "runtime/runtimetypes.h"

#include <QString>
#include <QVariantMap>

#include <nlohmann/json.hpp>

namespace ango::app {

struct ConnectionProfile;

// What the console is set up with, as the profile `ango-console run --profile FILE` reads.
struct ConsoleSetup
{
    const ConnectionProfile &connection;
    QString callbackSpec;
    QVariantMap callbackOptions; // "interpreter" for python: callbacks
    nlohmann::json categorySchema;
    QString configJson; // the editor's exact text
    runtime::ReviewPolicy review = runtime::ReviewPolicy::Auto;
};

// The secret is never exported: the profile refers to ANGO_PLUGIN_SECRET, which is how the
// headless runner is given it on a server (systemd EnvironmentFile=, a Kubernetes Secret).
// The sandbox's "sample" model exists only in the console, so it is exported as "demo".
profile::Profile profileFromSetup(const ConsoleSetup &setup);

} // namespace ango::app
