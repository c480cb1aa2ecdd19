#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

namespace Switchyard {

class Stream;

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
    /// An idle connection for key, or nullptr. The caller owns it.
    Stream* take(const QString& key);
    /// Keeps stream for reuse (takes ownership); closes it if the pool is full.
    void put(const QString& key, Stream* stream);
    int idleCount() const { return int(m_entries.size()); }
    void clear();

private:
    struct Entry
    {
        QString key;
        Stream* stream = nullptr;
        qint64 idleSinceMs = 0;
        // Cut one by one on take(): cheaper than a disconnect by receiver.
        QMetaObject::Connection readyRead;
        QMetaObject::Connection failed;
    };
    void onIdleActivity(Stream* stream);
    void expire();
    static void detach(Entry& entry);

    QList<Entry> m_entries; // oldest first
    QElapsedTimer m_clock;
    QTimer m_sweep;
    int m_maxIdle = 256;
    int m_idleTimeoutMs = 30'000;
};

} // namespace Switchyard
