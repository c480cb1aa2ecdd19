#include "AtomicFileWriter.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <cerrno>
#include <cstring>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Switchyard {

QString AtomicFileWriter::write(const QString& path, const QByteArray& data)
{
    const QString shownPath = QDir::toNativeSeparators(path);
    const bool isNew = !QFileInfo::exists(path);
    if (QFileInfo(path).isDir())
        return tr("cannot write %1: it is a folder").arg(shownPath);
    QSaveFile file(path);
    // Never fall back to writing in place: that is exactly what may not happen.
    file.setDirectWriteFallback(false);
    // Unbuffered, so that a short write shows in write()'s result: Qt 6.4's
    // QSaveFile::commit() ignores a failure to flush its buffer and renames a
    // truncated file over the good one (seen with a full disk / RLIMIT_FSIZE).
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return tr("cannot write %1: %2").arg(shownPath, file.errorString());
    // An existing file keeps its permissions (QSaveFile copies them).
    if (isNew && !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return tr("cannot restrict the permissions of %1: %2").arg(shownPath, reason);
    }
    errno = 0;
    const qint64 written = file.write(data);
    if (written != data.size() || !file.flush()) {
        const int error = errno;
        const QString reason =
            error != 0 ? QString::fromLocal8Bit(std::strerror(error)) : file.errorString();
        file.cancelWriting();
        return tr("cannot write %1: %2 (%3 of %4 bytes written)")
            .arg(shownPath, reason)
            .arg(qMax(written, qint64(0)))
            .arg(data.size());
    }
#ifdef Q_OS_UNIX
    // commit() syncs too but ignores the result; a delayed write error (NFS, a
    // full thin-provisioned disk) must stop the rename as well.
    if (::fsync(file.handle()) != 0) {
        const QString reason = QString::fromLocal8Bit(std::strerror(errno));
        file.cancelWriting();
        return tr("cannot write %1: %2").arg(shownPath, reason);
    }
#endif
    if (!file.commit())
        return tr("cannot write %1: %2").arg(shownPath, file.errorString());
    return {};
}

} // namespace Switchyard
