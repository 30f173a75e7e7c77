#pragma once

#include <QColor>
#include <QHash>
#include <QIcon>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

// Which class an object belongs to, what that class is called and which colour draws it.
namespace ango::app {

struct ClassInfo
{
    QString key;   // the schemaId (or "title:<title>" for objects that name their class by title)
    QString name;  // shown in labels and the class list
    QColor color;  // invalid: a stable colour derived from the key
    QString label; // the label-set tool's title, when known ("Car")
};

// Reads the names (and colours) of classes from any of the shapes a mapping arrives in:
// the plugin's categorySchema [{"schemaId", "modelClass"}], a project label set's tools
// [{"schemaId", "title", "color"}] or {"tools": [...]}, or the sandbox mapping file
// {"categorySchema": [...], "labelSet": {"tools": [...]}}. Unknown shapes give an empty list.
QList<ClassInfo> classesFromMapping(const nlohmann::json &mapping);

// What the class mapping says, for the preview: one class per mapped schemaId, named by the
// model class(es) mapped to it and the label's title ("car (Car)", "redbox / house (House)"),
// coloured with the label's colour (the mapping panel's swatch) or, without one, stableColor().
// `labelTools` is a label set's tools array [{"schemaId", "title", "color"}] (may be empty).
QList<ClassInfo> classesOfMapping(const nlohmann::json &categorySchema,
                                  const nlohmann::json &labelTools);

// A class's swatch in lists: a 12 px square of its colour, also when its row is selected.
QIcon swatchIcon(const QColor &color);

class ClassPalette
{
public:
    void setClasses(const QList<ClassInfo> &classes);

    // The class key of an answer object: its schemaId, else its title, else empty (unmapped).
    static QString keyOf(const nlohmann::json &object);

    QString nameOf(const QString &key) const;
    // The label-set tool's title of a class ("Car"); empty when the mapping does not say.
    QString labelOf(const QString &key) const;
    // The name of one object: its own model class when the answer names it ("modelClass"), with
    // its class's label ("redbox (House)"), else the name of its class.
    QString objectName(const nlohmann::json &object) const;
    QColor colorOf(const QString &key) const;

    // The same key gets the same colour in every run, so users learn the colours of their classes.
    static QColor stableColor(const QString &key);

private:
    QHash<QString, ClassInfo> m_classes;
};

} // namespace ango::app
