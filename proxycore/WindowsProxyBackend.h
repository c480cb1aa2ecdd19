#pragma once

#include "SystemProxyBackend.h"
#include "WindowsProxySettings.h"

#include <QCoreApplication>

namespace Switchyard {

/// Windows: the WinINet per-user proxy settings (ProxyEnable, ProxyServer,
/// ProxyOverride, AutoConfigURL under HKCU\…\Internet Settings), then
/// InternetSetOption(SETTINGS_CHANGED) and (REFRESH) so that running programs
/// pick them up. Which values are written is WindowsProxySettings' job; only
/// the registry calls are Windows code. Elsewhere the backend is unavailable.
class WindowsProxyBackend : public SystemProxyBackend
{
    Q_DECLARE_TR_FUNCTIONS(WindowsProxyBackend)
public:
    QString name() const override;
    QString displayName() const override;
    QString unavailableReason() const override;
    QString read(QJsonObject* snapshot) override;
    QString apply(const SystemProxyTarget& target) override;
    QString restore(const QJsonObject& snapshot) override;
    bool pointsAt(const QJsonObject& snapshot, const SystemProxyTarget& target) const override;

private:
    QString readValues(QList<WindowsRegistryValue>* values);
    QString writeValues(const QList<WindowsRegistryValue>& values);
};

} // namespace Switchyard
