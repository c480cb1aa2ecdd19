#include "OriginRecorder.h"

#include <QMutexLocker>

int OriginRecorder::connectionOpened()
{
    QMutexLocker lock(&m_mutex);
    m_received.append(QByteArray());
    ++m_open;
    return static_cast<int>(m_received.size() - 1);
}

void OriginRecorder::connectionClosed(int)
{
    QMutexLocker lock(&m_mutex);
    --m_open;
}

void OriginRecorder::appendReceived(int index, QByteArrayView data)
{
    QMutexLocker lock(&m_mutex);
    if (index < m_received.size())
        m_received[index].append(data.data(), data.size());
}

void OriginRecorder::addRequest(int index, const HttpMessage& message)
{
    QMutexLocker lock(&m_mutex);
    m_requests.append({index, message});
}

void OriginRecorder::addError(const QString& error)
{
    QMutexLocker lock(&m_mutex);
    m_errors.append(error);
}

void OriginRecorder::addBytesSent(qint64 bytes)
{
    QMutexLocker lock(&m_mutex);
    m_bytesSent += bytes;
}

int OriginRecorder::connectionCount() const
{
    QMutexLocker lock(&m_mutex);
    return static_cast<int>(m_received.size());
}

int OriginRecorder::openConnectionCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_open;
}

QList<QByteArray> OriginRecorder::received() const
{
    QMutexLocker lock(&m_mutex);
    return m_received;
}

QList<RecordedRequest> OriginRecorder::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

QStringList OriginRecorder::errors() const
{
    QMutexLocker lock(&m_mutex);
    return m_errors;
}

qint64 OriginRecorder::bytesSent() const
{
    QMutexLocker lock(&m_mutex);
    return m_bytesSent;
}

void OriginRecorder::clear()
{
    QMutexLocker lock(&m_mutex);
    // Keep the slots of connections still open so their indexes stay valid.
    for (QByteArray& bytes : m_received)
        bytes.clear();
    m_requests.clear();
    m_errors.clear();
    m_bytesSent = 0;
}
