#include "TimerQueue.h"

#include <QCoreApplication>
#include <QTimerEvent>
#include <QVarLengthArray>
#include <limits>
#include <time.h>

namespace Switchyard {

namespace {

constexpr qint64 kNsPerMs = 1000 * 1000;

/// Qt's rules for the timer types: coarse timers of 20 s and more are treated
/// as very coarse, and very coarse ones run in whole seconds.
qint64 effectiveIntervalMs(qint64 intervalMs, Qt::TimerType type)
{
    if (type == Qt::VeryCoarseTimer || (type == Qt::CoarseTimer && intervalMs >= 20000))
        return (intervalMs + 500) / 1000 * 1000;
    return intervalMs;
}

} // namespace

qint64 TimerQueue::nowNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000 * kNsPerMs + now.tv_nsec;
}

void TimerQueue::add(int timerId, qint64 intervalMs, Qt::TimerType type, QObject* object,
                     qint64 nowNs)
{
    remove(timerId); // an id is only reused once Qt released it; be safe anyway
    Timer& timer = m_timers[timerId];
    timer.intervalMs = effectiveIntervalMs(intervalMs, type);
    timer.type = type;
    timer.object = object;
    m_byObject.emplace(object, timerId);
    schedule(timerId, timer, nowNs + timer.intervalMs * kNsPerMs);
}

void TimerQueue::schedule(int timerId, Timer& timer, qint64 deadlineNs)
{
    timer.deadlineNs = deadlineNs;
    timer.order = m_nextOrder++;
    m_byDeadline.insert(Key{timer.deadlineNs, timer.order, timerId});
}

void TimerQueue::unschedule(int timerId, const Timer& timer)
{
    m_byDeadline.erase(Key{timer.deadlineNs, timer.order, timerId});
}

bool TimerQueue::remove(int timerId)
{
    const auto found = m_timers.find(timerId);
    if (found == m_timers.end())
        return false;
    unschedule(timerId, found->second);
    const auto [first, last] = m_byObject.equal_range(found->second.object);
    for (auto it = first; it != last; ++it) {
        if (it->second == timerId) {
            m_byObject.erase(it);
            break;
        }
    }
    m_timers.erase(found);
    return true;
}

bool TimerQueue::removeAll(QObject* object)
{
    const auto [first, last] = m_byObject.equal_range(object);
    if (first == last)
        return false;
    for (auto it = first; it != last; ++it) {
        const auto found = m_timers.find(it->second);
        unschedule(it->second, found->second);
        m_timers.erase(found);
    }
    m_byObject.erase(first, last);
    return true;
}

QList<QAbstractEventDispatcher::TimerInfo> TimerQueue::timersOf(QObject* object) const
{
    QList<QAbstractEventDispatcher::TimerInfo> timers;
    const auto [first, last] = m_byObject.equal_range(object);
    for (auto it = first; it != last; ++it) {
        const Timer& timer = m_timers.at(it->second);
        timers.append({it->second, int(timer.intervalMs), timer.type});
    }
    return timers;
}

int TimerQueue::msecsToNextDeadline(qint64 nowNs) const
{
    for (const Key& key : m_byDeadline) {
        // One whose handler is still running (a nested event loop) does not
        // count: it cannot fire again until that handler returns.
        if (m_timers.at(key.timerId).inDelivery)
            continue;
        if (key.deadlineNs <= nowNs)
            return 0;
        const qint64 ms = (key.deadlineNs - nowNs + kNsPerMs - 1) / kNsPerMs;
        return int(qMin<qint64>(ms, std::numeric_limits<int>::max()));
    }
    return -1;
}

int TimerQueue::remainingMsecs(int timerId, qint64 nowNs) const
{
    const auto found = m_timers.find(timerId);
    if (found == m_timers.end())
        return -1;
    const qint64 left = found->second.deadlineNs - nowNs;
    return left <= 0 ? 0 : int((left + kNsPerMs - 1) / kNsPerMs);
}

int TimerQueue::fireDue(qint64 nowNs)
{
    // Handlers may add, remove and restart timers: work from a list of ids
    // taken first, and look each one up again before firing it.
    QVarLengthArray<int, 32> due;
    for (const Key& key : m_byDeadline) {
        if (key.deadlineNs > nowNs)
            break;
        due.append(key.timerId);
    }
    int fired = 0;
    for (const int timerId : due) {
        auto found = m_timers.find(timerId);
        if (found == m_timers.end())
            continue;
        Timer& timer = found->second;
        if (timer.inDelivery || timer.deadlineNs > nowNs)
            continue;
        unschedule(timerId, timer);
        // Next period from the missed deadline; if that is past too, the
        // periods in between are skipped.
        qint64 next = timer.deadlineNs + timer.intervalMs * kNsPerMs;
        if (next < nowNs)
            next = nowNs + timer.intervalMs * kNsPerMs;
        schedule(timerId, timer, next);
        timer.inDelivery = true;
        QTimerEvent event(timerId);
        QCoreApplication::sendEvent(timer.object, &event);
        ++fired;
        found = m_timers.find(timerId); // the handler may have killed it
        if (found != m_timers.end())
            found->second.inDelivery = false;
    }
    return fired;
}

} // namespace Switchyard
