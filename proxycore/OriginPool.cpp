#include "OriginPool.h"

#include "Stream.h"

namespace Switchyard {

OriginPool::OriginPool(QObject* parent) : QObject(parent), m_sweep(this)
{
    m_clock.start();
    m_sweep.setInterval(1000);
    connect(&m_sweep, &QTimer::timeout, this, &OriginPool::expire);
}

OriginPool::~OriginPool()
{
    clear();
}

void OriginPool::setLimits(int maxIdle, int idleTimeoutMs)
{
    m_maxIdle = maxIdle;
    m_idleTimeoutMs = idleTimeoutMs;
    while (m_entries.size() > m_maxIdle)
        delete m_entries.takeFirst().stream;
}

Stream* OriginPool::take(const QString& key)
{
    // Newest first: the most recently used connection is the least likely to have
    // been closed by the origin's own idle timer.
    for (qsizetype i = m_entries.size() - 1; i >= 0; --i) {
        if (m_entries.at(i).key != key)
            continue;
        Entry entry = m_entries.takeAt(i);
        detach(entry);
        Stream* stream = entry.stream;
        if (m_entries.isEmpty())
            m_sweep.stop();
        return stream;
    }
    return nullptr;
}

void OriginPool::put(const QString& key, Stream* stream)
{
    if (m_maxIdle <= 0 || !stream->isConnected() || stream->atEnd() || stream->errorCode() != 0) {
        delete stream;
        return;
    }
    if (m_entries.size() >= m_maxIdle)
        delete m_entries.takeFirst().stream;
    stream->setParent(this);
    disconnect(stream, nullptr, nullptr, nullptr);
    Entry entry{key, stream, m_clock.elapsed(), {}, {}};
    entry.readyRead =
        connect(stream, &Stream::readyRead, this, [this, stream] { onIdleActivity(stream); });
    entry.failed =
        connect(stream, &Stream::failed, this, [this, stream] { onIdleActivity(stream); });
    stream->setReadEnabled(true);
    m_entries.append(std::move(entry));
    if (!m_sweep.isActive())
        m_sweep.start();
}

void OriginPool::detach(Entry& entry)
{
    disconnect(entry.readyRead);
    disconnect(entry.failed);
    entry.stream->setParent(nullptr);
    entry.stream->setReadEnabled(false);
}

void OriginPool::onIdleActivity(Stream* stream)
{
    // An idle origin has nothing to say: bytes mean a close or a protocol error.
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).stream == stream) {
            m_entries.removeAt(i);
            stream->close();
            stream->deleteLater();
            break;
        }
    }
    if (m_entries.isEmpty())
        m_sweep.stop();
}

void OriginPool::expire()
{
    const qint64 now = m_clock.elapsed();
    while (!m_entries.isEmpty() && now - m_entries.constFirst().idleSinceMs >= m_idleTimeoutMs)
        delete m_entries.takeFirst().stream;
    if (m_entries.isEmpty())
        m_sweep.stop();
}

void OriginPool::clear()
{
    for (const Entry& entry : std::as_const(m_entries))
        delete entry.stream;
    m_entries.clear();
    m_sweep.stop();
}

} // namespace Switchyard
