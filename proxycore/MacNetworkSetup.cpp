#include "MacNetworkSetup.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace Switchyard {

namespace {

// networksetup's verbs for the three manual proxies, in one order.
struct ProxyVerbs
{
    QString get;
    QString set;
    QString state;
};

const ProxyVerbs webVerbs{u"-getwebproxy"_s, u"-setwebproxy"_s, u"-setwebproxystate"_s};
const ProxyVerbs secureWebVerbs{u"-getsecurewebproxy"_s, u"-setsecurewebproxy"_s,
                                u"-setsecurewebproxystate"_s};
const ProxyVerbs socksVerbs{u"-getsocksfirewallproxy"_s, u"-setsocksfirewallproxy"_s,
                            u"-setsocksfirewallproxystate"_s};

QString onOff(bool on)
{
    return on ? u"on"_s : u"off"_s;
}

// "Key: value" lines → key → value.
QMap<QString, QString> fields(const QByteArray& output)
{
    QMap<QString, QString> result;
    for (const QByteArray& rawLine : output.split('\n')) {
        const QString line = QString::fromUtf8(rawLine).trimmed();
        const qsizetype colon = line.indexOf(u':');
        if (colon > 0)
            result.insert(line.left(colon).trimmed(), line.mid(colon + 1).trimmed());
    }
    return result;
}

QJsonObject entryToJson(const MacProxyEntry& entry)
{
    return {{u"enabled"_s, entry.enabled},
            {u"server"_s, entry.server},
            {u"port"_s, entry.port},
            {u"authenticated"_s, entry.authenticated}};
}

bool entryFromJson(const QJsonValue& value, MacProxyEntry* entry)
{
    const QJsonObject object = value.toObject();
    if (!object.value(u"enabled"_s).isBool() || !object.value(u"server"_s).isString() ||
        !object.value(u"port"_s).isDouble())
        return false;
    entry->enabled = object.value(u"enabled"_s).toBool();
    entry->server = object.value(u"server"_s).toString();
    entry->port = object.value(u"port"_s).toInt();
    entry->authenticated = object.value(u"authenticated"_s).toBool();
    return true;
}

void appendRestore(QList<QStringList>* commands, const QString& service, const ProxyVerbs& verbs,
                   const MacProxyEntry& entry)
{
    // Setting a server switches the proxy on, so the state comes after it.
    if (!entry.server.isEmpty())
        commands->append({verbs.set, service, entry.server, QString::number(entry.port)});
    commands->append({verbs.state, service, onOff(entry.enabled && !entry.server.isEmpty())});
}

bool entryPointsAt(const MacProxyEntry& entry, const SystemProxyTarget& target)
{
    return entry.enabled && entry.server == target.host && entry.port == target.port;
}

} // namespace

QString MacNetworkSetup::program()
{
    return u"/usr/sbin/networksetup"_s;
}

QStringList MacNetworkSetup::listServicesCommand()
{
    return {u"-listallnetworkservices"_s};
}

QStringList MacNetworkSetup::parseServices(const QByteArray& output)
{
    QStringList services;
    for (const QByteArray& rawLine : output.split('\n')) {
        QString line = QString::fromUtf8(rawLine).trimmed();
        if (line.isEmpty() || line.startsWith(u"An asterisk"_s))
            continue;
        if (line.startsWith(u'*'))
            line = line.mid(1).trimmed();
        if (!line.isEmpty())
            services.append(line);
    }
    return services;
}

QStringList MacNetworkSetup::readCommand(const QString& service, ReadCommand part)
{
    switch (part) {
    case ReadCommand::Web:
        return {webVerbs.get, service};
    case ReadCommand::SecureWeb:
        return {secureWebVerbs.get, service};
    case ReadCommand::Socks:
        return {socksVerbs.get, service};
    case ReadCommand::AutoProxy:
        return {u"-getautoproxyurl"_s, service};
    case ReadCommand::BypassDomains:
        return {u"-getproxybypassdomains"_s, service};
    }
    return {};
}

bool MacNetworkSetup::parseProxy(const QByteArray& output, MacProxyEntry* entry, QString* error)
{
    const QMap<QString, QString> values = fields(output);
    bool portOk = false;
    const int port = values.value(u"Port"_s).toInt(&portOk);
    if (!values.contains(u"Enabled"_s) || !values.contains(u"Server"_s) || !portOk) {
        *error =
            tr("unexpected answer from networksetup: %1").arg(QString::fromUtf8(output).trimmed());
        return false;
    }
    entry->enabled = values.value(u"Enabled"_s) == u"Yes"_s;
    entry->server = values.value(u"Server"_s);
    entry->port = port;
    entry->authenticated = values.value(u"Authenticated Proxy Enabled"_s) == u"1"_s;
    return true;
}

bool MacNetworkSetup::parseAutoProxy(const QByteArray& output, QString* url, bool* enabled,
                                     QString* error)
{
    const QMap<QString, QString> values = fields(output);
    if (!values.contains(u"URL"_s) || !values.contains(u"Enabled"_s)) {
        *error =
            tr("unexpected answer from networksetup: %1").arg(QString::fromUtf8(output).trimmed());
        return false;
    }
    *url = values.value(u"URL"_s) == u"(null)"_s ? QString() : values.value(u"URL"_s);
    *enabled = values.value(u"Enabled"_s) == u"Yes"_s;
    return true;
}

