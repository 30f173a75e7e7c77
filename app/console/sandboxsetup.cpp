#include "sandboxsetup.h"

#include "consolecontroller.h"
#include "panels/callback/callbackpanel.h"
#include "panels/config/configeditor.h"
#include "panels/mapping/classmapping.h"
#include "panels/mapping/classmappingmodel.h"
#include "panels/mapping/classmappingpanel.h"
#include "panels/preview/previewpanel.h"
#include "panels/run/runpanel.h"
#include "runtime/run.h"
#include "sandbox/samplemodel.h"

#include <QFileInfo>
#include <QSettings>

namespace ango::app {

using nlohmann::json;

bool prepareSandbox(const SandboxPanels &panels, bool force)
{
    const QString preparedKey = QStringLiteral("sandbox/prepared");
    if (!force && panels.settings.value(preparedKey, false).toBool()) {
        // A relaunch shows the image the Run panel still has chosen, as the window was left.
        if (const RunSource source = panels.run->source();
            source.kind == RunSource::Kind::LocalFile && QFileInfo::exists(source.filePath))
            panels.preview->loadImageFile(source.filePath);
        return false;
    }
    panels.settings.setValue(preparedKey, true);
    auto mapping = sandbox::sampleMapping();
    if (!mapping) {
        panels.run->setOutcome(mapping.error().message, false);
        return false;
    }
    QList<ClassMapping> classes;
    for (const json &entry : mapping->categorySchema)
        classes.push_back(
            {runtime::textField(entry, "modelClass"), runtime::textField(entry, "schemaId")});
    panels.mapping->setProjectId(QStringLiteral("sandbox"));
    if (auto tools = labelToolsFromJson(mapping->labelSet.value("tools", json::array())))
        panels.mapping->setLabelTools(*tools);
    panels.mapping->model()->setMappings(classes);
    if (panels.config->isEmpty() || force)
        panels.config->setConfigJson(QStringLiteral("{\n  \"threshold\": 0.5\n}"));
    panels.run->setLocalFile(sandbox::sampleImagePath());
    panels.preview->loadImageFile(sandbox::sampleImagePath());
    panels.callback->selectSample();
    if (auto made
        = panels.controller->useCallback(panels.callback->spec(), panels.callback->options());
        !made)
        panels.callback->setError(made.error().message);
    return true;
}

} // namespace ango::app
