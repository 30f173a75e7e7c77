#pragma once

class QSettings;

namespace ango::app {

class CallbackPanel;
class ClassMappingPanel;
class ConfigEditor;
class ConsoleController;
class PreviewPanel;
class RunPanel;

// The panels the offline sandbox fills in.
struct SandboxPanels
{
    QSettings &settings;
    ConsoleController *controller;
    CallbackPanel *callback;
    ClassMappingPanel *mapping;
    ConfigEditor *config;
    RunPanel *run;
    PreviewPanel *preview;
};

// Sets up the offline sandbox (sample image, mapping, sample model) on the first launch, or
// always when forced (--sandbox-demo); a relaunch only shows the image the Run panel still has
// chosen. True when the mapping was set up (its classes are to be shown).
bool prepareSandbox(const SandboxPanels &panels, bool force);

} // namespace ango::app
