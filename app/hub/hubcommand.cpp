#include "hubcommand.h"

#include "cli/output.h"
#include "hub/localhub.h"
#include "hub/printable.h"
#include "huboptions.h"
#include "socketio/socketiopacket.h"

#include <QCoreApplication>
#include <QTimer>

#include <csignal>
#include <cstdio>

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadUsage = 2;
// Lets the close frames of the plugins' connections go out before the process ends.
constexpr int kExitGraceMs = 200;

using ango::cli::writeTo;

void printError(const QString &message)
{
    ango::cli::printError("hub", message);
}

// One --once session: wait for the plugin, send the run, report its outcome.
class OnceSession
{
public:
    OnceSession(const ango::app::HubCommandOptions &options, ango::hub::LocalHub &hub)
        : m_options(options)
        , m_hub(hub)
    {}

    void begin(const QString &assetId)
    {
        m_assetId = assetId;
        QObject::connect(&m_hub, &ango::hub::LocalHub::pluginChanged, &m_hub,
                         [this](const ango::hub::ConnectedPlugin &plugin) {
                             if (plugin.pluginId == m_options.pluginId
                                 && plugin.state == ango::hub::PluginState::Live)
                                 send();
                         });
        // A refused plugin (wrong secret, unknown id) does not end the session: anyone on this
        // machine can connect, and the plugin under test may still come. Said at once, named
        // again if the timeout comes.
        QObject::connect(&m_hub, &ango::hub::LocalHub::pluginRefused, &m_hub,
                         [this](const ango::hub::ConnectedPlugin &plugin) { refused(plugin); });
        QObject::connect(
            &m_hub, &ango::hub::LocalHub::runFinished, &m_hub,
            [this](const ango::hub::RunOutcome &outcome) {
                if (outcome.session != m_session)
                    return;
                if (!outcome.ok) {
                    finish(kExitFailure, QStringLiteral("the run failed: %1").arg(outcome.error));
                    return;
                }
                writeTo(stdout,
                        QByteArray::fromStdString(ango::socketio::dumpJson(outcome.result)) + '\n');
                finish(0, {});
            });
        m_timer.setSingleShot(true);
        m_timer.setInterval(m_options.timeout);
        QObject::connect(&m_timer, &QTimer::timeout, &m_hub, [this] {
            const double seconds = double(m_options.timeout.count()) / 1000.0;
            if (m_session.isEmpty())
                finish(kExitFailure,
                       QStringLiteral(
                           "timed out after %1 s: plugin %2 never connected with a valid heartbeat "
                           "(start it with its host set to %3)%4")
                           .arg(seconds)
                           .arg(m_options.pluginId, m_hub.url().toString(), refusalSummary()));
            else
                finish(
                    kExitFailure,
                    QStringLiteral("timed out after %1 s waiting for plugin %2 to answer run %3%4")
                        .arg(seconds)
                        .arg(m_options.pluginId, m_session,
                             m_options.workflow ? QStringLiteral(" (POST /v2/annotate/{taskId})")
                                                : QStringLiteral(" (the response event)")));
        });
        m_timer.start();
    }

private:
    void refused(const ango::hub::ConnectedPlugin &plugin)
    {
        if (m_done)
            return;
        // The id and the reason come from the connecting process: escaped before printing.
        const QString who = plugin.pluginId.isEmpty()
                                ? QStringLiteral("a plugin from %1").arg(plugin.peer)
                                : QStringLiteral("plugin \"%1\" from %2")
                                      .arg(ango::hub::printable(plugin.pluginId), plugin.peer);
        const QString refusal
            = QStringLiteral("%1 (%2)").arg(who, ango::hub::printable(plugin.refusal));
        ++m_refusalCount;
        if (m_refusals.size() < kRefusalsNamed)
            m_refusals << refusal;
        printError(QStringLiteral("refused %1; still waiting for plugin %2 (timeout %3 s)")
                       .arg(refusal, m_options.pluginId)
                       .arg(double(m_options.timeout.count()) / 1000.0));
    }

    QString refusalSummary() const
    {
        if (m_refusalCount == 0)
            return {};
        QString summary = QStringLiteral("; refused %1 connection%2: %3")
                              .arg(m_refusalCount)
                              .arg(m_refusalCount == 1 ? QString() : QStringLiteral("s"),
                                   m_refusals.join(QStringLiteral("; ")));
        if (m_refusalCount > m_refusals.size())
            summary += QStringLiteral("; and %1 more").arg(m_refusalCount - m_refusals.size());
        return summary;
    }

    void send()
    {
        if (!m_session.isEmpty() || m_done)
            return;
        auto session = m_hub.sendRun(m_options.pluginId, m_assetId, m_options.categorySchema,
                                     m_options.configJson, m_options.workflow);
        if (!session) {
            finish(kExitFailure, session.error().message);
            return;
        }
        m_session = *session;
    }

    void finish(int code, const QString &message)
    {
        if (m_done)
            return;
        m_done = true;
        m_timer.stop();
        if (!message.isEmpty())
            printError(message);
        m_hub.stop();
        QTimer::singleShot(kExitGraceMs, &m_hub, [code] { QCoreApplication::exit(code); });
    }

    const ango::app::HubCommandOptions &m_options;
    ango::hub::LocalHub &m_hub;
    QString m_assetId;
    QString m_session;
    QTimer m_timer;
    bool m_done = false;
    // Refusals seen, for the timeout message: the first few by name, the rest counted.
    static constexpr qsizetype kRefusalsNamed = 5;
    QStringList m_refusals;
    qint64 m_refusalCount = 0;
};

} // namespace

int runHubCommand(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ango-console"));
    QCoreApplication::setApplicationName(QStringLiteral("Ango Plugin Console"));

    QStringList arguments = QCoreApplication::arguments();
    arguments.removeFirst(); // the program
    if (!arguments.isEmpty() && arguments.constFirst() == QLatin1String("hub"))
        arguments.removeFirst();

    auto parsed = ango::app::parseHubArguments(arguments, QProcessEnvironment::systemEnvironment());
    if (!parsed) {
        printError(parsed.error().message);
        return kExitBadUsage;
    }
    const ango::app::HubCommandOptions options = std::move(parsed.value());
    if (options.help) {
        writeTo(stdout, ango::app::hubUsage().toUtf8());
        return 0;
    }

    // A closed stdout (the CI step went away) must not kill us with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);

    ango::hub::LocalHub hub(options.hub);
    hub.setPluginSecret(options.pluginId, options.secret);
    QObject::connect(&hub, &ango::hub::LocalHub::logged, &hub,
                     [&options](const ango::logging::LogEntry &entry) {
                         if (entry.level >= options.logLevel)
                             writeTo(stderr, ango::logging::formatText(entry).toUtf8() + '\n');
                     });

    auto asset = hub.addAsset(options.assetPath);
    if (!asset) {
        printError(QStringLiteral("--asset: ") + asset.error().message);
        return kExitBadUsage;
    }
    if (auto started = hub.start(options.listen); !started) {
        printError(started.error().message);
        return kExitFailure;
    }
    // A line for scripts to parse (port 0 picks a free one), then the line to start the plugin.
    writeTo(stderr, QByteArrayLiteral("LISTENING=") + hub.listenAddress().toUtf8() + '\n');
    writeTo(stderr,
            QByteArrayLiteral("start the plugin with: ")
                + hub.startCommand(options.pluginId, QStringLiteral("your_plugin.py")).toUtf8()
                + '\n');

    OnceSession once(options, hub);
    once.begin(asset->id);
    return QCoreApplication::exec();
}
