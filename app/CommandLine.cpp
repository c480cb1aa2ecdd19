#include "CommandLine.h"

#include "ProfileChecker.h"
#include "SettingsStore.h"

#include <QDir>
#include <cstring>

namespace Switchyard {

namespace {

QString defaultListenText()
{
    return QStringLiteral("127.0.0.1:%1").arg(EngineSettings::defaultPort);
}

} // namespace

CommandLine::CommandLine()
    : m_headlessOption(QStringLiteral("headless"),
                       tr("Run without a window: proxy and log to the terminal until SIGINT or "
                          "SIGTERM.")),
      m_listenOption(QStringLiteral("listen"),
                     tr("Listen on <address>: host:port, [IPv6]:port or port (default %1).")
                         .arg(defaultListenText()),
                     tr("address"), defaultListenText()),
      m_logOption(QStringLiteral("log"),
                  tr("Headless: append one line per finished request to <file> (default: "
                     "standard error)."),
                  tr("file")),
      m_harOption(QStringLiteral("har"),
                  tr("Headless: record every finished exchange with its headers and bodies, and "
                     "write them as HAR 1.2 to <file> when stopped by SIGINT or SIGTERM. "
                     "Authorization, Proxy-Authorization, Cookie and Set-Cookie values are "
                     "masked."),
                  tr("file")),
      m_harUnmaskedOption(QStringLiteral("har-unmasked"),
                          tr("With --har: keep the values of Authorization, Proxy-Authorization, "
                             "Cookie and Set-Cookie in the file instead of masking them.")),
      m_viaOption(QStringLiteral("via"), tr("Add a Via header to forwarded requests.")),
      m_connectTimeoutOption(QStringLiteral("connect-timeout"),
                             tr("Give up opening an outbound connection after <ms> "
                                "milliseconds (default %1).")
                                 .arg(ProxyLimits{}.connectTimeoutMs),
                             tr("ms")),
      m_maxConnectionsOption(QStringLiteral("max-connections"),
                             tr("Serve at most <n> client connections at once (default %1).")
                                 .arg(ProxyLimits{}.maxClientConnections),
                             tr("n")),
      m_upstreamOption(QStringLiteral("upstream"),
                       tr("Send all traffic through the exit <uri>: http://, https://, socks5://, "
                          "socks5h:// (names resolved by the exit) or socks4a://, with optional "
                          "user:password@. Traffic never falls back to direct if the exit fails."),
                       tr("uri")),
      m_checkProfileOption(QStringLiteral("check-profile"),
                           tr("Fetch the --check-url through the exit <uri>, print the status and "
                              "latency, and exit (0 when it works)."),
                           tr("uri")),
      m_checkUrlOption(QStringLiteral("check-url"),
                       tr("The URL --check-profile fetches (default %1).")
                           .arg(QString::fromLatin1(ProfileChecker::defaultUrl)),
                       tr("url"), QString::fromLatin1(ProfileChecker::defaultUrl)),
      m_configOption(QStringLiteral("config"),
                     tr("Read the settings from <file> instead of %1. Headless runs read it and "
                        "never write it; options given here override it for this run only.")
                         .arg(QDir::toNativeSeparators(SettingsStore::defaultFilePath())),
                     tr("file")),
      m_setPasswordOption(QStringLiteral("set-password"),
                          tr("Store the password of the exit <profile> (its id or name) in the "
                             "system keychain, read without echo from the terminal or from "
                             "standard input, and exit."),
                          tr("profile")),
      m_explainOption(QStringLiteral("explain"),
                      tr("Print which rule decides <target> (a URL, or host:port for tunnels) and "
                         "where it goes, using the settings file and the options given, and exit."),
                      tr("target")),
      m_systemProxyOption(QStringLiteral("system-proxy"),
                          tr("Headless: point the desktop's proxy settings (GNOME, KDE, Windows, "
                             "macOS) at Switchyard once it listens, and put them back exactly as "
                             "they were on exit, SIGINT or SIGTERM.")),
      m_restoreSystemProxyOption(
          QStringLiteral("restore-system-proxy"),
          tr("Put back the desktop's proxy settings saved by a Switchyard that stopped while the "
             "system proxy pointed at it, and exit (0 restored, 2 nothing to restore, 1 "
             "failed).")),
      m_hiddenOption(QStringLiteral("hidden"),
                     tr("Start with the window hidden in the tray (as at login), when the "
                        "desktop has a tray.")),
      m_helpOption({QStringLiteral("h"), QStringLiteral("help")}, tr("Show this help and exit.")),
      m_versionOption({QStringLiteral("v"), QStringLiteral("version")},
                      tr("Show the version and exit."))
{
    m_parser.setApplicationDescription(
        tr("Switchyard: a local HTTP proxy that shows every request passing through it."));
    m_parser.addOptions({m_headlessOption, m_listenOption, m_logOption, m_harOption,
                         m_harUnmaskedOption, m_viaOption, m_connectTimeoutOption,
                         m_maxConnectionsOption, m_upstreamOption, m_checkProfileOption,
                         m_checkUrlOption, m_explainOption, m_configOption, m_setPasswordOption,
                         m_systemProxyOption, m_restoreSystemProxyOption, m_hiddenOption,
                         m_helpOption, m_versionOption});
}

CommandLine::Action CommandLine::parse(const QStringList& arguments)
{
    if (!m_parser.parse(arguments)) {
        m_error = m_parser.errorText();
        return Action::Error;
    }
    if (!m_parser.positionalArguments().isEmpty()) {
        m_error = tr("unexpected argument '%1'").arg(m_parser.positionalArguments().constFirst());
        return Action::Error;
    }
    if (m_parser.isSet(m_helpOption))
        return Action::ShowHelp;
    if (m_parser.isSet(m_versionOption))
        return Action::ShowVersion;

    m_configPath = m_parser.value(m_configOption);
    if (m_parser.isSet(m_configOption) && m_configPath.isEmpty()) {
        m_error = tr("--config needs a file name");
        return Action::Error;
    }
    if (m_parser.isSet(m_restoreSystemProxyOption)) {
        // Anything else would be silently ignored; say so instead.
        for (const QCommandLineOption* other :
             {&m_headlessOption, &m_listenOption, &m_logOption, &m_harOption, &m_harUnmaskedOption,
              &m_viaOption, &m_connectTimeoutOption, &m_maxConnectionsOption, &m_upstreamOption,
              &m_checkProfileOption, &m_checkUrlOption, &m_explainOption, &m_setPasswordOption,
              &m_systemProxyOption}) {
            if (m_parser.isSet(*other)) {
                m_error = tr("--restore-system-proxy takes no option but --config (not --%1)")
                              .arg(other->names().constFirst());
                return Action::Error;
            }
        }
        return Action::RestoreSystemProxy;
    }
    if (m_parser.isSet(m_setPasswordOption)) {
        m_passwordProfile = m_parser.value(m_setPasswordOption);
        if (m_passwordProfile.isEmpty()) {
            m_error = tr("--set-password needs the id or name of an exit");
            return Action::Error;
        }
        // Anything else would be silently ignored; say so instead.
        for (const QCommandLineOption* other :
             {&m_headlessOption, &m_listenOption, &m_logOption, &m_harOption, &m_harUnmaskedOption,
              &m_viaOption, &m_connectTimeoutOption, &m_maxConnectionsOption, &m_upstreamOption,
              &m_checkProfileOption, &m_checkUrlOption}) {
            if (m_parser.isSet(*other)) {
                m_error = tr("--set-password takes no option but --config (not --%1)")
                              .arg(other->names().constFirst());
                return Action::Error;
            }
        }
        return Action::SetPassword;
    }

    m_headless = m_parser.isSet(m_headlessOption);
    m_hidden = m_parser.isSet(m_hiddenOption);
    if (m_hidden && m_headless) {
        m_error = tr("--hidden is for the window; a headless run has none");
        return Action::Error;
    }
    m_systemProxy = m_parser.isSet(m_systemProxyOption);
    if (m_systemProxy && !m_headless) {
        m_error = tr("--system-proxy is for headless runs (add --headless); the window has its "
                     "own System proxy switch");
        return Action::Error;
    }
    m_logFile = m_parser.value(m_logOption);
    if (m_parser.isSet(m_logOption) && m_logFile.isEmpty()) {
        m_error = tr("--log needs a file name");
        return Action::Error;
    }
    m_harFile = m_parser.value(m_harOption);
    m_harUnmasked = m_parser.isSet(m_harUnmaskedOption);
    if (m_parser.isSet(m_harOption) && m_harFile.isEmpty()) {
        m_error = tr("--har needs a file name");
        return Action::Error;
    }
    if (m_parser.isSet(m_harOption) && !m_headless) {
        m_error = tr("--har records headless runs only: add --headless");
        return Action::Error;
    }
    if (m_harUnmasked && m_harFile.isEmpty()) {
        m_error = tr("--har-unmasked needs --har");
        return Action::Error;
    }
    m_settings.addViaHeader = m_parser.isSet(m_viaOption);
    if (!readPositive(m_connectTimeoutOption, &m_settings.limits.connectTimeoutMs))
        return Action::Error;
    if (!readPositive(m_maxConnectionsOption, &m_settings.limits.maxClientConnections))
        return Action::Error;

    if (m_parser.isSet(m_checkProfileOption)) {
        QString error;
        m_checkProfile = UpstreamProfile::fromUri(m_parser.value(m_checkProfileOption), &error);
        if (!error.isEmpty()) {
            m_error = tr("--check-profile: %1").arg(error);
            return Action::Error;
        }
        m_checkUrl = m_parser.value(m_checkUrlOption);
        return Action::CheckProfile;
    }
    if (m_parser.isSet(m_upstreamOption)) {
        QString error;
        const UpstreamProfile exit =
            UpstreamProfile::fromUri(m_parser.value(m_upstreamOption), &error);
        if (!error.isEmpty()) {
            m_error = tr("--upstream: %1").arg(error);
            return Action::Error;
        }
        m_settings.profiles = {exit};
        m_settings.routing.defaultAction = RouteAction::through(exit.id);
    }

    // A bad address is reported as a failure to listen, like an address in use,
    // so that both read the same to the user.
    m_listenText = m_parser.value(m_listenOption);
    QHostAddress address;
    quint16 port = 0;
    m_listenError = parseListenAddress(m_listenText, &address, &port);
    if (m_listenError.isEmpty()) {
        m_settings.listenAddress = address;
        m_settings.listenPort = port;
    }
    if (m_parser.isSet(m_explainOption)) {
        m_explainTarget = m_parser.value(m_explainOption);
        return Action::Explain;
    }
    return Action::Run;
}

bool CommandLine::replacesRouting() const
{
    return m_parser.isSet(m_upstreamOption);
}

void CommandLine::applyOverrides(EngineSettings* settings) const
{
    if (m_parser.isSet(m_listenOption) && m_listenError.isEmpty()) {
        settings->listenAddress = m_settings.listenAddress;
        settings->listenPort = m_settings.listenPort;
    }
    if (m_parser.isSet(m_viaOption))
        settings->addViaHeader = true;
    if (m_parser.isSet(m_connectTimeoutOption))
        settings->limits.connectTimeoutMs = m_settings.limits.connectTimeoutMs;
    if (m_parser.isSet(m_maxConnectionsOption))
        settings->limits.maxClientConnections = m_settings.limits.maxClientConnections;
    if (replacesRouting()) {
        // All traffic through this one exit: the file's exits and rules do not apply.
        settings->profiles = m_settings.profiles;
        settings->routing = m_settings.routing;
    }
}

bool CommandLine::readPositive(const QCommandLineOption& option, int* value)
{
    if (!m_parser.isSet(option))
        return true;
    const QString text = m_parser.value(option);
    bool ok = false;
    const int number = text.toInt(&ok);
    if (!ok || number <= 0) {
        m_error = tr("--%1 needs a positive whole number, not '%2'")
                      .arg(option.names().constFirst(), text);
        return false;
    }
    *value = number;
    return true;
}

QString CommandLine::helpText() const
{
    return m_parser.helpText();
}

QString CommandLine::versionText()
{
    return QStringLiteral("switchyard ") + QCoreApplication::applicationVersion();
}

bool CommandLine::wantsGui(int argc, const char* const* argv)
{
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        if (std::strcmp(arg, "--") == 0)
            break;
        for (const char* windowless : {"--headless", "--help", "-h", "--version", "-v",
                                       "--check-profile", "--explain", "--restore-system-proxy"}) {
            if (std::strcmp(arg, windowless) == 0)
                return false;
        }
        if (std::strncmp(arg, "--set-password", 14) == 0 && (arg[14] == '\0' || arg[14] == '='))
            return false;
    }
    return true;
}

} // namespace Switchyard
