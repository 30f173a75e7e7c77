#include "cli/dispatch.h"

#include "cli/consoleflags.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <cstring>

namespace ango::cli {

namespace {

constexpr int kExitNoDisplay = 1;
constexpr int kExitBadUsage = 2;

void writeTo(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

QString subcommandNames(std::span<const Subcommand> subcommands)
{
    QStringList names;
    for (const Subcommand &subcommand : subcommands)
        names << QString::fromUtf8(subcommand.name);
    return names.join(QStringLiteral(", "));
}

bool asksForHelpOrVersion(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        for (const char *flag : {"--help", "-h", "-?", "--help-all", "--version", "-v"})
            if (std::strcmp(argv[i], flag) == 0)
                return true;
    return false;
}

// The window's flags and the subcommands, on a QCoreApplication: no window system is touched.
int answerHelpOrVersion(int argc, char **argv, std::span<const Subcommand> subcommands)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ango-console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ANGO_VERSION));
    QString description
        = QStringLiteral("Developer console for iMerit Ango Hub model plugins.\n"
                         "Without a subcommand it opens the console window (needs a display).\n\n"
                         "Subcommands (headless, no display needed):\n");
    for (const Subcommand &subcommand : subcommands)
        description += QStringLiteral("  %1  %2\n")
                           .arg(QString::fromUtf8(subcommand.name), -6)
                           .arg(QString::fromUtf8(subcommand.summary));
    description += QStringLiteral("See `ango-console <subcommand> --help`.");
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addOptions(consoleOptions());
    if (!parser.parse(QCoreApplication::arguments())) {
        writeTo(
            stderr,
            QStringLiteral("ango-console: %1 (see ango-console --help)\n").arg(parser.errorText()));
        return kExitBadUsage;
    }
    if (parser.isSet(help) || parser.isSet(QStringLiteral("help-all"))) {
        writeTo(stdout, parser.helpText());
        return 0;
    }
    writeTo(stdout, QStringLiteral("ango-console %1\n").arg(QStringLiteral(ANGO_VERSION)));
    return 0;
}

} // namespace

QString missingDisplay(const QStringList &arguments, const QProcessEnvironment &environment)
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
    if (!environment.value(QStringLiteral("QT_QPA_PLATFORM")).isEmpty()
        || arguments.contains(QStringLiteral("-platform"))
        || arguments.contains(QStringLiteral("--platform")))
        return {};
    if (!environment.value(QStringLiteral("DISPLAY")).isEmpty()
        || !environment.value(QStringLiteral("WAYLAND_DISPLAY")).isEmpty())
        return {};
    return QStringLiteral("no display (DISPLAY and WAYLAND_DISPLAY are not set)");
#else
    Q_UNUSED(arguments);
    Q_UNUSED(environment);
    return {};
#endif
}

QString noDisplayMessage(const QString &reason)
{
    return QStringLiteral("ango-console: cannot open the console window: %1; run headless with "
                          "`ango-console run ...` or `ango-console hub ...` (see ango-console "
                          "--help), or set QT_QPA_PLATFORM=offscreen")
        .arg(reason);
}

int dispatch(int argc, char **argv, std::span<const Subcommand> subcommands, EntryPoint console)
{
    if (argc > 1) {
        for (const Subcommand &subcommand : subcommands)
            if (std::strcmp(argv[1], subcommand.name) == 0)
                return subcommand.run(argc, argv);
        if (argv[1][0] != '-') {
            writeTo(stderr,
                    QStringLiteral("ango-console: unknown subcommand \"%1\" (subcommands: "
                                   "%2; see ango-console --help)\n")
                        .arg(QString::fromLocal8Bit(argv[1]), subcommandNames(subcommands)));
            return kExitBadUsage;
        }
    }
    if (asksForHelpOrVersion(argc, argv))
        return answerHelpOrVersion(argc, argv, subcommands);

    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    if (const QString reason = missingDisplay(arguments, QProcessEnvironment::systemEnvironment());
        !reason.isEmpty()) {
        writeTo(stderr, noDisplayMessage(reason) + QLatin1Char('\n'));
        return kExitNoDisplay;
    }
    return console(argc, argv);
}

} // namespace ango::cli
