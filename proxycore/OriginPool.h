#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

namespace Switchyard {

class Stream;

/// A user of pooled connections that leaves its own signal connections on a
/// connection it put back, so that taking the same one again for the next
/// request costs no connect and disconnect. While the connection is idle it
/// passes the connection's activity on (OriginPool::reportIdleActivity).
class OriginPoolWatcher
{
public:
    /// Another user took stream: cut the connections to it now.
    virtual void originTakenBack(Stream* stream) = 0;

protected:
    ~OriginPoolWatcher() = default;
};

/// Idle keep-alive connections to origins (and, later, upstream proxies), keyed by
/// route and destination. A pooled connection that the peer closes or writes to
/// while idle is dropped at once; the rest expire after the idle timeout.
class OriginPool : public QObject
{
    Q_OBJECT
public:
    explicit OriginPool(QObject* parent = nullptr);
    ~OriginPool() override;

    void setLimits(int maxIdle, int idleTimeoutMs);
    /// An idle connection for key, or nullptr. The caller owns it; its reading
    /// is left on, and only taker's own connections to it may remain.
    Stream* take(const QString& key, OriginPoolWatcher* taker = nullptr);
    /// Keeps stream for reuse (takes ownership); closes it if the pool is full.
    /// With a watcher, the watcher's connections stay and it reports activity
    /// until stopWatching(); without one the pool watches the stream itself.
    void put(const QString& key, Stream* stream, OriginPoolWatcher* watcher = nullptr);
    /// An idle connection spoke or broke: it is dropped.
    void reportIdleActivity(Stream* stream);
    /// watcher cut its connections to stream: the pool watches it from now on.
    void stopWatching(Stream* stream, OriginPoolWatcher* watcher);
    int idleCount() const { return int(m_entries.size()); }
    void clear();

private:
    struct Entry
    {
        QString key;
        Stream* stream = nullptr;
        qint64 idleSinceMs = 0;
        OriginPoolWatcher* watcher = nullptr; ///< or the pool's own connections below
        // Cut one by one on take(): cheaper than a disconnect by receiver.
        QMetaObject::Connection readyRead;
        QMetaObject::Connection failed;
    };
    void watch(Entry& entry);
    void expire();
    static void unwatch(Entry& entry);

    QList<Entry> m_entries; // oldest first
    QElapsedTimer m_clock;
    QTimer m_sweep;
    int m_maxIdle = 256;
    int m_idleTimeoutMs = 30'000;
};

} // namespace Switchyard
