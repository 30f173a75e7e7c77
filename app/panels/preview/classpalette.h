#pragma once

#include <QColor>
#include <QHash>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

// Which class an object belongs to, what that class is called and which colour draws it.
namespace ango::app {

struct ClassInfo
{
    QString key;  // the schemaId (or "title:<title>" for objects that name their class by title)
    QString name; // shown in labels and the class list
    QColor color; // invalid: a stable colour derived from the key
};

// Reads the names (and colours) of classes from any of the shapes a mapping arrives in:
// the plugin's categorySchema [{"schemaId", "modelClass"}], a project label set's tools
// [{"schemaId", "title", "color"}] or {"tools": [...]}, or the sandbox mapping file
// {"categorySchema": [...], "labelSet": {"tools": [...]}}. Unknown shapes give an empty list.
QList<ClassInfo> classesFromMapping(const nlohmann::json &mapping);

class ClassPalette
{
public:
    void setClasses(const QList<ClassInfo> &classes);

    // The class key of an answer object: its schemaId, else its title, else empty (unmapped).
    static QString keyOf(const nlohmann::json &object);

    QString nameOf(const QString &key) const;
    QColor colorOf(const QString &key) const;

    // The same key gets the same colour in every run, so users learn the colours of their classes.
    static QColor stableColor(const QString &key);

private:
    QHash<QString, ClassInfo> m_classes;
};

} // namespace ango::app
