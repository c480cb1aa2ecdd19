#include "Compression.h"

#include <QtEndian>

QByteArray Compression::zlib(const QByteArray& data)
{
    // qCompress prefixes the zlib stream with the uncompressed length (4 bytes).
    return qCompress(data, 9).mid(4);
}

QByteArray Compression::rawDeflate(const QByteArray& data)
{
    const QByteArray stream = zlib(data);
    // 2-byte zlib header in front, 4-byte Adler-32 behind.
    return stream.mid(2, stream.size() - 6);
}

quint32 Compression::crc32(const QByteArray& data)
{
    quint32 crc = 0xffffffffu;
    for (const char c : data) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray Compression::gzip(const QByteArray& data)
{
    QByteArray out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", 10);
    out += rawDeflate(data);
    char trailer[8];
    qToLittleEndian(crc32(data), trailer);
    qToLittleEndian(quint32(data.size()), trailer + 4);
    out.append(trailer, 8);
    return out;
}
