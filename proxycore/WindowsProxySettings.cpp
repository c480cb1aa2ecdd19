#include "WindowsProxySettings.h"

using namespace Qt::StringLiterals;

namespace Switchyard {

namespace {

const QString proxyEnable = u"ProxyEnable"_s;
const QString proxyServerName = u"ProxyServer"_s;
const QString proxyOverrideName = u"ProxyOverride"_s;
const QString autoConfigUrl = u"AutoConfigURL"_s;

WindowsRegistryValue find(const QList<WindowsRegistryValue>& values, const QString& name)
{
    for (const WindowsRegistryValue& value : values) {
        if (value.name.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return WindowsRegistryValue::absent(name);
}

} // namespace

QString WindowsProxySettings::keyPath()
{
    return u"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"_s;
}

QStringList WindowsProxySettings::valueNames()
{
    return {proxyEnable, proxyServerName, proxyOverrideName, autoConfigUrl};
}

QString WindowsProxySettings::proxyServer(const SystemProxyTarget& target)
{
    const QString address = u"%1:%2"_s.arg(target.urlHost()).arg(target.port);
    return u"http=%1;https=%1;socks=%1"_s.arg(address);
}

QString WindowsProxySettings::proxyOverride()
{
    // WinINet matches wildcards, not CIDR ranges: 127.0.0.0/8 is 127.*.
    QStringList entries;
    for (const QString& host : SystemProxyTarget::bypassHosts()) {
        if (host == u"127.0.0.0/8"_s)
            entries.append(u"127.*"_s);
        else if (host == u"169.254.0.0/16"_s)
            entries.append(u"169.254.*"_s);
        else if (host == u"::1"_s)
            entries.append(u"[::1]"_s);
        else if (host.contains(u'/'))
            continue; // fe80::/10 has no wildcard form WinINet accepts
        else
            entries.append(host);
    }
    entries.append(u"<local>"_s);
    return entries.join(u';');
}

QList<WindowsRegistryValue> WindowsProxySettings::valuesFor(const SystemProxyTarget& target)
{
    if (target.mode == SystemProxyTarget::Mode::Pac) {
        // The PAC file decides; a manual proxy left enabled would be used by
        // clients that ignore AutoConfigURL.
        return {WindowsRegistryValue::number(proxyEnable, 0),
                WindowsRegistryValue::string(autoConfigUrl, target.pacUrl())};
    }
    // WinINet prefers AutoConfigURL over the manual proxy when both are set.
    return {WindowsRegistryValue::number(proxyEnable, 1),
            WindowsRegistryValue::string(proxyServerName, proxyServer(target)),
            WindowsRegistryValue::string(proxyOverrideName, proxyOverride()),
            WindowsRegistryValue::absent(autoConfigUrl)};
}

QJsonObject WindowsProxySettings::toSnapshot(const QList<WindowsRegistryValue>& values)
{
    QJsonObject out;
    for (const QString& name : valueNames()) {
        const WindowsRegistryValue value = find(values, name);
        switch (value.kind) {
        case WindowsRegistryValue::Kind::Absent:
            out[name] = QJsonValue(QJsonValue::Null);
            break;
        case WindowsRegistryValue::Kind::Dword:
            out[name] = QJsonObject{{u"dword"_s, double(value.dword)}};
            break;
        case WindowsRegistryValue::Kind::String:
            out[name] = QJsonObject{{u"string"_s, value.text}};
            break;
        }
    }
    return {{u"values"_s, out}};
}

QList<WindowsRegistryValue> WindowsProxySettings::fromSnapshot(const QJsonObject& snapshot,
                                                               QString* error)
{
    QList<WindowsRegistryValue> values;
    const QJsonObject in = snapshot.value(u"values"_s).toObject();
    for (const QString& name : valueNames()) {
        const QJsonValue value = in.value(name);
        const QJsonObject object = value.toObject();
        if (value.isNull()) {
            values.append(WindowsRegistryValue::absent(name));
        } else if (object.value(u"string"_s).isString()) {
            values.append(WindowsRegistryValue::string(name, object.value(u"string"_s).toString()));
        } else if (object.value(u"dword"_s).isDouble()) {
            const double number = object.value(u"dword"_s).toDouble();
            if (number < 0 || number > 4294967295.0) {
                *error = tr("the saved Windows proxy settings are damaged (%1)").arg(name);
                return {};
            }
            values.append(WindowsRegistryValue::number(name, quint32(number)));
        } else {
            *error = tr("the saved Windows proxy settings are damaged (%1 is missing)").arg(name);
            return {};
        }
    }
    return values;
}

bool WindowsProxySettings::pointsAt(const QList<WindowsRegistryValue>& values,
                                    const SystemProxyTarget& target)
{
    if (target.mode == SystemProxyTarget::Mode::Pac)
        return find(values, autoConfigUrl) ==
               WindowsRegistryValue::string(autoConfigUrl, target.pacUrl());
    const WindowsRegistryValue enable = find(values, proxyEnable);
    return enable.kind == WindowsRegistryValue::Kind::Dword && enable.dword != 0 &&
           find(values, proxyServerName).text == proxyServer(target) &&
           find(values, autoConfigUrl).kind == WindowsRegistryValue::Kind::Absent;
}

} // namespace Switchyard
