#pragma once

#include "UpstreamDnsJail.h"
#include "UpstreamProcess.h"
#include "UpstreamProfile.h"

#include <QList>
#include <QString>

/// A real squid on 127.0.0.1 as an HTTP (and optionally HTTPS) upstream: basic
/// authentication against an htpasswd file written with `openssl passwd -apr1`
/// (helper /usr/lib/squid/basic_ncsa_auth), no cache, loopback clients only, logs and
/// pid file in its private directory, run with -N in the foreground.
///
/// squid resolves names from a hosts_file the test gives it (hostsEntries) and sends
/// any other DNS query to UpstreamDnsJail's sink (dns_nameservers), never to the
/// machine's resolver. The HTTPS port needs squid built with OpenSSL (Debian's
/// squid-openssl; the GnuTLS "squid" package lacks tls-cert=); start() says so.
class UpstreamSquid
{
public:
    struct Options
    {
        QString username = QStringLiteral("alice");
        QString password = QStringLiteral("p@ss:1 w%rd"); ///< odd characters on purpose
        bool https = false;                               ///< also an https_port
        QList<UpstreamDnsJail::HostsEntry> hosts;         ///< squid's hosts_file
    };

    UpstreamSquid();
    explicit UpstreamSquid(const Options& options);

    bool start();
    /// SIGTERM (squid closes its ports at once), SIGKILL after graceMs.
    void stop(int graceMs = 4000) { m_process.stop(graceMs); }
    void kill() { m_process.kill(); }
    bool isRunning() const { return m_process.isRunning(); }
    QString errorString() const { return m_error; }

    QString host() const { return QStringLiteral("127.0.0.1"); }
    quint16 httpPort() const { return m_httpPort; }
    quint16 httpsPort() const { return m_httpsPort; }
    QString username() const { return m_options.username; }
    QString password() const { return m_options.password; }
    /// The self-signed certificate of the HTTPS port (CN=localhost, SAN 127.0.0.1).
    QString certificatePath() const;

    /// A profile for this squid: HTTP or HTTPS (the latter accepting the self-signed
    /// certificate unless told otherwise), with the right credentials.
    Switchyard::UpstreamProfile
    profile(Switchyard::UpstreamProfile::Type type = Switchyard::UpstreamProfile::Type::Http) const;

    /// access.log as squid has written it so far.
    QByteArray accessLog() const { return m_process.readFile(QStringLiteral("access.log")); }
    /// Waits (bounded) until access.log has a line containing every one of parts.
    bool waitForAccessLog(const QList<QByteArray>& parts, int timeoutMs = 5000) const;
    QString diagnostics() const;

    /// Whether the installed squid can serve https_port (built with OpenSSL).
    static bool supportsHttpsPort(QString* why);

private:
    bool writeConfiguration();

    Options m_options;
    UpstreamProcess m_process;
    quint16 m_httpPort = 0;
    quint16 m_httpsPort = 0;
    QString m_error;
};
