#include "mainwindow.h"

namespace ango::app {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Ango Plugin Console"));
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

} // namespace ango::app
