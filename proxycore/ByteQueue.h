#pragma once

#include <QByteArray>
#include <QList>

struct iovec;

namespace Switchyard {

/// Bytes waiting to be written, kept as the chunks they arrived in so that large
/// writes are never copied again. Small appends are merged into the last chunk.
class ByteQueue
{
public:
    void append(const QByteArray& data);
    void append(const char* data, qsizetype size);
    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    /// The contiguous bytes at the front.
    QByteArrayView front() const;
    void consume(qsizetype bytes);
    /// Fills up to max iovecs with the queued chunks; returns how many.
    int gather(struct iovec* vectors, int max) const;
    void clear();

private:
    QList<QByteArray> m_chunks;
    qsizetype m_frontOffset = 0;
    qsizetype m_size = 0;
};

} // namespace Switchyard
