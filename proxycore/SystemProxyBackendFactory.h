#pragma once

#include "SystemProxyBackend.h"

#include <QCoreApplication>
#include <memory>

namespace Switchyard {

/// Picks the system proxy backend for this desktop.
///
/// Windows and macOS have one each. On Linux and the BSDs the desktop decides:
/// XDG_CURRENT_DESKTOP naming KDE (or KDE_FULL_SESSION=true) means kioslaverc;
/// GNOME and the desktops that read its settings (Unity, Cinnamon, Budgie,
/// Pantheon, MATE, XFCE, LXDE, LXQt …) mean gsettings; an unknown or missing
/// desktop (a plain X session, a headless box) takes whichever tools are
/// installed, gsettings first. SWITCHYARD_SYSTEM_PROXY_BACKEND=gnome|kde
/// overrides the choice.
class SystemProxyBackendFactory
{
    Q_DECLARE_TR_FUNCTIONS(SystemProxyBackendFactory)
public:
    /// The backend for this desktop, or null with *error saying why none applies.
    static std::unique_ptr<SystemProxyBackend> create(QString* error);
    /// The backend called name (as SystemProxyBackend::name() says), usable
    /// here, or null with *error: for a journal written by that backend.
    static std::unique_ptr<SystemProxyBackend> createNamed(const QString& name, QString* error);

    /// The choice on Linux, from the environment and what is installed: a
    /// backend name, or empty when none fits. Pure, for the tests.
    static QString chooseLinuxBackend(const QString& currentDesktop, bool kdeFullSession,
                                      bool gnomeUsable, bool kdeUsable);
};

} // namespace Switchyard
