#pragma once

#include "SettingsCodec.h"
#include "SettingsDocument.h"
#include "SettingsImport.h"
#include "SettingsLoadResult.h"
#include "SettingsSaveResult.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>
#include <optional>

namespace Switchyard {

/// Keeps the settings document in one JSON file (settings.json in
/// QStandardPaths::AppConfigLocation unless told otherwise) and its last good
/// version in settings.json.bak.
///
/// - Saves are atomic (AtomicFileWriter): a failed save leaves the file as it was.
/// - Nothing is overwritten silently: a file that cannot be read is moved aside
///   as settings.json.broken-YYYYMMDD-HHMMSS, and a file changed by another
///   program since it was loaded as settings.json.changed-YYYYMMDD-HHMMSS.
/// - Errors come back to the caller as data; nothing is printed or swallowed.
///
/// Synchronous and quick (one small file): use it from the application's thread.
class SettingsStore
{
    Q_DECLARE_TR_FUNCTIONS(SettingsStore)
public:
    enum class LoadMode {
        /// The window: an unusable file is moved aside and the backup, if good,
        /// is put in its place, so that the next start finds it too.
        Recover,
        /// Headless runs and --set-password: nothing on disk is touched.
        ReadOnly,
    };

    /// filePath empty: defaultFilePath().
    explicit SettingsStore(const QString& filePath = {});

    /// settings.json in QStandardPaths::AppConfigLocation.
    static QString defaultFilePath();
    QString filePath() const { return m_filePath; }
    QString backupFilePath() const;

    /// Reads the settings. Never fails: the result says what was used (the file,
    /// its backup, or defaults) and why.
    SettingsLoadResult load(LoadMode mode = LoadMode::Recover);
    /// Writes document (never its passwords), keeping the previous good version
    /// as the backup. On failure the settings file is as it was.
    SettingsSaveResult save(const SettingsDocument& document);

    /// The parts an export carries unless asked otherwise: all but the window's.
    static SettingsCodec::Parts defaultExportParts();
    /// Writes the chosen parts of document to path as one file, without passwords.
    static SettingsSaveResult exportTo(const QString& path, const SettingsDocument& document,
                                       SettingsCodec::Parts parts = defaultExportParts());
    /// Reads an export (or a settings file) for SettingsImport::applyTo.
    static SettingsImport importFrom(const QString& path);
    /// Reads and checks any settings or export file without changing anything.
    static SettingsCodec::Decoded readFile(const QString& path);

private:
    /// A free name such as settings.json.broken-20260126-101500(-2).
    QString asideName(const QString& label) const;
    static bool readBytes(const QString& path, QByteArray* bytes, QString* error);
    static QByteArray digest(const QByteArray& bytes);

    QString m_filePath;
    /// The last document read from or written to the file, for the backup.
    std::optional<SettingsDocument> m_lastGood;
    /// Digest of the bytes last read from or written to the file; empty when the
    /// file's contents are not ours (it did not exist, or could not be used).
    QByteArray m_diskDigest;
};

} // namespace Switchyard
