#pragma once

#include "UpstreamDnsJail.h"
#include "UpstreamProcess.h"
#include "UpstreamProfile.h"

#include <QList>
#include <QString>

/// A real SOCKS server on 127.0.0.1 as an upstream: microsocks (SOCKS5, optionally
/// with RFC 1929 username/password via -u/-P) or dante's danted (SOCKS4 and SOCKS5,
/// no authentication; configuration and log in its private directory).
///
/// Both always run behind a private /etc/hosts (see UpstreamProcess): the names in
/// Options::hosts, which the engine's side cannot resolve, and localhost. So a name
/// sent to the exit resolves there or fails there, and never reaches a real DNS
/// server. Neither speaks SOCKS4a with names (dante rejects them): SOCKS4a profiles
/// through dante work with addresses only.
class UpstreamSocksServer
{
public:
    enum class Kind { Microsocks, Dante };

    struct Options
    {
        Kind kind = Kind::Microsocks;
        QString username; ///< microsocks only; empty: no authentication
        QString password;
        QList<UpstreamDnsJail::HostsEntry> hosts;
    };

    explicit UpstreamSocksServer(const Options& options);

    bool start();
    void stop(int graceMs = 3000) { m_process.stop(graceMs); }
    void kill() { m_process.kill(); }
    bool isRunning() const { return m_process.isRunning(); }
    QString errorString() const { return m_error; }

    Kind kind() const { return m_options.kind; }
    QString host() const { return QStringLiteral("127.0.0.1"); }
    quint16 port() const { return m_port; }
    QString username() const { return m_options.username; }
    QString password() const { return m_options.password; }
    /// "socks5h://127.0.0.1:PORT" style, for curl --proxy (no credentials).
    QString proxyUrl(bool resolveAtExit = true) const;

    /// A SOCKS5 profile for this server with its credentials; resolveAtExit picks
    /// socks5h (names go to the exit) or socks5 (the engine resolves).
    Switchyard::UpstreamProfile profile(bool resolveAtExit = true) const;
    /// A SOCKS4a profile (dante).
    Switchyard::UpstreamProfile socks4aProfile() const;

    /// What the server logged: microsocks' output or danted's log file.
    QByteArray log() const;
    /// Waits (bounded) until the log shows a connection made to host:port.
    bool waitForConnectionTo(const QString& host, quint16 port, int timeoutMs = 5000) const;
    /// Whether the log mentions text (a name the exit was asked for, say).
    bool logContains(const QByteArray& text) const { return log().contains(text); }
    QString diagnostics() const;

    static QString kindName(Kind kind);

private:
    bool writeDanteConfiguration();

    Options m_options;
    UpstreamProcess m_process;
    quint16 m_port = 0;
    QString m_error;
};
