#include "SettingsStore.h"

#include "AtomicFileWriter.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace Switchyard {

using namespace Qt::StringLiterals;

SettingsStore::SettingsStore(const QString& filePath)
    : m_filePath(filePath.isEmpty() ? defaultFilePath() : filePath)
{}

QString SettingsStore::defaultFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           u"/settings.json"_s;
}

QString SettingsStore::backupFilePath() const
{
    return m_filePath + u".bak"_s;
}

SettingsCodec::Parts SettingsStore::defaultExportParts()
{
    using Part = SettingsCodec::Part;
    return Part::Network | Part::Profiles | Part::Routing;
}

bool SettingsStore::readBytes(const QString& path, QByteArray* bytes, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("cannot open it: %1").arg(file.errorString());
        return false;
    }
    // A file this big is not settings; do not try to hold it in memory.
    if (file.size() > SettingsCodec::maxFileBytes) {
        *error = tr("it is %1 MiB, too big to be settings").arg(file.size() / (1024 * 1024));
        return false;
    }
    *bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        *error = tr("cannot read it: %1").arg(file.errorString());
        return false;
    }
    return true;
}

QByteArray SettingsStore::digest(const QByteArray& bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

QString SettingsStore::asideName(const QString& label) const
{
    const QString base = m_filePath + u'.' + label + u'-' +
                         QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s);
    QString candidate = base;
    for (int n = 2; QFileInfo::exists(candidate); ++n)
        candidate = base + u'-' + QString::number(n);
    return candidate;
}

SettingsCodec::Decoded SettingsStore::readFile(const QString& path)
{
    QByteArray bytes;
    QString error;
    if (!readBytes(path, &bytes, &error)) {
        SettingsCodec::Decoded unreadable;
        unreadable.issues.append(SettingsIssue::error({}, error));
        return unreadable;
    }
    return SettingsCodec::decode(bytes);
}

SettingsLoadResult SettingsStore::load(LoadMode mode)
{
    SettingsLoadResult result;
    result.filePath = m_filePath;
    m_lastGood.reset();
    m_diskDigest.clear();

    if (!QFileInfo::exists(m_filePath)) {
        result.source = SettingsLoadResult::Source::Defaults; // the first run
        return result;
    }
    if (QFileInfo(m_filePath).isDir()) {
        // Nothing to read, and nothing a save could replace: say so, touch nothing.
        result.source = SettingsLoadResult::Source::DefaultsAfterError;
        result.issues.append(SettingsIssue::error({}, tr("it is a folder, not a file")));
        return result;
    }

    QByteArray bytes;
    QString readError;
    SettingsCodec::Decoded decoded;
    if (readBytes(m_filePath, &bytes, &readError))
        decoded = SettingsCodec::decode(bytes);
    else
        decoded.issues.append(SettingsIssue::error({}, readError));

    if (decoded.ok()) {
        result.source = SettingsLoadResult::Source::File;
        result.document = decoded.document;
        result.issues = decoded.issues;
        result.fileVersion = decoded.fileVersion;
        result.migrated = decoded.migrated();
        result.recoveredSecrets = decoded.recoveredSecrets;
        m_lastGood = decoded.document;
        m_diskDigest = digest(bytes);
        return result;
    }

    result.issues = decoded.issues;
    if (mode == LoadMode::Recover) {
        const QString aside = asideName(u"broken"_s);
        if (QFile::rename(m_filePath, aside))
            result.brokenFileKeptAs = aside;
        else
            result.recoveryError = tr("The unusable file could not be moved aside to %1; it is "
                                      "left where it is and will not be saved over.")
                                       .arg(QDir::toNativeSeparators(aside));
    }

    QByteArray backupBytes;
    SettingsCodec::Decoded backup;
    const bool haveBackup = QFileInfo::exists(backupFilePath());
    if (haveBackup) {
        if (readBytes(backupFilePath(), &backupBytes, &readError))
            backup = SettingsCodec::decode(backupBytes);
        else
            backup.issues.append(SettingsIssue::error({}, readError));
    }
    if (!haveBackup || !backup.ok()) {
        result.source = SettingsLoadResult::Source::DefaultsAfterError;
        result.backupIssues = backup.issues;
        return result;
    }

    result.source = SettingsLoadResult::Source::Backup;
    result.document = backup.document;
    result.fileVersion = backup.fileVersion;
    result.migrated = backup.migrated();
    result.recoveredSecrets = backup.recoveredSecrets;
    m_lastGood = backup.document;
    if (mode == LoadMode::Recover && !result.brokenFileKeptAs.isEmpty()) {
        // Put the good version in place now: the next start must find it even if
        // nothing is saved before then.
        if (const QString error = AtomicFileWriter::write(m_filePath, backupBytes); error.isEmpty())
            m_diskDigest = digest(backupBytes);
        else
            result.recoveryError = tr("The backup could not be restored: %1").arg(error);
    }
    return result;
}

