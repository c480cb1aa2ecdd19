#include "MacProxyBackend.h"

#include "SystemProxyTool.h"

using namespace Qt::StringLiterals;

namespace Switchyard {

QString MacProxyBackend::name() const
{
    return u"macos"_s;
}

QString MacProxyBackend::displayName() const
{
    return tr("macOS (networksetup)");
}

QString MacProxyBackend::unavailableReason() const
{
#ifdef Q_OS_MACOS
    if (SystemProxyTool::find(MacNetworkSetup::program()).isEmpty())
        return tr("%1 is missing").arg(MacNetworkSetup::program());
    return {};
#else
    return tr("networksetup exists only on macOS");
#endif
}

QString MacProxyBackend::run(const QStringList& arguments, QByteArray* output)
{
#ifdef Q_OS_MACOS
    const SystemProxyToolResult result =
        SystemProxyTool::run(MacNetworkSetup::program(), arguments);
    if (!result.ok)
        return tr("networksetup %1 failed: %2").arg(arguments.value(0), result.error);
    if (output)
        *output = result.output;
    return {};
#else
    Q_UNUSED(arguments);
    Q_UNUSED(output);
    return unavailableReason();
#endif
}

QString MacProxyBackend::readServices(QList<MacServiceSettings>* services)
{
    services->clear();
    QByteArray output;
    if (QString error = run(MacNetworkSetup::listServicesCommand(), &output); !error.isEmpty())
        return error;
    using Part = MacNetworkSetup::ReadCommand;
    for (const QString& service : MacNetworkSetup::parseServices(output)) {
        MacServiceSettings settings;
        settings.service = service;
        const std::pair<Part, MacProxyEntry*> proxies[] = {{Part::Web, &settings.web},
                                                           {Part::SecureWeb, &settings.secureWeb},
                                                           {Part::Socks, &settings.socks}};
        QString error;
        for (const auto& [part, entry] : proxies) {
            if (error = run(MacNetworkSetup::readCommand(service, part), &output); !error.isEmpty())
                return error;
            if (!MacNetworkSetup::parseProxy(output, entry, &error))
                return error;
        }
        if (error = run(MacNetworkSetup::readCommand(service, Part::AutoProxy), &output);
            !error.isEmpty())
            return error;
        if (!MacNetworkSetup::parseAutoProxy(output, &settings.autoProxyUrl,
                                             &settings.autoProxyEnabled, &error))
            return error;
        if (error = run(MacNetworkSetup::readCommand(service, Part::BypassDomains), &output);
            !error.isEmpty())
            return error;
        settings.bypassDomains = MacNetworkSetup::parseBypassDomains(output);
        services->append(settings);
    }
    return {};
}

QString MacProxyBackend::runAll(const QList<QStringList>& commands)
{
    for (const QStringList& command : commands) {
        if (QString error = run(command); !error.isEmpty())
            return error;
    }
    return {};
}

QString MacProxyBackend::read(QJsonObject* snapshot)
{
    QList<MacServiceSettings> services;
    if (QString error = readServices(&services); !error.isEmpty())
        return error;
    *snapshot = MacNetworkSetup::toSnapshot(services);
    return {};
}

QString MacProxyBackend::apply(const SystemProxyTarget& target)
{
    if (QString error = target.validationError(); !error.isEmpty())
        return error;
    QByteArray output;
    if (QString error = run(MacNetworkSetup::listServicesCommand(), &output); !error.isEmpty())
        return error;
    const QStringList services = MacNetworkSetup::parseServices(output);
    if (services.isEmpty())
        return tr("macOS lists no network service to set a proxy on");
    for (const QString& service : services) {
        if (QString error = runAll(MacNetworkSetup::applyCommands(service, target));
            !error.isEmpty())
            return error;
    }
    QJsonObject after;
    if (QString error = read(&after); !error.isEmpty())
        return error;
    if (!pointsAt(after, target))
        return tr("the macOS proxy settings did not change (is an administrator needed?)");
    return {};
}

QString MacProxyBackend::restore(const QJsonObject& snapshot)
{
    QString error;
    const QList<MacServiceSettings> saved = MacNetworkSetup::fromSnapshot(snapshot, &error);
    if (!error.isEmpty())
        return error;
    QByteArray output;
    if (error = run(MacNetworkSetup::listServicesCommand(), &output); !error.isEmpty())
        return error;
    // A service removed since (a USB adapter unplugged) has nothing to restore.
    const QStringList present = MacNetworkSetup::parseServices(output);
    for (const MacServiceSettings& settings : saved) {
        if (!present.contains(settings.service))
            continue;
        if (error = runAll(MacNetworkSetup::restoreCommands(settings)); !error.isEmpty())
            return error;
    }
    return {};
}

bool MacProxyBackend::pointsAt(const QJsonObject& snapshot, const SystemProxyTarget& target) const
{
    QString error;
    const QList<MacServiceSettings> services = MacNetworkSetup::fromSnapshot(snapshot, &error);
    if (!error.isEmpty() || services.isEmpty())
        return false;
    for (const MacServiceSettings& settings : services) {
        if (!MacNetworkSetup::pointsAt(settings, target))
            return false;
    }
    return true;
}

} // namespace Switchyard
