#pragma once

#include <QAbstractEventDispatcher>
#include <QList>
#include <QtGlobal>
#include <set>
#include <unordered_map>

class QObject;

namespace Switchyard {

/// The QObject timers of one thread, ordered by deadline, for
/// EngineEventDispatcher. Keeps Qt's contract: a timer fires at most once per
/// turn of the event loop, never early, and a timer that fell behind skips the
/// missed periods rather than firing them all. Deadlines are nanoseconds of the
/// monotonic clock (nowNs()).
class TimerQueue
{
public:
    static qint64 nowNs();

    void add(int timerId, qint64 intervalMs, Qt::TimerType type, QObject* object, qint64 nowNs);
    bool remove(int timerId);
    bool removeAll(QObject* object);
    QList<QAbstractEventDispatcher::TimerInfo> timersOf(QObject* object) const;
    /// Milliseconds until the first timer is due (0 if one is), -1 without
    /// timers; rounded up, so that a wait this long never wakes too early.
    int msecsToNextDeadline(qint64 nowNs) const;
    int remainingMsecs(int timerId, qint64 nowNs) const;
    /// Sends a QTimerEvent for every timer due at nowNs, moving each on by its
    /// interval first; returns how many fired. Handlers may add and remove
    /// timers, this one's included.
    int fireDue(qint64 nowNs);

    bool isEmpty() const { return m_timers.empty(); }

private:
    struct Timer
    {
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject* object = nullptr;
        qint64 deadlineNs = 0;
        quint64 order = 0;       ///< ties between equal deadlines go first come, first served
        bool inDelivery = false; ///< its handler runs further up the stack (nested loop)
    };
    struct Key
    {
        qint64 deadlineNs;
        quint64 order;
        int timerId;
        bool operator<(const Key& other) const
        {
            return deadlineNs != other.deadlineNs ? deadlineNs < other.deadlineNs
                                                  : order < other.order;
        }
    };

    void schedule(int timerId, Timer& timer, qint64 deadlineNs);
    void unschedule(int timerId, const Timer& timer);

    std::unordered_map<int, Timer> m_timers;
    std::set<Key> m_byDeadline;
    std::unordered_multimap<QObject*, int> m_byObject;
    quint64 m_nextOrder = 0;
};

} // namespace Switchyard
