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

Stream* OriginPool::take(const QString& key, OriginPoolWatcher* taker)
{
    // The taker's own connection first (its signal connections are still in
    // place), else the newest: the most recently used connection is the least
    // likely to have been closed by the origin's own idle timer.
    qsizetype chosen = -1;
    for (qsizetype i = m_entries.size() - 1; i >= 0; --i) {
        const Entry& entry = m_entries.at(i);
        if (entry.key != key)
            continue;
        if (chosen < 0)
            chosen = i;
        if (taker == nullptr || entry.watcher == taker) {
            chosen = i;
            break;
        }
    }
    if (chosen < 0)
        return nullptr;
    Entry entry = m_entries.takeAt(chosen);
    if (entry.watcher == nullptr)
        unwatch(entry);
    else if (entry.watcher != taker)
        entry.watcher->originTakenBack(entry.stream);
    // The sweep timer stays armed when the pool empties: with one client the
    // pool empties and fills on every request, and a timer stopped and started
    // each time costs more than a tick that finds nothing.
    return entry.stream;
}

void OriginPool::put(const QString& key, Stream* stream, OriginPoolWatcher* watcher)
{
    if (m_maxIdle <= 0 || !stream->isConnected() || stream->atEnd() || stream->errorCode() != 0) {
        delete stream;
        return;
    }
    if (m_entries.size() >= m_maxIdle)
        delete m_entries.takeFirst().stream;
    // Not reparented: the pool deletes what it holds (clear(), expire()), and a
    // parent change on every request walks two children lists.
    Entry entry{key, stream, m_clock.elapsed(), watcher, {}, {}};
    if (watcher == nullptr)
        watch(entry);
    stream->setReadEnabled(true);
    m_entries.append(std::move(entry));
    if (!m_sweep.isActive())
        m_sweep.start();
}

void OriginPool::watch(Entry& entry)
{
    Stream* stream = entry.stream;
    entry.readyRead =
        connect(stream, &Stream::readyRead, this, [this, stream] { reportIdleActivity(stream); });
    entry.failed =
        connect(stream, &Stream::failed, this, [this, stream] { reportIdleActivity(stream); });
}

void OriginPool::unwatch(Entry& entry)
{
    disconnect(entry.readyRead);
    disconnect(entry.failed);
}

void OriginPool::stopWatching(Stream* stream, OriginPoolWatcher* watcher)
{
    for (Entry& entry : m_entries) {
        if (entry.stream == stream) {
            if (entry.watcher == watcher) {
                entry.watcher = nullptr;
                watch(entry);
            }
            return;
        }
    }
}

void OriginPool::reportIdleActivity(Stream* stream)
{
    // An idle origin has nothing to say: bytes mean a close or a protocol error.
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).stream == stream) {
            Entry entry = m_entries.takeAt(i);
            if (entry.watcher == nullptr)
                unwatch(entry);
            else
                entry.watcher->originTakenBack(stream);
            stream->close();
            stream->deleteLater();
            break;
        }
    }
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
