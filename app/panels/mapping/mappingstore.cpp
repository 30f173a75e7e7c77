#include "mappingstore.h"

#include <QSettings>
#include <QUrl>

namespace ango::app {

namespace {

const QString kMappingsKey = QStringLiteral("mappings");
const QString kLabelToolsKey = QStringLiteral("labelTools");

nlohmann::json parseStored(const QVariant &value)
{
    const QByteArray text = value.toString().toUtf8();
    try {
        return nlohmann::json::parse(text.cbegin(), text.cend());
    } catch (const nlohmann::json::exception &) {
        return nlohmann::json::array(); // a damaged entry loads as empty, not as an error dialog
    }
}

QString stringMember(const nlohmann::json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                 : QString();
}

} // namespace

MappingStore::MappingStore(QSettings *settings)
    : m_settings(settings)
{}

QString MappingStore::groupFor(const QString &projectId)
{
    // Percent-encoding keeps '/' (a QSettings group separator) and friends out of the key.
    const QString id = projectId.isEmpty()
                           ? QStringLiteral("_local")
                           : QString::fromLatin1(QUrl::toPercentEncoding(projectId));
    return QStringLiteral("classMapping/") + id;
}

void MappingStore::save(const QString &projectId, const Saved &saved)
{
    m_settings->beginGroup(groupFor(projectId));
    m_settings->setValue(kMappingsKey,
                         QString::fromStdString(mappingsToJson(saved.mappings).dump()));
    m_settings->setValue(kLabelToolsKey,
                         QString::fromStdString(labelToolsToJson(saved.labelTools).dump()));
    m_settings->endGroup();
}

MappingStore::Saved MappingStore::load(const QString &projectId) const
{
    Saved saved;
    m_settings->beginGroup(groupFor(projectId));
    const nlohmann::json mappings = parseStored(m_settings->value(kMappingsKey));
    const nlohmann::json tools = parseStored(m_settings->value(kLabelToolsKey));
    m_settings->endGroup();

    if (mappings.is_array()) {
        for (const nlohmann::json &item : mappings) {
            if (!item.is_object())
                continue;
            ClassMapping mapping;
            mapping.modelClass = stringMember(item, "modelClass");
            mapping.schemaId = stringMember(item, "schemaId");
            if (!mapping.modelClass.isEmpty())
                saved.mappings.append(mapping);
        }
    }
    if (Result<QList<LabelTool>> parsed = labelToolsFromJson(tools))
        saved.labelTools = *parsed;
    return saved;
}

bool MappingStore::contains(const QString &projectId) const
{
    return m_settings->contains(groupFor(projectId) + u'/' + kMappingsKey);
}

void MappingStore::remove(const QString &projectId)
{
    m_settings->remove(groupFor(projectId));
}

// Outside the classMapping group: no project's group can collide with it.
void MappingStore::setLastProject(const QString &projectId)
{
    m_settings->setValue(QStringLiteral("classMappingLastProject"), projectId);
}

QString MappingStore::lastProject() const
{
    return m_settings->value(QStringLiteral("classMappingLastProject")).toString();
}

} // namespace ango::app
