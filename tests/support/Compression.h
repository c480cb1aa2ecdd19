#pragma once

#include <QByteArray>

/// Compressed bodies for tests of content decoding, made with Qt's own zlib
/// (qCompress) so the tests need no zlib headers: gzip, zlib-wrapped deflate and
/// raw deflate, all of the same data.
class Compression
{
public:
    /// RFC 1952 gzip: header, raw deflate, CRC-32 and length.
    static QByteArray gzip(const QByteArray& data);
    /// RFC 1950 zlib stream (what HTTP's "deflate" means).
    static QByteArray zlib(const QByteArray& data);
    /// RFC 1951 raw deflate (what some servers send as "deflate").
    static QByteArray rawDeflate(const QByteArray& data);
    static quint32 crc32(const QByteArray& data);
};
