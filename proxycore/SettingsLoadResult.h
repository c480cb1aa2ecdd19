#pragma once

#include "RecoveredSecret.h"
#include "SettingsDocument.h"
#include "SettingsIssue.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// What SettingsStore::load found, what it did about it, and the settings to
/// run with. The window shows messages() (or the issues one by one); the
/// command line prints them.
struct SettingsLoadResult
{
    Q_DECLARE_TR_FUNCTIONS(SettingsLoadResult)
public:
    enum class Source {
        Defaults,           ///< there is no settings file yet: defaults
        File,               ///< the settings file (perhaps with warnings)
        Backup,             ///< the settings file was unusable; its backup was used
        DefaultsAfterError, ///< neither the settings file nor its backup could be used
    };

    SettingsDocument document; ///< what to run with; never holds passwords
    Source source = Source::Defaults;
    QString filePath;
    SettingsIssues issues;       ///< about the settings file
    SettingsIssues backupIssues; ///< about the backup, when it was needed and was bad too
    int fileVersion = 0;         ///< version of the file used (0: defaults)
    bool migrated = false;       ///< that file was older: the next save writes the current version
    QString brokenFileKeptAs;    ///< where the unusable file was moved; empty if it was not
    QString recoveryError;       ///< why moving it aside or restoring the backup failed
    /// Passwords found in plain text in the file used: move them into the
    /// keychain (or keep them for this run), then save to drop them from disk.
    QList<RecoveredSecret> recoveredSecrets;

    /// The settings file itself was used (or there was none yet).
    bool usedSettingsFile() const { return source == Source::File || source == Source::Defaults; }
    /// Whether there is anything to tell the user.
    bool hasMessages() const;
    /// Readable sentences: what was wrong and where, and what was done about it.
    /// Never contains a password.
    QStringList messages() const;
};

} // namespace Switchyard
