#include "EngineContext.h"

#include "PacGenerator.h"
#include "RuleEngine.h"

#include <QNetworkInterface>
#include <algorithm>

namespace Switchyard {

bool EngineContext::isSelf(const QString& host, quint16 port) const
{
    if (port != boundPort)
        return false;
    if (host == u"localhost" || host.endsWith(u".localhost"))
        return boundAddress.isLoopback() || boundAddress == QHostAddress::Any ||
               boundAddress == QHostAddress::AnyIPv6 || boundAddress == QHostAddress::AnyIPv4;
    QHostAddress address;
    if (!address.setAddress(host))
        return false;
    if (address == boundAddress || address.isEqual(boundAddress, QHostAddress::TolerantConversion))
        return true;
    const bool boundAny = boundAddress == QHostAddress::Any ||
                          boundAddress == QHostAddress::AnyIPv6 ||
                          boundAddress == QHostAddress::AnyIPv4;
    return boundAny && address.isLoopback();
}

bool EngineContext::isOwnSocket(const QHostAddress& address, quint16 port) const
{
    if (boundPort == 0 || port != boundPort)
        return false;
    if (address.isEqual(boundAddress, QHostAddress::TolerantConversion))
        return true;
    const bool boundAny = boundAddress == QHostAddress::Any ||
                          boundAddress == QHostAddress::AnyIPv6 ||
                          boundAddress == QHostAddress::AnyIPv4;
    if (!boundAny)
        return false;
    if (address.isLoopback())
        return true;
    // Listening on every address: any address of this machine reaches us.
    const QList<QHostAddress> own = QNetworkInterface::allAddresses();
    return std::any_of(own.cbegin(), own.cend(), [&](const QHostAddress& candidate) {
        return candidate.isEqual(address, QHostAddress::TolerantConversion);
    });
}

bool EngineContext::isLocalAddress(const QHostAddress& address)
{
    bool isV4 = false;
    const QHostAddress plain = QHostAddress(address.toIPv4Address(&isV4));
    const QHostAddress& a = isV4 ? plain : address;
    return a.isLoopback() || a.isLinkLocal() || a == QHostAddress::AnyIPv4 ||
           a == QHostAddress::AnyIPv6;
}

QString EngineContext::refusalForRemoteClient(const QString& host, quint16 port, bool tunnel) const
{
    if (tunnel && !settings.remoteTunnelPorts.contains(port))
        return QStringLiteral("tunnels to port %1 are not open to clients on other machines")
            .arg(port);
    QHostAddress literal;
    const bool isLocalName = host == u"localhost" || host.endsWith(u".localhost");
    if (isLocalName || (literal.setAddress(host) && isLocalAddress(literal)))
        return QStringLiteral(
                   "%1 is on this machine, which clients on other machines may not reach")
            .arg(host);
    return {};
}

bool RouteChoice::viaHttpExit() const
{
    return viaExit() && (profile.type == UpstreamProfile::Type::Http ||
                         profile.type == UpstreamProfile::Type::Https);
}

QString RouteChoice::routeName() const
{
    switch (action.kind) {
    case RouteAction::Kind::Direct:
        return QStringLiteral("direct");
    case RouteAction::Kind::Block:
        return QStringLiteral("blocked");
    case RouteAction::Kind::Profile:
        return profile.name;
    }
    return {};
}

RouteChoice EngineContext::chooseRoute(const QString& host, quint16 port, const QString& url) const
{
    RouteChoice choice;
    const RouteDecision decision = rules ? rules->decide({host, port, url}) : RouteDecision();
    choice.action = decision.action;
    choice.ruleText = decision.isDefault() ? QString() : decision.describe();
    choice.error = decision.error;
    if (choice.action.kind != RouteAction::Kind::Profile)
        return choice;
    for (const UpstreamProfile& profile : settings.profiles) {
        if (profile.id != choice.action.profileId)
            continue;
        choice.profile = profile;
        if (isSelf(profile.host, profile.port)) {
            choice.error =
                QStringLiteral("the exit \"%1\" is Switchyard itself: a loop").arg(profile.name);
            choice.action = RouteAction::block();
        }
        return choice;
    }
    // Fail closed: a missing exit blocks, it never means direct.
    choice.error =
        QStringLiteral("the exit \"%1\" chosen for this traffic no longer exists")
            .arg(decision.profileName.isEmpty() ? choice.action.profileId : decision.profileName);
    choice.action = RouteAction::block();
    return choice;
}

QByteArray EngineContext::pacScript(const QString& proxyHostPort)
{
    if (!rules)
        return {};
    if (m_pacRules != rules || m_pacAddress != proxyHostPort) {
        PacGenerator::Options options;
        options.proxyHostPort = proxyHostPort;
        // Served by Switchyard itself: blocked requests come here and get a 403.
        options.blockStyle = PacGenerator::BlockStyle::ThroughSwitchyard;
        m_pacScript = PacGenerator::generate(*rules, options).script;
        m_pacRules = rules;
        m_pacAddress = proxyHostPort;
    }
    return m_pacScript;
}

} // namespace Switchyard