SettingsSaveResult SettingsStore::save(const SettingsDocument& document)
{
    SettingsSaveResult result;
    const QString shownPath = QDir::toNativeSeparators(m_filePath);
    const QByteArray bytes = SettingsCodec::encode(document);
    const QString folder = QFileInfo(m_filePath).absolutePath();
    if (!QDir().mkpath(folder)) {
        result.error = tr("cannot create the folder %1").arg(QDir::toNativeSeparators(folder));
        return result;
    }

    if (QFileInfo(m_filePath).isDir()) {
        result.error = tr("cannot write %1: it is a folder").arg(shownPath);
        return result;
    }
    if (QFileInfo::exists(m_filePath)) {
        QByteArray current;
        QString readError;
        const bool readable = readBytes(m_filePath, &current, &readError);
        if (readable && current == bytes) {
            // Already on disk as it is (nothing changed, or someone wrote the same).
            m_lastGood = document.withoutSecrets();
            m_diskDigest = digest(bytes);
            return result;
        }
        if (!readable || digest(current) != m_diskDigest) {
            // Not what this store last read or wrote: another program's version,
            // or a file that could not be used. Keep it; never save over it.
            const bool broken = !readable || !SettingsCodec::decode(current).ok();
            const QString aside = asideName(broken ? u"broken"_s : u"changed"_s);
            if (!QFile::rename(m_filePath, aside)) {
                result.error = tr("%1 is not the version Switchyard read, and it could not be "
                                  "kept aside as %2; the settings were not saved over it")
                                   .arg(shownPath, QDir::toNativeSeparators(aside));
                return result;
            }
            result.notes.append(
                (broken ? tr("%1 could not be read; it was kept as %2")
                        : tr("%1 had been changed by another program since Switchyard read "
                             "it; that version was kept as %2"))
                    .arg(shownPath, QDir::toNativeSeparators(aside)));
        }
    }

    if (m_lastGood) {
        if (const QString error =
                AtomicFileWriter::write(backupFilePath(), SettingsCodec::encode(*m_lastGood));
            !error.isEmpty()) {
            result.error = tr("the backup could not be written, so the settings were not "
                              "saved: %1")
                               .arg(error);
            return result;
        }
    }
    if (const QString error = AtomicFileWriter::write(m_filePath, bytes); !error.isEmpty()) {
        result.error = error;
        return result;
    }
    m_lastGood = document.withoutSecrets();
    m_diskDigest = digest(bytes);
    return result;
}

SettingsSaveResult SettingsStore::exportTo(const QString& path, const SettingsDocument& document,
                                           SettingsCodec::Parts parts)
{
    SettingsSaveResult result;
    result.error = AtomicFileWriter::write(
        path, SettingsCodec::encode(document, parts, SettingsCodec::Kind::Export));
    return result;
}

SettingsImport SettingsStore::importFrom(const QString& path)
{
    SettingsImport import;
    import.filePath = path;
    import.decoded = readFile(path);
    return import;
}

} // namespace Switchyard
