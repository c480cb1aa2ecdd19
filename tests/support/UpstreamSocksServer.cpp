#include "UpstreamSocksServer.h"

#include "FreePort.h"

#include <QDeadlineTimer>
#include <unistd.h>

using Switchyard::UpstreamProfile;

UpstreamSocksServer::UpstreamSocksServer(const Options& options) : m_options(options) {}

QString UpstreamSocksServer::kindName(Kind kind)
{
    return kind == Kind::Microsocks ? QStringLiteral("microsocks") : QStringLiteral("dante");
}

QString UpstreamSocksServer::proxyUrl(bool resolveAtExit) const
{
    return QStringLiteral("%1://127.0.0.1:%2")
        .arg(resolveAtExit ? QStringLiteral("socks5h") : QStringLiteral("socks5"))
        .arg(m_port);
}

UpstreamProfile UpstreamSocksServer::profile(bool resolveAtExit) const
{
    UpstreamProfile profile;
    profile.id = kindName(m_options.kind) +
                 (resolveAtExit ? QStringLiteral("-socks5h") : QStringLiteral("-socks5"));
    profile.name = (m_options.kind == Kind::Microsocks ? QStringLiteral("microsocks exit")
                                                       : QStringLiteral("dante exit")) +
                   (m_options.username.isEmpty() ? QString() : QStringLiteral(" (auth)"));
    profile.type = UpstreamProfile::Type::Socks5;
    profile.host = host();
    profile.port = m_port;
    profile.username = m_options.username;
    profile.password = m_options.password;
    profile.resolveAtExit = resolveAtExit;
    return profile;
}

UpstreamProfile UpstreamSocksServer::socks4aProfile() const
{
    UpstreamProfile profile;
    profile.id = kindName(m_options.kind) + QStringLiteral("-socks4a");
    profile.name = QStringLiteral("%1 SOCKS4a exit").arg(kindName(m_options.kind));
    profile.type = UpstreamProfile::Type::Socks4a;
    profile.host = host();
    profile.port = m_port;
    return profile;
}

bool UpstreamSocksServer::writeDanteConfiguration()
{
    const QString config = QStringLiteral("logoutput: %1\n"
                                          "internal: 127.0.0.1 port = %2\n"
                                          "external: lo\n"
                                          "socksmethod: none\n"
                                          "clientmethod: none\n"
                                          "user.privileged: root\n"
                                          "user.unprivileged: nobody\n"
                                          "timeout.negotiate: 10\n"
                                          "timeout.connect: 10\n"
                                          "client pass {\n"
                                          "  from: 127.0.0.0/8 to: 0.0.0.0/0\n"
                                          "  log: error\n"
                                          "}\n"
                                          "socks pass {\n"
                                          "  from: 127.0.0.0/8 to: 0.0.0.0/0\n"
                                          "  command: connect\n"
                                          "  log: connect disconnect error\n"
                                          "}\n")
                               .arg(m_process.filePath(QStringLiteral("danted.log")))
                               .arg(m_port);
    if (!m_process.writeFile(QStringLiteral("danted.conf"), config.toUtf8())) {
        m_error = m_process.errorString();
        return false;
    }
    return true;
}

bool UpstreamSocksServer::start()
{
    if (m_options.kind == Kind::Dante && !m_options.username.isEmpty()) {
        m_error = QStringLiteral("dante is run without authentication (its username method "
                                 "checks system accounts)");
        return false;
    }
    m_process.setPrivateHosts(m_options.hosts);
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = FreePort::refusedPort();
        if (m_port == 0)
            continue;
        QString program;
        QStringList arguments;
        if (m_options.kind == Kind::Microsocks) {
            program = QStringLiteral("/usr/bin/microsocks");
            arguments = {QStringLiteral("-i"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                         QString::number(m_port)};
            if (!m_options.username.isEmpty())
                arguments += {QStringLiteral("-u"), m_options.username, QStringLiteral("-P"),
                              m_options.password};
        } else {
            if (!writeDanteConfiguration())
                return false;
            program = QStringLiteral("/usr/sbin/danted");
            arguments = {QStringLiteral("-f"), m_process.filePath(QStringLiteral("danted.conf")),
                         QStringLiteral("-p"), m_process.filePath(QStringLiteral("danted.pid"))};
        }
        if (m_process.start(program, arguments, {m_port}))
            return true;
        m_error = m_process.errorString() + u'\n' + diagnostics();
    }
    return false;
}

QByteArray UpstreamSocksServer::log() const
{
    if (m_options.kind == Kind::Microsocks)
        return m_process.output();
    return m_process.readFile(QStringLiteral("danted.log"));
}

bool UpstreamSocksServer::waitForConnectionTo(const QString& host, quint16 port,
                                              int timeoutMs) const
{
    // microsocks: "client[4] 127.0.0.1: connected to HOST:PORT"
    // dante:      "pass(1): tcp/connect [: CLIENT.PORT 127.0.0.1.LISTEN -> OUT.PORT HOST.PORT"
    const QByteArray needle = m_options.kind == Kind::Microsocks
                                  ? "connected to " + host.toUtf8() + ':' + QByteArray::number(port)
                                  : ' ' + host.toUtf8() + '.' + QByteArray::number(port);
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        const QByteArray text = log();
        for (const QByteArray& line : text.split('\n')) {
            if (line.contains(needle) &&
                (m_options.kind == Kind::Microsocks || line.contains("tcp/connect")))
                return true;
        }
        if (deadline.hasExpired())
            return false;
        ::usleep(20'000);
    }
}

QString UpstreamSocksServer::diagnostics() const
{
    return m_process.diagnostics({QStringLiteral("danted.log")});
}
