#pragma once

#include "classmapping.h"

class QSettings;

namespace ango::app {

// Class mappings (and the label set they were made against) saved per project. Only these
// typed values can be written, never free-form keys: no secret can end up in the settings file.
class MappingStore
{
public:
    struct Saved
    {
        QList<ClassMapping> mappings;
        QList<LabelTool> labelTools;
    };

    explicit MappingStore(QSettings *settings); // not owned; must outlive the store

    // An empty project id stands for local runs without a project.
    void save(const QString &projectId, const Saved &saved);
    Saved load(const QString &projectId) const;
    bool contains(const QString &projectId) const;
    void remove(const QString &projectId);
    // The project shown last, so that the next start shows its mapping again.
    void setLastProject(const QString &projectId);
    QString lastProject() const;

private:
    static QString groupFor(const QString &projectId);

    QSettings *m_settings = nullptr;
};

} // namespace ango::app
