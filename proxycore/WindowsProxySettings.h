#pragma once

#include "SystemProxyTarget.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Switchyard {

/// One value under HKCU\Software\Microsoft\Windows\CurrentVersion\Internet
/// Settings, as read or to be written; Absent means "no such value" (deleted).
struct WindowsRegistryValue
{
    enum class Kind { Absent, Dword, String };

    QString name;
    Kind kind = Kind::Absent;
    quint32 dword = 0;
    QString text;

    static WindowsRegistryValue absent(const QString& name) { return {name, Kind::Absent, 0, {}}; }
    static WindowsRegistryValue number(const QString& name, quint32 value)
    {
        return {name, Kind::Dword, value, {}};
    }
    static WindowsRegistryValue string(const QString& name, const QString& value)
    {
        return {name, Kind::String, 0, value};
    }
    bool operator==(const WindowsRegistryValue& other) const = default;
};

/// The WinINet per-user proxy settings that WindowsProxyBackend writes: which
/// registry values a target and a snapshot stand for. Pure, so that it builds
/// and is tested on every platform.
class WindowsProxySettings
{
    Q_DECLARE_TR_FUNCTIONS(WindowsProxySettings)
public:
    /// Below HKEY_CURRENT_USER.
    static QString keyPath();
    /// ProxyEnable, ProxyServer, ProxyOverride, AutoConfigURL: what is read and restored.
    static QStringList valueNames();
    /// "http=H:P;https=H:P;socks=H:P".
    static QString proxyServer(const SystemProxyTarget& target);
    /// The bypass list in ProxyOverride's notation, ending in <local> (names without a dot).
    static QString proxyOverride();
    /// The values to write for target, in order; Absent ones are deleted.
    static QList<WindowsRegistryValue> valuesFor(const SystemProxyTarget& target);

    /// A snapshot of valueNames() for the journal.
    static QJsonObject toSnapshot(const QList<WindowsRegistryValue>& values);
    /// The values a snapshot holds (every one of valueNames(), Absent included);
    /// empty with *error set when it is damaged.
    static QList<WindowsRegistryValue> fromSnapshot(const QJsonObject& snapshot, QString* error);
    /// Whether these values send the user's traffic to target.
    static bool pointsAt(const QList<WindowsRegistryValue>& values,
                         const SystemProxyTarget& target);
};

} // namespace Switchyard
