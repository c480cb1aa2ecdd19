#pragma once

#include <QByteArray>
#include <QString>

class QIODevice;

/// The deterministic bytes LoopbackOrigin serves for /bytes, /chunked and /close.
/// Every 8-byte block is a hash of its index, so a lost, duplicated or shifted
/// range anywhere in a download changes the bytes that follow it.
class BytePattern
{
public:
    /// The n bytes of the pattern starting at offset.
    static QByteArray bytes(qint64 offset, qint64 n);
    /// Lower-case hex SHA-256 of the first n bytes of the pattern.
    static QByteArray sha256Hex(qint64 n);
    /// Empty if data equals bytes(offset, data.size()); otherwise where it differs.
    static QString compare(const QByteArray& data, qint64 offset = 0);
    /// Empty if the file holds exactly the first n bytes of the pattern; otherwise why not.
    static QString verifyFile(const QString& path, qint64 n);
    /// Same for whatever is left to read on device.
    static QString verifyDevice(QIODevice* device, qint64 n);
};
