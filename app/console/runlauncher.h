#pragma once

#include "common/result.h"

#include <QObject>
#include <QUrl>

#include <nlohmann/json.hpp>

namespace ango::app {

class ConsoleController;
struct RunSource;

// What the console's own runs carry besides the image: the window's mapping and configJSON,
// and the API host assets are looked up on.
struct RunSettings
{
    nlohmann::json categorySchema;
    QString configJson; // empty: none
    QString projectId;  // the mapping's project, when the Run panel names none
    QUrl apiHost;
};

// Starts the console's runs from the Run panel's choice: a local image at once, a project asset
// after looking it up (as the hub would send it: its file URL and ids in the payload). It also
// fetches the image a run's request names, a later request winning over an earlier one. No
// widgets: the window shows what it reports.
class RunLauncher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunLauncher)

public:
    explicit RunLauncher(ConsoleController *controller, QObject *parent = nullptr);

    // The payload the hub would send for this source (ango-protocol.md §2.1).
    static nlohmann::json buildPayload(const RunSource &source, const RunSettings &settings,
                                       const QString &assetUrl);

    void start(const RunSource &source, const RunSettings &settings);
    // Stops the asset look-up or the callback of the run the console waits for.
    void cancel();

    // The image of a request payload: a local file, or fetched (its dataURL, else its asset).
    void loadImageOf(const nlohmann::json &payload, const QUrl &apiHost = {});
    // A newer image (chosen elsewhere) replaces whatever is still being fetched.
    void supersedeImage() { ++m_imageTicket; }

Q_SIGNALS:
    void lookUpStarted();
    void lookUpFailed(const QString &message);
    void lookUpCancelled();
    // The run started with this payload (its image is on its way through the image signals).
    void runStarted(const nlohmann::json &payload);
    void imageFileChosen(const QString &path);
    void imageFetched(const QByteArray &bytes);
    void imageFailed(const QString &message);

private:
    void lookUpAndRun(const RunSource &source, const RunSettings &settings);
    void runLookedUpAsset(const RunSource &source, const RunSettings &settings,
                          const nlohmann::json &asset);

    ConsoleController *m_controller;
    quint64 m_imageTicket = 0; // a later image fetch wins over an earlier one
    quint64 m_lookUps = 0;     // asset look-ups started so far
    quint64 m_lookUp = 0;      // the look-up the next run waits for; 0: none
};

} // namespace ango::app
