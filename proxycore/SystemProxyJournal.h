#pragma once

#include "SystemProxyTarget.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace Switchyard {

/// What Switchyard did to the desktop's proxy settings, kept on disk while the
/// system proxy points at it, so that a crash cannot leave the desktop pointing
/// at a proxy that is gone.
///
/// The file is written atomically (AtomicFileWriter, owner-only permissions)
/// BEFORE anything is changed, and removed after a successful restore. It
/// lives in QStandardPaths::AppDataLocation (~/.local/share/Switchyard on
/// Linux), not next to the settings file: the desktop's proxy is one per user,
/// whatever settings file (--config) a run used, so every run must find it.
class SystemProxyJournal
{
    Q_DECLARE_TR_FUNCTIONS(SystemProxyJournal)
public:
    struct Entry
    {
        QString backend;          ///< SystemProxyBackend::name() of the backend that changed it
        QJsonObject previous;     ///< its snapshot from before the change
        SystemProxyTarget target; ///< what was (or was about to be) applied
        QDateTime written;        ///< when, for messages
        qint64 processId = 0;     ///< the Switchyard that wrote it, for messages
        /// False while the change is being made: a crash then leaves the desktop
        /// half changed by Switchyard, so a leftover is restored without asking
        /// whether it still points at the target.
        bool applied = false;
    };

    /// path empty: defaultPath().
    explicit SystemProxyJournal(const QString& path = {});

    /// system-proxy-journal.json in QStandardPaths::AppDataLocation.
    static QString defaultPath();
    QString path() const { return m_path; }
    /// The lock a running Switchyard holds while the system proxy points at it:
    /// path() + ".lock" (a QLockFile).
    QString lockPath() const;

    bool exists() const;
    /// Writes entry atomically; an empty string on success, else why not.
    QString write(const Entry& entry) const;
    /// Reads the journal: nullopt with an empty *error when there is none,
    /// nullopt with *error set when it cannot be read or is damaged.
    std::optional<Entry> read(QString* error) const;
    /// Deletes the journal; no journal is success.
    QString remove() const;

private:
    QString m_path;
};

} // namespace Switchyard
