#pragma once

// Header only: the tests that open the console window link ango_app themselves; the support
// library stays free of widgets.
#include "mainwindow.h"
#include "sandbox/samplemodel.h"

#include <QCoreApplication>
#include <QSettings>
#include <QSize>
#include <QString>
#include <QTemporaryDir>

namespace ango::test {

// Settings, the pending store and anything else the window writes go below `home`, a folder the
// test throws away; the keychain is not used (the window keeps secrets in memory). Also makes the
// sandbox sample model available.
inline void useThrowAwaySettings(const QTemporaryDir &home, const QString &applicationName)
{
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("ango-console-test"));
    QCoreApplication::setApplicationName(applicationName);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       home.filePath(QStringLiteral("settings")));
    app::sandbox::registerSampleModel();
}

// A window on the sandbox, secrets for this session only, shown at `size`. The caller owns it
// and waits for it to be exposed (QVERIFY cannot return a value).
inline app::MainWindow *openSandboxWindow(QSize size)
{
    auto *window = new app::MainWindow(nullptr, app::MainWindow::SecretStorage::SessionOnly);
    window->prepareSandbox(true);
    window->resize(size);
    window->show();
    return window;
}

} // namespace ango::test
