#pragma once

#include "common/result.h"
#include "logging/logentry.h"

#include <QMap>
#include <QProcessEnvironment>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cmath>

// The flag syntax of the headless subcommands (`ango-console run`, `ango-console hub`), so both
// read and reject flags alike: "--flag value" or "--flag=value", switches without a value,
// --help/-h, each flag at most once, and --secret refused (it would show in the process list).
// Errors name the flag; the subcommands exit 2 with them.
namespace ango::cli {

struct FlagSyntax
{
    QString command; // "run", "hub": named in "see ango-console <command> --help"
    QStringList valueFlags;
    QStringList switches;
    QString secretAdvice; // where the secret goes instead, e.g. "set ANGO_PLUGIN_SECRET"
};

struct Flags
{
    QMap<QString, QString> values;
    QStringList switches; // those given
    bool help = false;

    bool has(const QString &flag) const { return values.contains(flag) || switches.contains(flag); }
    QString value(const QString &flag) const { return values.value(flag); }
};

// Stops at --help/-h: what follows it is not checked.
inline Result<Flags> parseFlags(const QStringList &arguments, const FlagSyntax &syntax)
{
    Flags flags;
    const QString seeHelp = QStringLiteral("(see ango-console %1 --help)").arg(syntax.command);
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        QString flag = arguments.at(i);
        QString value;
        bool hasInlineValue = false;
        if (const qsizetype eq = flag.indexOf(QLatin1Char('='));
            flag.startsWith(QLatin1String("--")) && eq > 0) {
            value = flag.mid(eq + 1);
            flag = flag.left(eq);
            hasInlineValue = true;
        }
        if (flag == QLatin1String("--help") || flag == QLatin1String("-h")) {
            flags.help = true;
            return flags;
        }
        if (flag == QLatin1String("--secret"))
            return makeError(QStringLiteral("--secret is not accepted: the secret would show in "
                                            "the process list; ")
                             + syntax.secretAdvice);
        if (syntax.switches.contains(flag)) {
            if (hasInlineValue)
                return makeError(QStringLiteral("%1 takes no value").arg(flag));
            if (flags.switches.contains(flag))
                return makeError(QStringLiteral("%1 is given twice").arg(flag));
            flags.switches << flag;
            continue;
        }
        if (!syntax.valueFlags.contains(flag))
            return makeError(
                flag.startsWith(QLatin1Char('-'))
                    ? QStringLiteral("unknown flag %1 %2").arg(flag, seeHelp)
                    : QStringLiteral("unexpected argument \"%1\" %2").arg(flag, seeHelp));
        if (!hasInlineValue) {
            if (i + 1 >= arguments.size() || arguments.at(i + 1).startsWith(QLatin1String("--")))
                return makeError(QStringLiteral("%1 needs a value").arg(flag));
            value = arguments.at(++i);
        }
        if (flags.values.contains(flag))
            return makeError(QStringLiteral("%1 is given twice").arg(flag));
        flags.values.insert(flag, value);
    }
    return flags;
}

// Seconds with a fraction ("0.2" for tests), strictly positive and at most a day.
inline Result<std::chrono::milliseconds> parseSeconds(const QString &flag, const QString &value)
{
    bool ok = false;
    const double seconds = value.toDouble(&ok);
    if (!ok || !std::isfinite(seconds) || seconds <= 0 || seconds > 86400)
        return makeError(
            QStringLiteral("%1 needs a number of seconds above 0 (got \"%2\")").arg(flag, value));
    return std::chrono::milliseconds(std::max<qint64>(1, qint64(std::llround(seconds * 1000))));
}

// parseSeconds within [minimum, maximum]; the error names the flag and the range.
inline Result<std::chrono::milliseconds> parseSecondsIn(const QString &flag, const QString &value,
                                                        double minimum, double maximum)
{
    bool ok = false;
    const double seconds = value.toDouble(&ok);
    if (!ok || !std::isfinite(seconds) || seconds < minimum || seconds > maximum)
        return makeError(QStringLiteral("%1 must be from %2 to %3 seconds (got \"%4\")")
                             .arg(flag)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(value));
    return std::chrono::milliseconds(std::max<qint64>(1, qint64(std::llround(seconds * 1000))));
}

// A whole number within [minimum, maximum]; the error names the flag and the range.
inline Result<int> parseCountIn(const QString &flag, const QString &value, int minimum, int maximum)
{
    bool ok = false;
    const int count = value.toInt(&ok);
    if (!ok || count < minimum || count > maximum)
        return makeError(QStringLiteral("%1 must be a whole number from %2 to %3 (got \"%4\")")
                             .arg(flag)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(value));
    return count;
}

inline Result<int> parseCount(const QString &flag, const QString &value)
{
    bool ok = false;
    const int count = value.toInt(&ok);
    if (!ok || count < 1 || count > 10000)
        return makeError(QStringLiteral("%1 needs a whole number from 1 to 10000 (got \"%2\")")
                             .arg(flag, value));
    return count;
}

// LOGLEVEL as the SDK reads it (Python's logging names), default INFO.
inline Result<logging::Level> logLevelFromEnvironment(const QProcessEnvironment &environment)
{
    const QString level
        = environment.value(QStringLiteral("LOGLEVEL"), QStringLiteral("INFO")).trimmed();
    if (level.compare(QLatin1String("WARN"), Qt::CaseInsensitive) == 0)
        return logging::Level::Warning;
    if (level.compare(QLatin1String("CRITICAL"), Qt::CaseInsensitive) == 0
        || level.compare(QLatin1String("FATAL"), Qt::CaseInsensitive) == 0)
        return logging::Level::Error;
    if (auto parsed = logging::levelFromName(level.toLower()))
        return *parsed;
    return makeError(
        QStringLiteral("LOGLEVEL must be DEBUG, INFO, WARNING or ERROR (got \"%1\")").arg(level));
}

} // namespace ango::cli
