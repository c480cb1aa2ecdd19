#pragma once

#include "SystemProxyTarget.h"

#include <QJsonObject>
#include <QString>

namespace Switchyard {

/// One desktop's proxy settings (GNOME, KDE, Windows, macOS). It reads them as a
/// snapshot, points them at a target, and puts a snapshot back exactly as it was,
/// keys that were unset included. A snapshot is plain JSON so that the journal
/// can keep it on disk; only the backend that wrote it knows its shape.
///
/// Every call is synchronous and bounded in time (external tools run with a
/// timeout); errors come back as readable text, empty meaning success.
class SystemProxyBackend
{
public:
    SystemProxyBackend() = default;
    virtual ~SystemProxyBackend();
    SystemProxyBackend(const SystemProxyBackend&) = delete;
    SystemProxyBackend& operator=(const SystemProxyBackend&) = delete;

    /// Stable id stored in the journal: "gnome", "kde", "windows", "macos".
    virtual QString name() const = 0;
    /// For messages: "GNOME (gsettings)".
    virtual QString displayName() const = 0;
    /// Why this backend cannot work here (tool or schema missing, wrong OS);
    /// empty when it can.
    virtual QString unavailableReason() const = 0;

    /// Reads the current settings into *snapshot.
    virtual QString read(QJsonObject* snapshot) = 0;
    /// Points the desktop at target, and checks that the change took.
    virtual QString apply(const SystemProxyTarget& target) = 0;
    /// Puts back what read() returned: every value, and every key that was
    /// unset is unset again. Checks that the change took.
    virtual QString restore(const QJsonObject& snapshot) = 0;
    /// Whether a snapshot shows the desktop pointing at target (as apply() left
    /// it): decides whether a leftover journal may still be restored, or the
    /// user has changed the settings since.
    virtual bool pointsAt(const QJsonObject& snapshot, const SystemProxyTarget& target) const = 0;
};

} // namespace Switchyard
