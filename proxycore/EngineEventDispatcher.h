#pragma once

#include "TimerQueue.h"

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QSocketNotifier>
#include <memory>
#include <unordered_map>

namespace Switchyard {

class EpollReactor;

/// The engine thread's event loop: one epoll_wait per turn over every socket
/// (the engine's SocketWatches and Qt's QSocketNotifiers alike), with the
/// timers' next deadline as its timeout. Qt's own dispatcher on Linux waits in
/// ppoll() on the reactor's descriptor and then asks the reactor again, and
/// spends thousands of instructions a turn on its bookkeeping; with one request
/// waking the thread twice that was a fifth of the engine's system calls.
/// Linux only: create() is nullptr elsewhere or when the kernel refuses, and
/// the thread keeps Qt's dispatcher. Set SWITCHYARD_QT_EVENT_DISPATCHER=1 to
/// keep Qt's anyway (for comparison).
class EngineEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    static EngineEventDispatcher* create();
    ~EngineEventDispatcher() override;

    /// The thread's reactor (EpollReactor::forCurrentThread() hands it out).
    EpollReactor* reactor() const { return m_reactor.get(); }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier* notifier) override;
    void unregisterSocketNotifier(QSocketNotifier* notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject* object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject* object) override;
    QList<TimerInfo> registeredTimers(QObject* object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

private:
    class NotifierSet;
    class WakeUpReader;

    EngineEventDispatcher(std::unique_ptr<EpollReactor> reactor, int wakeUpFd);
    bool hasNotifier(int fd, QSocketNotifier* notifier, QSocketNotifier::Type type) const;
    /// Waits for a wake-up or a timer only: ExcludeSocketNotifiers.
    int waitForWakeUp(int timeoutMs);
    void drainWakeUp();
    /// Qt's notifiers on descriptors epoll cannot watch (regular files): poll
    /// reports those ready at once, so they fire every turn, as with Qt's.
    int activateUnwatchable();

    std::unique_ptr<EpollReactor> m_reactor;
    int m_wakeUpFd = -1;
    std::unique_ptr<WakeUpReader> m_wakeUpReader;
    QAtomicInt m_wakeUpPending;
    QAtomicInt m_interrupted;
    TimerQueue m_timers;
    std::unordered_map<int, std::unique_ptr<NotifierSet>> m_notifiers; ///< by descriptor
    int m_unwatchableCount = 0;
};

} // namespace Switchyard
