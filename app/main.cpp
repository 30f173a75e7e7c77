#include "mainwindow.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ango-console"));
    QApplication::setApplicationName(QStringLiteral("Ango Plugin Console"));
    QApplication::setApplicationVersion(QStringLiteral(ANGO_VERSION));

    ango::app::MainWindow window;
    window.show();
    return app.exec();
}
