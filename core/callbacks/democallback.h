#pragma once

#include "callbacks/callback.h"

#include <QHash>

class QTimer;

// The documented sample model plugin: no model, one bounding box (20, 30, 50×60) as a pre-label
// with the first mapped class, logged through the plugin logger as the sample does.
//
// For demonstrations and end-to-end tests the request's configJSON may hold a "demo" object:
//   "delayMs": simulated model latency, "error": fail with this message, "result": return this
//   value instead of the box. Without it the behaviour is exactly the sample's.
namespace ango::callbacks {

class DemoCallback final : public Callback
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoCallback)

public:
    explicit DemoCallback(QObject *parent = nullptr);
    ~DemoCallback() override;

    QString describe() const override { return QStringLiteral("demo (one bounding box)"); }
    void invoke(Call call, Done done) override;
    void cancel(quint64 callId) override;

    // The sample's answer for a categorySchema (null, absent or a list of {schemaId, modelClass}).
    static nlohmann::json sampleResult(const nlohmann::json &categorySchema);

private:
    void finish(const Call &call, const Done &done, const nlohmann::json &knobs);

    QHash<quint64, QTimer *> m_delayed;
};

} // namespace ango::callbacks
