#include "runtime/pendingstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>

namespace ango::runtime {

namespace {

constexpr int kFormatVersion = 1;

QString str(const nlohmann::json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                 : QString();
}

} // namespace

nlohmann::json PendingResult::toJson() const
{
    return {{"id", id.toStdString()},
            {"session", session.toStdString()},
            {"sessionValue", sessionValue},
            {"workflow", workflow},
            {"taskId", taskId.toStdString()},
            {"projectId", projectId.toStdString()},
            {"orgId", orgId.toStdString()},
            {"runBy", runBy.toStdString()},
            {"request", request},
            {"result", result},
            {"problems", problems},
            {"heldAt", heldAt.toUTC().toString(Qt::ISODateWithMs).toStdString()},
            {"lastError", lastError.toStdString()}};
}

Result<PendingResult> PendingResult::fromJson(const nlohmann::json &value)
{
    if (!value.is_object())
        return makeError(QStringLiteral("a pending entry is not an object"));
    PendingResult item;
    try {
        item.id = str(value, "id");
        item.session = str(value, "session");
        if (item.id.isEmpty() || item.session.isEmpty())
            return makeError(QStringLiteral("a pending entry has no id or session"));
        item.sessionValue = value.value("sessionValue", nlohmann::json(item.session.toStdString()));
        item.workflow = value.value("workflow", false);
        item.taskId = str(value, "taskId");
        item.projectId = str(value, "projectId");
        item.orgId = str(value, "orgId");
        item.runBy = str(value, "runBy");
        item.request = value.value("request", nlohmann::json::object());
        item.result = value.value("result", nlohmann::json());
        item.problems = value.value("problems", nlohmann::json::array());
        item.heldAt = QDateTime::fromString(str(value, "heldAt"), Qt::ISODateWithMs);
        item.lastError = str(value, "lastError");
    } catch (const nlohmann::json::exception &e) {
        return makeError(
            QStringLiteral("a pending entry is malformed: %1").arg(QString::fromUtf8(e.what())));
    }
    return item;
}

PendingStore::PendingStore(QString path)
    : m_path(std::move(path))
{}

const PendingResult *PendingStore::find(const QString &id) const
{
    const auto it = std::find_if(m_items.cbegin(), m_items.cend(),
                                 [&id](const PendingResult &item) { return item.id == id; });
    return it == m_items.cend() ? nullptr : &*it;
}

Result<void> PendingStore::load()
{
    m_items.clear();
    m_onDisk.clear();
    if (m_path.isEmpty() || !QFileInfo::exists(m_path))
        return {};
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read the pending results in %1: %2")
                             .arg(m_path, file.errorString()));
    const QByteArray bytes = file.readAll();
    file.close();

    QString problem;
    try {
        const auto document = nlohmann::json::parse(bytes.constBegin(), bytes.constEnd());
        if (!document.is_object() || !document.contains("pending")
            || !document["pending"].is_array()) {
            problem = QStringLiteral("it has no \"pending\" list");
        } else {
            for (const auto &entry : document["pending"]) {
                auto item = PendingResult::fromJson(entry);
                if (!item) {
                    problem = item.error().message;
                    break;
                }
                m_onDisk.insert(item->id);
                m_items.append(std::move(item.value()));
            }
        }
    } catch (const nlohmann::json::exception &e) {
        problem = QString::fromUtf8(e.what());
    }
    if (problem.isEmpty())
        return {};

    m_items.clear();
    m_onDisk.clear();
    const QString aside = m_path + QStringLiteral(".corrupt");
    QFile::remove(aside);
    const bool moved = QFile::rename(m_path, aside);
    return makeError(QStringLiteral("the pending results file %1 is unreadable (%2); %3")
                         .arg(m_path, problem,
                              moved ? QStringLiteral("it was moved to %1").arg(aside)
                                    : QStringLiteral("it could not be moved aside either")));
}

Result<void> PendingStore::save()
{
    if (m_path.isEmpty())
        return {};
    nlohmann::json list = nlohmann::json::array();
    for (const auto &item : std::as_const(m_items))
        if (!item.local)
            list.push_back(item.toJson());
    const std::string text = nlohmann::json{{"version", kFormatVersion}, {"pending", list}}.dump(2);

    const QFileInfo info(m_path);
    QDir().mkpath(info.absolutePath());
    QSaveFile file(m_path);
    QString error;
    if (!file.open(QIODevice::WriteOnly))
        error = file.errorString();
    else if (file.write(text.data(), qint64(text.size())) != qint64(text.size()))
        error = file.errorString();
    else if (!file.commit())
        error = file.errorString();
    if (!error.isEmpty()) {
        file.cancelWriting();
        m_lastWriteError
            = QStringLiteral("cannot write the pending results to %1: %2").arg(m_path, error);
        return makeError(m_lastWriteError);
    }
    m_lastWriteError.clear();
    m_onDisk.clear();
    for (const auto &item : std::as_const(m_items))
        if (!item.local)
            m_onDisk.insert(item.id);
    return {};
}

Result<void> PendingStore::add(PendingResult item)
{
    m_items.append(std::move(item));
    return save();
}

Result<PendingResult> PendingStore::take(const QString &id)
{
    const auto it = std::find_if(m_items.begin(), m_items.end(),
                                 [&id](const PendingResult &item) { return item.id == id; });
    if (it == m_items.end())
        return makeError(
            QStringLiteral("no pending result with id %1 (already delivered or discarded?)")
                .arg(id));
    const qsizetype index = it - m_items.begin();
    PendingResult item = m_items.takeAt(index);
    if (auto saved = save(); !saved && m_onDisk.contains(id)) {
        m_items.insert(index, item);
        return makeError(
            saved.error().message
            + QStringLiteral("; the result stays pending so that it is not delivered twice "
                             "after a restart"));
    }
    return item;
}

Result<void> PendingStore::restore(PendingResult item)
{
    const auto at
        = std::find_if(m_items.begin(), m_items.end(),
                       [&item](const PendingResult &other) { return other.heldAt > item.heldAt; });
    m_items.insert(at, std::move(item));
    return save();
}

Result<PendingResult> PendingStore::replaceResult(const QString &id, nlohmann::json result)
{
    const auto it = std::find_if(m_items.begin(), m_items.end(),
                                 [&id](const PendingResult &item) { return item.id == id; });
    if (it == m_items.end())
        return makeError(QStringLiteral("no pending result with id %1").arg(id));
    it->result = std::move(result);
    if (auto saved = save(); !saved)
        return saved.error();
    return *it;
}

} // namespace ango::runtime
