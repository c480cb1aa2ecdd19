#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

namespace Switchyard {

/// Replaces a file's contents all at once: the bytes go to a temporary file
/// beside it, which is flushed, synced and then renamed over the old one
/// (QSaveFile). A failure at any step (no space, a write error, a vanished
/// folder, a crash) leaves the old file exactly as it was.
class AtomicFileWriter
{
    Q_DECLARE_TR_FUNCTIONS(AtomicFileWriter)
public:
    /// Writes data to path. Returns an empty string on success, otherwise why it
    /// failed. A new file is readable and writable by its owner only: settings
    /// hold no secrets, but rules and exits say a lot about their user.
    static QString write(const QString& path, const QByteArray& data);
};

} // namespace Switchyard
