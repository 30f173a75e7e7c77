#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

// The flags of `ango-console eval` (see evalUsage()). Errors name the flag; the command exits 2.
namespace ango::app {

struct EvalOptions
{
    bool help = false;
    QString callbackSpec;
    QString cocoFile;
    QString exportFile; // an Ango project export instead of --coco
    QString imageDir;
    QString mappingFile;
    std::optional<QString> configJson;
    int concurrency = 4;
    QString outFile;
    std::optional<double> minMap;
    QString cacheDir;        // default: the user's cache folder; "" with --no-cache
    QString predictionsFile; // COCO results JSON
    QString labelImportFile; // Ango label-import body
    QString projectId;       // for the label-import body
    QString interpreter;     // python: interpreter
    int timeoutSeconds = 120;
    // A/B: a saved report as A, or B run with another callback and/or configJSON.
    QString baselineFile;
    QString compareCallbackSpec;
    std::optional<QString> compareConfigJson;
    // --project: a live project's assets through the REST API.
    QString project;
    QUrl apiHost;
    QString apiKey; // from ANGO_API_KEY or --api-key-file; never printed
    int maxPages = 200;
    bool comparing() const
    {
        return !baselineFile.isEmpty() || !compareCallbackSpec.isEmpty() || compareConfigJson;
    }
};

Result<EvalOptions> parseEvalArguments(const QStringList &arguments);
QString evalUsage();

} // namespace ango::app
