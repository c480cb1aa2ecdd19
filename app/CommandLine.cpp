#include "CommandLine.h"

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
      m_helpOption({QStringLiteral("h"), QStringLiteral("help")}, tr("Show this help and exit.")),
      m_versionOption({QStringLiteral("v"), QStringLiteral("version")},
                      tr("Show the version and exit."))
{
    m_parser.setApplicationDescription(
        tr("Switchyard: a local HTTP proxy that shows every request passing through it."));
    m_parser.addOptions({m_headlessOption, m_listenOption, m_logOption, m_viaOption,
                         m_connectTimeoutOption, m_maxConnectionsOption, m_helpOption,
                         m_versionOption});
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

    m_headless = m_parser.isSet(m_headlessOption);
    m_logFile = m_parser.value(m_logOption);
    if (m_parser.isSet(m_logOption) && m_logFile.isEmpty()) {
        m_error = tr("--log needs a file name");
        return Action::Error;
    }
    m_settings.addViaHeader = m_parser.isSet(m_viaOption);
    if (!readPositive(m_connectTimeoutOption, &m_settings.limits.connectTimeoutMs))
        return Action::Error;
    if (!readPositive(m_maxConnectionsOption, &m_settings.limits.maxClientConnections))
        return Action::Error;

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
    return Action::Run;
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
        for (const char* windowless : {"--headless", "--help", "-h", "--version", "-v"}) {
            if (std::strcmp(arg, windowless) == 0)
                return false;
        }
    }
    return true;
}

} // namespace Switchyard
