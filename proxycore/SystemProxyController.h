#pragma once

#include "SystemProxyBackend.h"
#include "SystemProxyJournal.h"
#include "SystemProxyTarget.h"

#include <QJsonObject>
#include <QLockFile>
#include <QObject>
#include <memory>

namespace Switchyard {

/// Turns "system proxy" on and off: the one entry point the window, the tray
/// and the headless mode use.
///
/// enable() snapshots the desktop's settings, journals the snapshot to disk
/// (SystemProxyJournal) and only then points the desktop at the target;
/// disable() puts the snapshot back exactly and deletes the journal. While on,
/// the controller holds a lock file beside the journal, so that another
/// Switchyard starting meanwhile does not take the journal for a leftover.
/// restoreLeftover() deals with a journal left by a Switchyard that died while
/// on: it restores it, unless the user has pointed the desktop elsewhere since.
///
/// Each call runs a few quick external tools (gsettings, kwriteconfig …), each
/// bounded by a timeout; calls block for well under a second when the desktop
/// answers. Destroying the controller while on restores the settings.
class SystemProxyController : public QObject
{
    Q_OBJECT
public:
    enum class LeftoverResult {
        Nothing,      ///< no journal: nothing to do
        Restored,     ///< the settings from before are back; journal removed
        ChangedSince, ///< the desktop no longer pointed at Switchyard: left alone, journal removed
        InUse,        ///< a running Switchyard has the system proxy on: left alone
        Failed,       ///< could not restore; the journal stays for the next try
    };
    Q_ENUM(LeftoverResult)

    explicit SystemProxyController(QObject* parent = nullptr);
    /// With the journal at journalPath (tests; empty is the default place).
    explicit SystemProxyController(const QString& journalPath, QObject* parent = nullptr);
    ~SystemProxyController() override;

    /// Points the desktop at target (or moves it to a new target when already
    /// on). Returns false, having emitted errorOccurred(), when it could not;
    /// the desktop is then as it was.
    bool enable(const SystemProxyTarget& target);
    /// Restores what enable() found. Returns false, having emitted
    /// errorOccurred(), when it could not; the journal then stays on disk.
    bool disable();
    /// Handles a journal left by a Switchyard that did not turn the system proxy
    /// off; lastMessage() says what happened.
    LeftoverResult restoreLeftover();

    bool isEnabled() const { return m_enabled; }
    SystemProxyTarget target() const { return m_target; }
    /// The backend in use while enabled ("GNOME (gsettings)"), else empty.
    QString backendDisplayName() const;
    /// The message of the last enable(), disable() or restoreLeftover().
    QString lastMessage() const { return m_lastMessage; }
    QString journalPath() const { return m_journal.path(); }

Q_SIGNALS:
    void enabledChanged(bool enabled);
    /// Something failed; message is a full sentence for the user.
    void errorOccurred(const QString& message);
    /// Something the user should know that is not a failure (a leftover
    /// journal restored, or dropped because the settings were changed since).
    void noticeIssued(const QString& message);

private:
    bool fail(const QString& message);
    void notice(const QString& message);
    bool takeLock(QString* error);
    void releaseLock();
    bool retarget(const SystemProxyTarget& target);
    QJsonObject originalSettings(const QJsonObject& current, bool* fromLeftover);

    SystemProxyJournal m_journal;
    std::unique_ptr<QLockFile> m_lock;
    std::unique_ptr<SystemProxyBackend> m_backend;
    QJsonObject m_previous;
    SystemProxyTarget m_target;
    bool m_enabled = false;
    QString m_lastMessage;
};

} // namespace Switchyard
