#include "ByteQueue.h"

#include <sys/uio.h>

namespace Switchyard {

namespace {
constexpr qsizetype kMergeBelow = 16 * 1024;
}

void ByteQueue::append(const QByteArray& data)
{
    if (data.isEmpty())
        return;
    if (!m_chunks.isEmpty() && m_chunks.constLast().size() + data.size() <= kMergeBelow)
        m_chunks.last().append(data);
    else
        m_chunks.append(data);
    m_size += data.size();
}

void ByteQueue::append(const char* data, qsizetype size)
{
    if (size <= 0)
        return;
    if (!m_chunks.isEmpty() && m_chunks.constLast().size() + size <= kMergeBelow)
        m_chunks.last().append(data, size);
    else
        m_chunks.append(QByteArray(data, size));
    m_size += size;
}

QByteArrayView ByteQueue::front() const
{
    if (m_chunks.isEmpty())
        return {};
    return QByteArrayView(m_chunks.constFirst()).sliced(m_frontOffset);
}

void ByteQueue::consume(qsizetype bytes)
{
    m_size -= bytes;
    while (bytes > 0 && !m_chunks.isEmpty()) {
        const qsizetype left = m_chunks.constFirst().size() - m_frontOffset;
        if (bytes < left) {
            m_frontOffset += bytes;
            return;
        }
        bytes -= left;
        m_chunks.removeFirst();
        m_frontOffset = 0;
    }
    if (m_chunks.isEmpty())
        m_chunks = QList<QByteArray>(); // give the memory back while idle
}

int ByteQueue::gather(struct iovec* vectors, int max) const
{
    int count = 0;
    for (qsizetype i = 0; i < m_chunks.size() && count < max; ++i) {
        const qsizetype offset = i == 0 ? m_frontOffset : 0;
        vectors[count].iov_base = const_cast<char*>(m_chunks.at(i).constData() + offset);
        vectors[count].iov_len = size_t(m_chunks.at(i).size() - offset);
        ++count;
    }
    return count;
}

void ByteQueue::clear()
{
    m_chunks = QList<QByteArray>();
    m_frontOffset = 0;
    m_size = 0;
}

} // namespace Switchyard
