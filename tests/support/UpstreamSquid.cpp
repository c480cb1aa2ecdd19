#include "UpstreamSquid.h"

#include "FreePort.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <unistd.h>

using Switchyard::UpstreamProfile;

namespace {

const QString kSquid = QStringLiteral("/usr/sbin/squid");

/// Runs a tool to completion (bounded); its standard output, or a null array.
QByteArray runTool(const QString& program, const QStringList& arguments, const QByteArray& input,
                   QString* error)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForStarted(5000)) {
        *error = QStringLiteral("cannot run %1: %2").arg(program, process.errorString());
        return {};
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30'000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        process.kill();
        process.waitForFinished(5000);
        *error = QStringLiteral("%1 %2 failed: %3")
                     .arg(program, arguments.value(0),
                          QString::fromLocal8Bit(process.readAllStandardError()));
        return {};
    }
    QByteArray out = process.readAllStandardOutput();
    return out.isNull() ? QByteArray("") : out;
}

} // namespace

UpstreamSquid::UpstreamSquid() : UpstreamSquid(Options()) {}

UpstreamSquid::UpstreamSquid(const Options& options) : m_options(options) {}

QString UpstreamSquid::certificatePath() const
{
    return m_process.filePath(QStringLiteral("cert.pem"));
}

bool UpstreamSquid::supportsHttpsPort(QString* why)
{
    QString error;
    const QByteArray version = runTool(kSquid, {QStringLiteral("-v")}, {}, &error);
    if (version.isNull()) {
        *why = error;
        return false;
    }
    if (!version.contains("--with-openssl")) {
        *why = QStringLiteral("%1 is built without OpenSSL, so it has no https_port tls-cert=; "
                              "install Debian's squid-openssl package")
                   .arg(kSquid);
        return false;
    }
    return true;
}

UpstreamProfile UpstreamSquid::profile(UpstreamProfile::Type type) const
{
    UpstreamProfile profile;
    const bool https = type == UpstreamProfile::Type::Https;
    profile.id = https ? QStringLiteral("squid-https") : QStringLiteral("squid-http");
    profile.name = https ? QStringLiteral("Squid TLS exit") : QStringLiteral("Squid exit");
    profile.type = type;
    profile.host = host();
    profile.port = https ? m_httpsPort : m_httpPort;
    profile.username = m_options.username;
    profile.password = m_options.password;
    profile.allowSelfSigned = https;
    return profile;
}

