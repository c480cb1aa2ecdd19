#pragma once

#include "Rule.h"
#include "UpstreamProfile.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QString>

namespace Switchyard {

/// Bounds that keep one client from exhausting the engine. Times in milliseconds.
struct ProxyLimits
{
    int maxHeadBytes = 64 * 1024;       ///< request head (line + fields); beyond: 431
    int maxUriBytes = 8 * 1024;         ///< request target; beyond: 414
    int maxHeaderFields = 100;          ///< header fields in one head; beyond: 431
    int headTimeoutMs = 30'000;         ///< whole head must arrive within this; else 408
    int idleTimeoutMs = 60'000;         ///< idle keep-alive client connection is closed
    int connectTimeoutMs = 10'000;      ///< outbound connect (incl. DNS); else 504
    int responseTimeoutMs = 120'000;    ///< origin silent this long after the request: 504
    int maxClientConnections = 100'000; ///< further clients get 503 and are closed
    int bufferBytes = 256 * 1024;       ///< per direction and connection, then back-pressure
    int originIdleTimeoutMs = 30'000;   ///< pooled idle origin connection is closed
    int maxIdleOriginConnections = 256;
};

/// What the engine copies out of plain HTTP exchanges for the log.
struct CaptureSettings
{
    bool enabled = true;               ///< headers and body prefixes in log events
    qint64 maxBodyBytes = 1024 * 1024; ///< per body; 0 keeps headers only
};

/// Credentials clients must present (Proxy-Authorization Basic / SOCKS5 RFC 1929).
struct InboundAuth
{
    bool required = false;
    QString username;
    QString password; ///< from the keychain; memory only
};

/// Everything the engine needs to run. A value type: the application builds one
/// (from the settings store or the command line) and hands it to Engine::start or
/// Engine::applySettings.
struct EngineSettings
{
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 8877; ///< 0 picks a free port (tests)
    ProxyLimits limits;
    CaptureSettings capture;
    bool addViaHeader = false; ///< privacy first: no Via unless asked for
    /// Log events leave the engine thread this often. Four times a second still
    /// reads as live, and every batch costs the window a model update and a
    /// repaint: at 10 per second the log view took 11 % off the keep-alive rate
    /// under load, at 4 per second 6 % (bench run 20261127-021456).
    int logFlushIntervalMs = 250;
    QList<UpstreamProfile> profiles; ///< the exits, passwords filled in from the keychain
    RuleList routing;                ///< per-site rules and the default action (the exit picker)
    /// Host name (lower case) → addresses, used before any DNS lookup.
    QHash<QString, QList<QHostAddress>> hostsOverride;
    InboundAuth inboundAuth;
    /// Ports that clients not on loopback may open tunnels (CONNECT, SOCKS) to;
    /// loopback clients may reach any port.
    QList<quint16> remoteTunnelPorts{443};

    static constexpr quint16 defaultPort = 8877;
};

/// Parses "host:port", "[v6]:port", "port" or "host" into an address and port.
/// Returns an empty string on success, otherwise a readable reason.
QString parseListenAddress(const QString& text, QHostAddress* address, quint16* port);

} // namespace Switchyard
