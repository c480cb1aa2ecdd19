#include "SystemProxyTarget.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace Switchyard {

SystemProxyTarget SystemProxyTarget::forListenAddress(const QHostAddress& address, quint16 port,
                                                      Mode mode)
{
    QHostAddress reachable = address;
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any)
        reachable = QHostAddress(QHostAddress::LocalHost);
    else if (address == QHostAddress::AnyIPv6)
        reachable = QHostAddress(QHostAddress::LocalHostIPv6);
    SystemProxyTarget target;
    target.host = reachable.isNull() ? QString() : reachable.toString();
    target.port = port;
    target.mode = mode;
    return target;
}

QString SystemProxyTarget::validationError() const
{
    if (host.isEmpty())
        return QCoreApplication::translate("SystemProxyTarget", "no proxy address");
    const QHostAddress address(host);
    if (address.isNull())
        return QCoreApplication::translate("SystemProxyTarget", "'%1' is not an IP address")
            .arg(host);
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6)
        return QCoreApplication::translate("SystemProxyTarget",
                                           "'%1' is not an address a client can connect to")
            .arg(host);
    if (port == 0)
        return QCoreApplication::translate("SystemProxyTarget", "no proxy port");
    return {};
}

QString SystemProxyTarget::urlHost() const
{
    return host.contains(u':') ? u'[' + host + u']' : host;
}

QString SystemProxyTarget::pacUrl() const
{
    return u"http://%1:%2/proxy.pac"_s.arg(urlHost()).arg(port);
}

QStringList SystemProxyTarget::bypassHosts()
{
    return {u"localhost"_s, u"127.0.0.0/8"_s,    u"::1"_s,      u"*.localhost"_s,
            u"*.local"_s,   u"169.254.0.0/16"_s, u"fe80::/10"_s};
}

QJsonObject SystemProxyTarget::toJson() const
{
    return {{u"host"_s, host},
            {u"port"_s, int(port)},
            {u"mode"_s, mode == Mode::Pac ? u"pac"_s : u"manual"_s}};
}

SystemProxyTarget SystemProxyTarget::fromJson(const QJsonObject& object)
{
    SystemProxyTarget target;
    target.host = object.value(u"host"_s).toString();
    const int port = object.value(u"port"_s).toInt(0);
    target.port = port > 0 && port <= 65535 ? quint16(port) : quint16(0);
    target.mode = object.value(u"mode"_s).toString() == u"pac"_s ? Mode::Pac : Mode::Manual;
    return target;
}

} // namespace Switchyard
