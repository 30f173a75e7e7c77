#include "callbacks/callbackfactory.h"

#include "callbacks/democallback.h"

#include <QMap>

namespace ango::callbacks {

namespace {

QMap<QString, CallbackMaker> &registry()
{
    static QMap<QString, CallbackMaker> kinds = [] {
        QMap<QString, CallbackMaker> builtIn;
        builtIn.insert(
            QStringLiteral("demo"),
            [](const QString &argument, const QVariantMap &) -> Result<std::unique_ptr<Callback>> {
                if (!argument.isEmpty())
                    return makeError(
                        QStringLiteral("the demo callback takes no argument (got \"%1\")")
                            .arg(argument));
                return std::unique_ptr<Callback>(std::make_unique<DemoCallback>());
            });
        return builtIn;
    }();
    return kinds;
}

} // namespace

void registerCallbackKind(const QString &kind, CallbackMaker maker)
{
    registry().insert(kind.toLower(), std::move(maker));
}

QStringList callbackKinds()
{
    return registry().keys();
}

Result<std::unique_ptr<Callback>> createCallback(const QString &spec, const QVariantMap &options)
{
    const QString trimmed = spec.trimmed();
    if (trimmed.isEmpty())
        return makeError(QStringLiteral("empty callback spec (known kinds: %1)")
                             .arg(callbackKinds().join(QStringLiteral(", "))));
    const qsizetype colon = trimmed.indexOf(QLatin1Char(':'));
    const QString kind = (colon < 0 ? trimmed : trimmed.left(colon)).toLower();
    QString argument = colon < 0 ? QString() : trimmed.mid(colon + 1);
    if (kind == QLatin1String("http") || kind == QLatin1String("https"))
        argument = trimmed;
    const auto maker = registry().constFind(kind);
    if (maker == registry().constEnd())
        return makeError(QStringLiteral("unknown callback kind \"%1\" in \"%2\" (known kinds: %3)")
                             .arg(kind, trimmed, callbackKinds().join(QStringLiteral(", "))));
    return (*maker)(argument, options);
}

} // namespace ango::callbacks
