#pragma once

#include "SystemProxyTarget.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// One proxy of one network service as `networksetup -getwebproxy` (or
/// -getsecurewebproxy, -getsocksfirewallproxy) prints it.
struct MacProxyEntry
{
    bool enabled = false;
    QString server;
    int port = 0;
    bool authenticated = false;
    bool operator==(const MacProxyEntry& other) const = default;
};

/// Everything MacProxyBackend reads and restores for one network service.
struct MacServiceSettings
{
    QString service;
    MacProxyEntry web;       ///< HTTP
    MacProxyEntry secureWeb; ///< HTTPS
    MacProxyEntry socks;
    QString autoProxyUrl; ///< empty when none is set
    bool autoProxyEnabled = false;
    QStringList bypassDomains;
    bool operator==(const MacServiceSettings& other) const = default;
};

/// The macOS `networksetup` command lines for the system proxy, and the
/// parsing of what its -get… commands print. Pure, so that it builds and is
/// tested on every platform; MacProxyBackend runs the commands.
class MacNetworkSetup
{
    Q_DECLARE_TR_FUNCTIONS(MacNetworkSetup)
public:
    enum class ReadCommand { Web, SecureWeb, Socks, AutoProxy, BypassDomains };

    static QString program();

    /// The argument list of -listallnetworkservices.
    static QStringList listServicesCommand();
    /// Service names from -listallnetworkservices, the header line dropped and
    /// the "*" of disabled services taken off (their settings still count when
    /// they are switched on).
    static QStringList parseServices(const QByteArray& output);
    /// The -get… command for one part of a service's settings.
    static QStringList readCommand(const QString& service, ReadCommand part);
    /// Parses -getwebproxy/-getsecurewebproxy/-getsocksfirewallproxy output;
    /// false with *error set for anything else (an unknown service …).
    static bool parseProxy(const QByteArray& output, MacProxyEntry* entry, QString* error);
    /// Parses -getautoproxyurl output ("URL: (null)" is no URL).
    static bool parseAutoProxy(const QByteArray& output, QString* url, bool* enabled,
                               QString* error);
    /// Parses -getproxybypassdomains output ("There aren't any …" is none).
    static QStringList parseBypassDomains(const QByteArray& output);

    /// The bypass list in networksetup's notation.
    static QStringList bypassDomains();
    /// The commands that point service at target.
    static QList<QStringList> applyCommands(const QString& service,
                                            const SystemProxyTarget& target);
    /// The commands that put a service's settings back. A proxy whose server
    /// was empty is switched off (networksetup cannot empty a server again).
    static QList<QStringList> restoreCommands(const MacServiceSettings& settings);
    /// Whether a service's settings send its traffic to target.
    static bool pointsAt(const MacServiceSettings& settings, const SystemProxyTarget& target);

    static QJsonObject toSnapshot(const QList<MacServiceSettings>& services);
    static QList<MacServiceSettings> fromSnapshot(const QJsonObject& snapshot, QString* error);
};

} // namespace Switchyard
