#include "Resolver.h"

#include <QHostInfo>
#include <QPointer>

namespace Switchyard {

Resolver::Resolver(QObject* parent) : QObject(parent) {}

void Resolver::setHostsOverride(const QHash<QString, QList<QHostAddress>>& hosts)
{
    m_hosts = hosts;
}

void Resolver::lookup(const QString& host, QObject* context, Callback done)
{
    QHostAddress literal;
    if (literal.setAddress(host)) {
        done({literal}, {});
        return;
    }
    const QString name = host.endsWith(u'.') ? host.chopped(1).toLower() : host.toLower();
    if (name == u"localhost" || name.endsWith(u".localhost")) {
        done({QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)},
             {});
        return;
    }
    if (name == u"invalid" || name.endsWith(u".invalid")) {
        done({}, QStringLiteral("could not resolve host \"%1\" (a reserved name)").arg(host));
        return;
    }
    if (const auto it = m_hosts.constFind(name); it != m_hosts.constEnd()) {
        done(*it, {});
        return;
    }
    ++m_systemLookups;
    QHostInfo::lookupHost(name, context, [done = std::move(done), host](const QHostInfo& info) {
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            done({},
                 QStringLiteral("could not resolve host \"%1\": %2").arg(host, info.errorString()));
            return;
        }
        done(info.addresses(), {});
    });
}

} // namespace Switchyard
