#include "BytePattern.h"

#include <QCryptographicHash>
#include <QFile>

namespace {

constexpr qint64 kChunk = 1024 * 1024;

quint64 mix(quint64 x)
{
    // splitmix64 finaliser: cheap and without short periods.
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

} // namespace

QByteArray BytePattern::bytes(qint64 offset, qint64 n)
{
    QByteArray out(n, Qt::Uninitialized);
    char* p = out.data();
    qint64 i = offset;
    const qint64 end = offset + n;
    while (i < end) {
        const quint64 block = static_cast<quint64>(i) / 8;
        const quint64 word = mix(block);
        const int first = static_cast<int>(i % 8);
        for (int b = first; b < 8 && i < end; ++b, ++i)
            *p++ = static_cast<char>((word >> (b * 8)) & 0xFF);
    }
    return out;
}

QByteArray BytePattern::sha256Hex(qint64 n)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (qint64 off = 0; off < n; off += kChunk)
        hash.addData(bytes(off, qMin(kChunk, n - off)));
    return hash.result().toHex();
}

QString BytePattern::compare(const QByteArray& data, qint64 offset)
{
    const QByteArray expected = bytes(offset, data.size());
    if (data == expected)
        return {};
    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data.at(i) != expected.at(i))
            return QStringLiteral("pattern differs at offset %1").arg(offset + i);
    }
    return QStringLiteral("pattern differs");
}

QString BytePattern::verifyFile(const QString& path, qint64 n)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
    if (file.size() != n)
        return QStringLiteral("%1 has %2 bytes, expected %3").arg(path).arg(file.size()).arg(n);
    return verifyDevice(&file, n);
}

QString BytePattern::verifyDevice(QIODevice* device, qint64 n)
{
    qint64 offset = 0;
    while (offset < n) {
        const QByteArray chunk = device->read(qMin(kChunk, n - offset));
        if (chunk.isEmpty())
            return QStringLiteral("data ends at %1 of %2 bytes").arg(offset).arg(n);
        const QString why = compare(chunk, offset);
        if (!why.isEmpty())
            return why;
        offset += chunk.size();
    }
    if (!device->atEnd())
        return QStringLiteral("more data than the expected %1 bytes").arg(n);
    return {};
}