bool UpstreamSquid::writeConfiguration()
{
    // The password goes to openssl on standard input, not on a command line.
    const QByteArray hash =
        runTool(QStringLiteral("openssl"),
                {QStringLiteral("passwd"), QStringLiteral("-apr1"), QStringLiteral("-stdin")},
                m_options.password.toUtf8() + '\n', &m_error)
            .trimmed();
    if (hash.isEmpty()) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("openssl passwd printed nothing");
        return false;
    }
    if (!m_process.writeFile(QStringLiteral("htpasswd"),
                             m_options.username.toUtf8() + ':' + hash + '\n') ||
        !m_process.writeFile(QStringLiteral("hosts"),
                             UpstreamDnsJail::hostsFile(m_options.hosts))) {
        m_error = m_process.errorString();
        return false;
    }

    if (m_options.https && !QFile::exists(certificatePath())) {
        const QString keyPath = m_process.filePath(QStringLiteral("key.pem"));
        if (runTool(QStringLiteral("openssl"),
                    {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), keyPath, QStringLiteral("-out"), certificatePath(),
                     QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                     QStringLiteral("-addext"),
                     QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1"),
                     QStringLiteral("-days"), QStringLiteral("2")},
                    {}, &m_error)
                .isNull())
            return false;
        // squid reads the key after it has dropped to the "proxy" user.
        QFile::setPermissions(keyPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                           QFileDevice::ReadOther);
    }

    const QString dns = UpstreamDnsJail::nameserver().isEmpty() ? QStringLiteral("127.0.0.1")
                                                                : UpstreamDnsJail::nameserver();
    QString config = QStringLiteral("http_port 127.0.0.1:%1\n").arg(m_httpPort);
    if (m_options.https)
        config += QStringLiteral("https_port 127.0.0.1:%1 tls-cert=%2 tls-key=%3\n")
                      .arg(m_httpsPort)
                      .arg(certificatePath(), m_process.filePath(QStringLiteral("key.pem")));
    const auto path = [this](const char* name) {
        return m_process.filePath(QString::fromLatin1(name));
    };
    config += QStringLiteral("pid_filename %1\n").arg(path("squid.pid"));
    config += QStringLiteral("cache_log %1\n").arg(path("cache.log"));
    config += QStringLiteral("access_log stdio:%1\n").arg(path("access.log"));
    config += QStringLiteral("coredump_dir %1\n").arg(m_process.filePath(QString()));
    config += QStringLiteral("hosts_file %1\n").arg(path("hosts"));
    config += QStringLiteral("dns_nameservers %1\n").arg(dns);
    config += QStringLiteral("auth_param basic program /usr/lib/squid/basic_ncsa_auth %1\n")
                  .arg(path("htpasswd"));
    config += QStringLiteral("auth_param basic children 2 startup=1 idle=1\n"
                             "auth_param basic realm switchyard-test\n"
                             "acl loopback src 127.0.0.0/8\n"
                             "acl authed proxy_auth REQUIRED\n"
                             "http_access deny !loopback\n"
                             "http_access allow authed\n"
                             "http_access deny all\n"
                             "cache deny all\n"
                             "cache_mem 0 MB\n"
                             "cache_store_log none\n"
                             "netdb_filename none\n"
                             "logfile_rotate 0\n"
                             "buffered_logs off\n"
                             "strip_query_terms off\n"
                             "dns_timeout 3 seconds\n"
                             "visible_hostname switchyard-test-squid\n"
                             "shutdown_lifetime 0 seconds\n"
                             "pinger_enable off\n"
                             "icp_port 0\n"
                             "htcp_port 0\n"
                             "connect_timeout 5 seconds\n"
                             "forward_timeout 10 seconds\n"
                             "read_ahead_gap 256 KB\n"
                             "max_filedescriptors 4096\n");
    if (!m_process.writeFile(QStringLiteral("squid.conf"), config.toUtf8())) {
        m_error = m_process.errorString();
        return false;
    }
    return true;
}

bool UpstreamSquid::start()
{
    if (m_options.https && !supportsHttpsPort(&m_error))
        return false;
    // A port found free can be taken before squid binds it: try a few.
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_httpPort = FreePort::refusedPort();
        m_httpsPort = m_options.https ? FreePort::refusedPort() : 0;
        if (m_httpPort == 0 || m_httpPort == m_httpsPort)
            continue;
        if (!writeConfiguration())
            return false;
        QList<quint16> ports{m_httpPort};
        if (m_options.https)
            ports.append(m_httpsPort);
        if (m_process.start(kSquid,
                            {QStringLiteral("-N"), QStringLiteral("-f"),
                             m_process.filePath(QStringLiteral("squid.conf"))},
                            ports))
            return true;
        m_error = m_process.errorString() + u'\n' + diagnostics();
    }
    return false;
}

bool UpstreamSquid::waitForAccessLog(const QList<QByteArray>& parts, int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        for (const QByteArray& line : accessLog().split('\n')) {
            bool all = !line.isEmpty();
            for (const QByteArray& part : parts)
                all = all && line.contains(part);
            if (all)
                return true;
        }
        if (deadline.hasExpired())
            return false;
        ::usleep(20'000);
    }
}

QString UpstreamSquid::diagnostics() const
{
    return m_process.diagnostics({QStringLiteral("cache.log"), QStringLiteral("access.log")});
}
