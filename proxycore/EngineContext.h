#pragma once

#include "EngineSettings.h"
#include "LoginThrottle.h"

#include <QHostAddress>
#include <memory>

namespace Switchyard {

class EventLogger;
class RuleEngine;
class OriginPool;
class Resolver;

/// The route chosen for one connection: the action, the exit (a copy, so that a
/// settings change cannot pull it away mid-connection) and why.
struct RouteChoice
{
    RouteAction action;
    UpstreamProfile profile; ///< valid when action.kind == Profile
    QString ruleText;        ///< the deciding rule, empty for the default action
    QString error;           ///< set when the route is broken (then action is Block)

    bool isBlocked() const { return action.kind == RouteAction::Kind::Block; }
    bool viaExit() const { return action.kind == RouteAction::Kind::Profile; }
    /// Exits that take absolute-form requests (HTTP and HTTPS proxies).
    bool viaHttpExit() const;
    /// "direct", "blocked", or the exit's name: the log's route column.
    QString routeName() const;
};

/// What every connection handler shares within one engine thread.
struct EngineContext
{
    EngineSettings settings;
    Resolver* resolver = nullptr;
    OriginPool* pool = nullptr;
    EventLogger* logger = nullptr;
    /// The compiled rules, swapped whole on a change (sessions copy what they need).
    std::shared_ptr<const RuleEngine> rules;
    QHostAddress boundAddress;
    quint16 boundPort = 0;
    int activeConnections = 0;
    quint64 totalBytesUp = 0;
    quint64 totalBytesDown = 0;
    quint64 totalRequests = 0;
    LoginThrottle loginThrottle;

    /// Whether host:port names this proxy's own listening socket.
    bool isSelf(const QString& host, quint16 port) const;
    /// Whether a resolved address and port reach this proxy's own listening socket
    /// (a name can point there when a literal would have been caught by isSelf).
    bool isOwnSocket(const QHostAddress& address, quint16 port) const;
    /// Why a client that is not on loopback may not reach host:port, or an empty
    /// string: such clients get no tunnels outside remoteTunnelPorts and nothing on
    /// this machine's loopback or link-local addresses.
    QString refusalForRemoteClient(const QString& host, quint16 port, bool tunnel) const;
    /// Whether an address is one a remote client may not reach.
    static bool isLocalAddress(const QHostAddress& address);
    /// The route for a destination; url is empty for tunnels.
    RouteChoice chooseRoute(const QString& host, quint16 port, const QString& url) const;
    /// The PAC file for clients that reached the proxy at proxyHostPort.
    QByteArray pacScript(const QString& proxyHostPort);

private:
    QByteArray m_pacScript;
    QString m_pacAddress;
    std::shared_ptr<const RuleEngine> m_pacRules;
};

} // namespace Switchyard
