#pragma once

#include "MacNetworkSetup.h"
#include "SystemProxyBackend.h"

#include <QCoreApplication>

namespace Switchyard {

/// macOS: the web, secure web and SOCKS proxies, the automatic proxy URL and
/// the bypass domains of every network service, through `networksetup`. The
/// command lines and the parsing are MacNetworkSetup's; only running the tool
/// is macOS code. Elsewhere the backend is unavailable.
///
/// A proxy that needed a password keeps it in the keychain; networksetup does
/// not show it, so restore() sets the server and port back without touching
/// the authentication.
class MacProxyBackend : public SystemProxyBackend
{
    Q_DECLARE_TR_FUNCTIONS(MacProxyBackend)
public:
    QString name() const override;
    QString displayName() const override;
    QString unavailableReason() const override;
    QString read(QJsonObject* snapshot) override;
    QString apply(const SystemProxyTarget& target) override;
    QString restore(const QJsonObject& snapshot) override;
    bool pointsAt(const QJsonObject& snapshot, const SystemProxyTarget& target) const override;

private:
    QString run(const QStringList& arguments, QByteArray* output = nullptr);
    QString readServices(QList<MacServiceSettings>* services);
    QString runAll(const QList<QStringList>& commands);
};

} // namespace Switchyard
