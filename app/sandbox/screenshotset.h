#pragma once

#include <QDir>
#include <QObject>
#include <QSize>
#include <QString>
#include <QTemporaryDir>

#include <functional>
#include <vector>

namespace ango::app {

class MainWindow;

// --sandbox-demo --screenshot-set DIR: the pictures of the documentation, each taken from a real
// run in the offline sandbox (sample model, bundled image) as a user would produce it. The steps
// run one after another on the event loop; each ends by taking its picture or by failing, and a
// failure ends the set with exit code 1 and a line on stderr naming the picture.
class ScreenshotSet final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScreenshotSet)

public:
    ScreenshotSet(MainWindow &window, const QString &directory);
    ~ScreenshotSet() override;

    // The file names written, in order (tests check these).
    static QStringList fileNames();
    // The window sizes of the two main pictures.
    static QSize smallWindow() { return {1280, 800}; }
    static QSize largeWindow() { return {1920, 1080}; }
    static constexpr QSize kHugeImage{12000, 8000};

    void start();

private:
    using Step = std::function<void()>;
    void next();
    void fail(const QString &picture, const QString &reason);
    // Resizes the window, lets layout and painting settle over two turns of the event loop,
    // then saves window.grab() to `file`; the picture must have `size` when one is given.
    void shoot(const QString &file, QSize size = {});
    // Presses Run and continues with `then` when the run is on screen.
    void runThen(const QString &picture, Step then);

    void shootMainPictures();
    void shootLogTimeline();
    void shootMappingUnmapped();
    void shootConfigInvalid();
    void shootLocalHubConnected();
    void selectLogLine(const QString &text);
    void shootHugeImage();
    void shootReviewHeld();

    MainWindow &m_window;
    QDir m_directory;
    QTemporaryDir m_scratch;
    std::vector<Step> m_steps;
    size_t m_nextStep = 0;
    bool m_finished = false;
};

} // namespace ango::app
