#pragma once

#include <QString>
#include <QUrl>

namespace ango::app {

class ClassMappingPanel;
class ConsoleController;

// Loads a project's label set (its categorySchema tools) into the mapping panel, or says there
// why it could not. An answer for a project the panel no longer shows is dropped.
void loadLabelSet(ConsoleController *controller, ClassMappingPanel *mapping, const QUrl &apiHost,
                  const QString &apiKey, const QString &projectId);

} // namespace ango::app
