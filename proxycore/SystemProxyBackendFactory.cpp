#include "SystemProxyBackendFactory.h"

#include "GnomeProxyBackend.h"
#include "KdeProxyBackend.h"
#include "MacProxyBackend.h"
#include "WindowsProxyBackend.h"

using namespace Qt::StringLiterals;

namespace Switchyard {

namespace {

std::unique_ptr<SystemProxyBackend> makeBackend(const QString& name)
{
    if (name == u"gnome"_s)
        return std::make_unique<GnomeProxyBackend>();
    if (name == u"kde"_s)
        return std::make_unique<KdeProxyBackend>();
    if (name == u"windows"_s)
        return std::make_unique<WindowsProxyBackend>();
    if (name == u"macos"_s)
        return std::make_unique<MacProxyBackend>();
    return nullptr;
}

} // namespace

QString SystemProxyBackendFactory::chooseLinuxBackend(const QString& currentDesktop,
                                                      bool kdeFullSession, bool gnomeUsable,
                                                      bool kdeUsable)
{
    // XDG_CURRENT_DESKTOP is a colon-separated list, most specific first.
    const QStringList desktops = currentDesktop.toLower().split(u':', Qt::SkipEmptyParts);
    if (kdeFullSession || desktops.contains(u"kde"_s))
        return kdeUsable ? u"kde"_s : QString();
    static const QStringList gnomeLike = {
        u"gnome"_s,          u"unity"_s,           u"cinnamon"_s,      u"x-cinnamon"_s, u"budgie"_s,
        u"budgie-desktop"_s, u"pantheon"_s,        u"mate"_s,          u"xfce"_s,       u"lxde"_s,
        u"lxqt"_s,           u"gnome-flashback"_s, u"gnome-classic"_s, u"ubuntu"_s,     u"pop"_s,
        u"cosmic"_s,         u"deepin"_s,          u"ukui"_s};
    for (const QString& desktop : desktops) {
        if (gnomeLike.contains(desktop))
            return gnomeUsable ? u"gnome"_s : QString();
    }
    if (gnomeUsable)
        return u"gnome"_s;
    if (kdeUsable)
        return u"kde"_s;
    return {};
}

std::unique_ptr<SystemProxyBackend> SystemProxyBackendFactory::createNamed(const QString& name,
                                                                           QString* error)
{
    std::unique_ptr<SystemProxyBackend> backend = makeBackend(name);
    if (!backend) {
        *error = tr("unknown system proxy backend '%1'").arg(name);
        return nullptr;
    }
    if (const QString reason = backend->unavailableReason(); !reason.isEmpty()) {
        *error = tr("cannot change the %1 proxy settings: %2").arg(backend->displayName(), reason);
        return nullptr;
    }
    return backend;
}

std::unique_ptr<SystemProxyBackend> SystemProxyBackendFactory::create(QString* error)
{
    if (const QString forced = qEnvironmentVariable("SWITCHYARD_SYSTEM_PROXY_BACKEND");
        !forced.isEmpty())
        return createNamed(forced, error);
#if defined(Q_OS_WIN)
    return createNamed(u"windows"_s, error);
#elif defined(Q_OS_MACOS)
    return createNamed(u"macos"_s, error);
#else
    const QString desktop = qEnvironmentVariable("XDG_CURRENT_DESKTOP");
    const bool kdeSession = qEnvironmentVariable("KDE_FULL_SESSION") == u"true"_s;
    const QString gnomeReason = GnomeProxyBackend().unavailableReason();
    const QString kdeReason = KdeProxyBackend().unavailableReason();
    const QString chosen =
        chooseLinuxBackend(desktop, kdeSession, gnomeReason.isEmpty(), kdeReason.isEmpty());
    if (!chosen.isEmpty())
        return createNamed(chosen, error);
    const QString shownDesktop = desktop.isEmpty() ? tr("an unknown desktop") : desktop;
    *error = tr("no way to change the system proxy on %1: GNOME settings: %2; KDE settings: %3")
                 .arg(shownDesktop, gnomeReason.isEmpty() ? tr("not this desktop") : gnomeReason,
                      kdeReason.isEmpty() ? tr("not this desktop") : kdeReason);
    return nullptr;
#endif
}

} // namespace Switchyard
