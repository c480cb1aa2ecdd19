#pragma once

#include "UiPreferences.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// Where "system proxy" points the desktop: Switchyard's own address, either as
/// the manual HTTP, HTTPS and SOCKS proxy or as the PAC file the engine serves.
/// A plain value; each backend turns it into its desktop's own settings.
struct SystemProxyTarget
{
    using Mode = UiPreferences::SystemProxyMode;

    QString host; ///< an IP literal the desktop's clients can reach (never 0.0.0.0 or ::)
    quint16 port = 0;
    Mode mode = Mode::Manual;

    /// The target for an engine bound to address:port. A wildcard address (0.0.0.0,
    /// ::) becomes the matching loopback address: the desktop's own clients reach
    /// Switchyard there, and "any" is not an address a client can connect to.
    static SystemProxyTarget forListenAddress(const QHostAddress& address, quint16 port,
                                              Mode mode = Mode::Manual);

    /// Whether host and port make a target at all; the reason when not.
    QString validationError() const;
    /// host as it goes into a URL: IPv6 in brackets.
    QString urlHost() const;
    /// http://HOST:PORT/proxy.pac, which the engine serves from its rules.
    QString pacUrl() const;
    /// What bypasses the proxy, in a neutral notation (host names, "*.suffix"
    /// wildcards and CIDR ranges) that each backend translates: loopback and
    /// the addresses that only make sense on the local link. Traffic to them
    /// through a proxy would fail or leak nothing worth hiding.
    static QStringList bypassHosts();

    /// For the journal.
    QJsonObject toJson() const;
    /// The reverse of toJson(); a target whose validationError() is not empty
    /// when the object is not one.
    static SystemProxyTarget fromJson(const QJsonObject& object);

    bool operator==(const SystemProxyTarget& other) const = default;
};

} // namespace Switchyard
