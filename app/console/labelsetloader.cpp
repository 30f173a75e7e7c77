#include "labelsetloader.h"

#include "consolecontroller.h"
#include "panels/mapping/classmapping.h"
#include "panels/mapping/classmappingpanel.h"

#include <QCoreApplication>
#include <QPointer>

namespace ango::app {

using nlohmann::json;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ango::app::LabelSetLoader", text);
}

} // namespace

void loadLabelSet(ConsoleController *controller, ClassMappingPanel *mapping, const QUrl &apiHost,
                  const QString &apiKey, const QString &projectId)
{
    if (projectId.isEmpty() || apiKey.isEmpty()) {
        mapping->setLabelSetError(tr(
            "Enter the project ID here and your API key in the Run panel to load the label set"));
        return;
    }
    QPointer<ClassMappingPanel> panel(mapping);
    controller->fetchProject(apiHost, apiKey, projectId, [panel, projectId](Result<json> project) {
        if (!panel || panel->projectId() != projectId)
            return; // another project is shown by now
        if (!project) {
            panel->setLabelSetError(tr("project %1: %2").arg(projectId, project.error().message));
            return;
        }
        const json schema
            = project->is_object() ? project->value("categorySchema", json()) : json();
        const json tools = schema.is_object() ? schema.value("tools", json()) : json();
        auto parsed = labelToolsFromJson(tools.is_array() ? tools : json::array());
        if (!parsed) {
            panel->setLabelSetError(tr("project %1: %2").arg(projectId, parsed.error().message));
            return;
        }
        panel->setLabelTools(*parsed);
    });
}

} // namespace ango::app