QStringList MacNetworkSetup::parseBypassDomains(const QByteArray& output)
{
    QStringList domains;
    for (const QByteArray& rawLine : output.split('\n')) {
        const QString line = QString::fromUtf8(rawLine).trimmed();
        if (line.isEmpty() || line.startsWith(u"There aren't any"_s))
            continue;
        domains.append(line);
    }
    return domains;
}

QStringList MacNetworkSetup::bypassDomains()
{
    return SystemProxyTarget::bypassHosts();
}

QList<QStringList> MacNetworkSetup::applyCommands(const QString& service,
                                                  const SystemProxyTarget& target)
{
    if (target.mode == SystemProxyTarget::Mode::Pac) {
        return {{u"-setautoproxyurl"_s, service, target.pacUrl()},
                {u"-setautoproxystate"_s, service, u"on"_s},
                {webVerbs.state, service, u"off"_s},
                {secureWebVerbs.state, service, u"off"_s},
                {socksVerbs.state, service, u"off"_s}};
    }
    const QString port = QString::number(target.port);
    QList<QStringList> commands;
    for (const ProxyVerbs* verbs : {&webVerbs, &secureWebVerbs, &socksVerbs}) {
        commands.append({verbs->set, service, target.host, port});
        commands.append({verbs->state, service, u"on"_s});
    }
    commands.append(QStringList{u"-setproxybypassdomains"_s, service} + bypassDomains());
    // An automatic configuration left on would be asked first.
    commands.append({u"-setautoproxystate"_s, service, u"off"_s});
    return commands;
}

QList<QStringList> MacNetworkSetup::restoreCommands(const MacServiceSettings& settings)
{
    QList<QStringList> commands;
    appendRestore(&commands, settings.service, webVerbs, settings.web);
    appendRestore(&commands, settings.service, secureWebVerbs, settings.secureWeb);
    appendRestore(&commands, settings.service, socksVerbs, settings.socks);
    if (!settings.autoProxyUrl.isEmpty())
        commands.append({u"-setautoproxyurl"_s, settings.service, settings.autoProxyUrl});
    commands.append({u"-setautoproxystate"_s, settings.service,
                     onOff(settings.autoProxyEnabled && !settings.autoProxyUrl.isEmpty())});
    // "Empty" is networksetup's word for no domains at all.
    commands.append(
        QStringList{u"-setproxybypassdomains"_s, settings.service} +
        (settings.bypassDomains.isEmpty() ? QStringList{u"Empty"_s} : settings.bypassDomains));
    return commands;
}

bool MacNetworkSetup::pointsAt(const MacServiceSettings& settings, const SystemProxyTarget& target)
{
    if (target.mode == SystemProxyTarget::Mode::Pac)
        return settings.autoProxyEnabled && settings.autoProxyUrl == target.pacUrl();
    return entryPointsAt(settings.web, target) && entryPointsAt(settings.secureWeb, target) &&
           entryPointsAt(settings.socks, target) && !settings.autoProxyEnabled;
}

QJsonObject MacNetworkSetup::toSnapshot(const QList<MacServiceSettings>& services)
{
    QJsonArray array;
    for (const MacServiceSettings& settings : services) {
        array.append(
            QJsonObject{{u"service"_s, settings.service},
                        {u"web"_s, entryToJson(settings.web)},
                        {u"secureWeb"_s, entryToJson(settings.secureWeb)},
                        {u"socks"_s, entryToJson(settings.socks)},
                        {u"autoProxyUrl"_s, settings.autoProxyUrl},
                        {u"autoProxyEnabled"_s, settings.autoProxyEnabled},
                        {u"bypassDomains"_s, QJsonArray::fromStringList(settings.bypassDomains)}});
    }
    return {{u"services"_s, array}};
}

QList<MacServiceSettings> MacNetworkSetup::fromSnapshot(const QJsonObject& snapshot, QString* error)
{
    QList<MacServiceSettings> services;
    if (!snapshot.value(u"services"_s).isArray()) {
        *error = tr("the saved macOS proxy settings are damaged (no services)");
        return {};
    }
    for (const QJsonValue& value : snapshot.value(u"services"_s).toArray()) {
        const QJsonObject object = value.toObject();
        MacServiceSettings settings;
        settings.service = object.value(u"service"_s).toString();
        settings.autoProxyUrl = object.value(u"autoProxyUrl"_s).toString();
        settings.autoProxyEnabled = object.value(u"autoProxyEnabled"_s).toBool();
        for (const QJsonValue& domain : object.value(u"bypassDomains"_s).toArray())
            settings.bypassDomains.append(domain.toString());
        if (settings.service.isEmpty() || !entryFromJson(object.value(u"web"_s), &settings.web) ||
            !entryFromJson(object.value(u"secureWeb"_s), &settings.secureWeb) ||
            !entryFromJson(object.value(u"socks"_s), &settings.socks)) {
            *error = tr("the saved macOS proxy settings are damaged");
            return {};
        }
        services.append(settings);
    }
    return services;
}

} // namespace Switchyard
