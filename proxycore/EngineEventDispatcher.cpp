#include "EngineEventDispatcher.h"

#include "EpollReactor.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QVarLengthArray>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#endif

namespace Switchyard {

#ifdef Q_OS_LINUX

namespace {

void activate(QSocketNotifier* notifier)
{
    QEvent event(QEvent::SockAct);
    QCoreApplication::sendEvent(notifier, &event);
}

} // namespace

/// Qt's notifiers on one descriptor (read, write, exception), registered in
/// the reactor as one entry, with Qt's poll() rules for which notifier hears
/// what: a hang-up or an error wakes the read and exception notifiers, an error
/// the write notifier. Like SocketWatch, switching a notifier off leaves the
/// registration as it is until the descriptor next reports what nobody wants
/// any more: QAbstractSocket switches its write notifier on and off around
/// every write.
class EngineEventDispatcher::NotifierSet final : public EpollHandler
{
public:
    NotifierSet(EngineEventDispatcher* owner, int fd) : m_owner(owner), m_fd(fd) {}

    QSocketNotifier* notifiers[3] = {}; ///< by QSocketNotifier::Type
    quint32 slot = 0;
    quint32 registered = 0; ///< EPOLLIN/EPOLLOUT/EPOLLPRI bits the kernel has
    bool inSet = false;
    bool unwatchable = false; ///< epoll refused it (a regular file)

    quint32 wanted() const
    {
        return (notifiers[QSocketNotifier::Read] ? quint32(EPOLLIN) : 0u) |
               (notifiers[QSocketNotifier::Write] ? quint32(EPOLLOUT) : 0u) |
               (notifiers[QSocketNotifier::Exception] ? quint32(EPOLLPRI) : 0u);
    }

    void readReady(quint32 events) override
    {
        QSocketNotifier* read =
            events & (EPOLLIN | EPOLLHUP | EPOLLERR) ? notifiers[QSocketNotifier::Read] : nullptr;
        QSocketNotifier* exception = events & (EPOLLPRI | EPOLLHUP | EPOLLERR)
                                         ? notifiers[QSocketNotifier::Exception]
                                         : nullptr;
        if (!read && !exception) {
            if (events & (EPOLLIN | EPOLLPRI))
                shrink();
            return;
        }
        EngineEventDispatcher* owner = m_owner;
        const int fd = m_fd;
        if (read) {
            activate(read); // may unregister anything, this set included
            if (!exception || !owner->hasNotifier(fd, exception, QSocketNotifier::Exception))
                return;
        }
        activate(exception);
    }

    void writeReady(quint32 events) override
    {
        if (QSocketNotifier* write =
                events & (EPOLLOUT | EPOLLERR) ? notifiers[QSocketNotifier::Write] : nullptr) {
            activate(write);
        } else if (events & EPOLLOUT) {
            shrink();
        }
    }

    /// Registers what is wanted if that is more than the kernel has.
    void grow(EpollReactor* reactor)
    {
        const quint32 want = wanted();
        if (unwatchable || (want & ~registered) == 0)
            return;
        if (inSet) {
            if (reactor->modify(m_fd, slot, want))
                registered = want;
            else
                qWarning("QSocketNotifier: cannot watch socket %d (%s)", m_fd, strerror(errno));
            return;
        }
        if (reactor->add(m_fd, this, want, &slot)) {
            inSet = true;
            registered = want;
        } else if (errno == EPERM) {
            unwatchable = true;
            ++m_owner->m_unwatchableCount;
        } else {
            qWarning("QSocketNotifier: cannot watch socket %d (%s)", m_fd, strerror(errno));
        }
    }

private:
    void shrink()
    {
        const quint32 want = wanted();
        if ((registered & ~want) != 0 && m_owner->m_reactor->modify(m_fd, slot, want))
            registered = want;
    }

    EngineEventDispatcher* m_owner;
    int m_fd;
};

class EngineEventDispatcher::WakeUpReader final : public EpollHandler
{
public:
    explicit WakeUpReader(EngineEventDispatcher* owner) : m_owner(owner) {}
    void readReady(quint32) override { m_owner->drainWakeUp(); }
    void writeReady(quint32) override {}

private:
    EngineEventDispatcher* m_owner;
};

EngineEventDispatcher* EngineEventDispatcher::create()
{
    if (qEnvironmentVariableIntValue("SWITCHYARD_QT_EVENT_DISPATCHER") == 1)
        return nullptr;
    auto reactor = std::make_unique<EpollReactor>(EpollReactor::Waiting::ByCaller);
    if (!reactor->valid())
        return nullptr;
    const int wakeUpFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wakeUpFd < 0)
        return nullptr;
    auto* dispatcher = new EngineEventDispatcher(std::move(reactor), wakeUpFd);
    quint32 slot = 0;
    if (!dispatcher->m_reactor->add(wakeUpFd, dispatcher->m_wakeUpReader.get(), EPOLLIN, &slot)) {
        delete dispatcher;
        return nullptr;
    }
    return dispatcher;
}

EngineEventDispatcher::EngineEventDispatcher(std::unique_ptr<EpollReactor> reactor, int wakeUpFd)
    : m_reactor(std::move(reactor)), m_wakeUpFd(wakeUpFd),
      m_wakeUpReader(std::make_unique<WakeUpReader>(this))
{}

EngineEventDispatcher::~EngineEventDispatcher()
{
    m_notifiers.clear();
    m_reactor.reset();
    ::close(m_wakeUpFd);
}

bool EngineEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    // Whatever a posted event or handler posts next calls wakeUp(), which
    // makes the wait below return at once: no need to ask Qt whether to wait.
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.loadRelaxed();
    if (canWait)
        Q_EMIT aboutToBlock();
    if (m_interrupted.loadRelaxed())
        return false;

    int timeoutMs = 0;
    if (canWait && !(includeNotifiers && m_unwatchableCount > 0))
        timeoutMs = includeTimers ? m_timers.msecsToNextDeadline(TimerQueue::nowNs()) : -1;

    int handled = 0;
    if (includeNotifiers) {
        handled += m_reactor->waitAndDispatch(timeoutMs);
        if (m_unwatchableCount > 0)
            handled += activateUnwatchable();
    } else {
        handled += waitForWakeUp(timeoutMs);
    }
    if (includeTimers && !m_timers.isEmpty())
        handled += m_timers.fireDue(TimerQueue::nowNs());
    return handled > 0;
}

int EngineEventDispatcher::waitForWakeUp(int timeoutMs)
{
    pollfd wakeUp{m_wakeUpFd, POLLIN, 0};
    if (::poll(&wakeUp, 1, timeoutMs) <= 0)
        return 0;
    drainWakeUp();
    return 1;
}

void EngineEventDispatcher::drainWakeUp()
{
    eventfd_t count = 0;
    [[maybe_unused]] const int result = ::eventfd_read(m_wakeUpFd, &count);
    // Cleared after the read: a wake-up from now on writes again. One that
    // came just before is not lost, because the next turn starts by sending
    // the posted events anyway.
    m_wakeUpPending.storeRelease(0);
}

int EngineEventDispatcher::activateUnwatchable()
{
    struct Pending
    {
        int fd;
        QSocketNotifier::Type type;
        QSocketNotifier* notifier;
    };
    QVarLengthArray<Pending, 8> pending;
    for (const auto& [fd, set] : m_notifiers) {
        if (!set->unwatchable)
            continue;
        for (const auto type : {QSocketNotifier::Read, QSocketNotifier::Write})
            if (set->notifiers[type])
                pending.append({fd, type, set->notifiers[type]});
    }
    int activated = 0;
    for (const Pending& entry : pending) {
        if (!hasNotifier(entry.fd, entry.notifier, entry.type))
            continue; // an earlier one switched it off
        activate(entry.notifier);
        ++activated;
    }
    return activated;
}

bool EngineEventDispatcher::hasNotifier(int fd, QSocketNotifier* notifier,
                                        QSocketNotifier::Type type) const
{
    const auto found = m_notifiers.find(fd);
    return found != m_notifiers.end() && found->second->notifiers[type] == notifier;
}

void EngineEventDispatcher::registerSocketNotifier(QSocketNotifier* notifier)
{
    const int fd = int(notifier->socket());
    std::unique_ptr<NotifierSet>& set = m_notifiers[fd];
    if (!set)
        set = std::make_unique<NotifierSet>(this, fd);
    set->notifiers[notifier->type()] = notifier;
    set->grow(m_reactor.get());
}

void EngineEventDispatcher::unregisterSocketNotifier(QSocketNotifier* notifier)
{
    const int fd = int(notifier->socket());
    const auto found = m_notifiers.find(fd);
    if (found == m_notifiers.end())
        return;
    NotifierSet& set = *found->second;
    if (set.notifiers[notifier->type()] != notifier)
        return;
    set.notifiers[notifier->type()] = nullptr;
    if (set.wanted() != 0)
        return; // the registration shrinks when the descriptor next reports
    if (set.inSet)
        m_reactor->remove(fd, set.slot, true);
    if (set.unwatchable)
        --m_unwatchableCount;
    m_notifiers.erase(found);
}

void EngineEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                          QObject* object)
{
    m_timers.add(timerId, interval, timerType, object, TimerQueue::nowNs());
}

bool EngineEventDispatcher::unregisterTimer(int timerId)
{
    return m_timers.remove(timerId);
}

bool EngineEventDispatcher::unregisterTimers(QObject* object)
{
    return m_timers.removeAll(object);
}

QList<QAbstractEventDispatcher::TimerInfo>
EngineEventDispatcher::registeredTimers(QObject* object) const
{
    return m_timers.timersOf(object);
}

int EngineEventDispatcher::remainingTime(int timerId)
{
    return m_timers.remainingMsecs(timerId, TimerQueue::nowNs());
}

void EngineEventDispatcher::wakeUp()
{
    // Any thread may call this: one eventfd write until the loop has read it.
    if (m_wakeUpPending.testAndSetAcquire(0, 1)) [[maybe_unused]]
        const int result = ::eventfd_write(m_wakeUpFd, 1);
}

void EngineEventDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}

#else // no epoll: the engine thread keeps Qt's dispatcher

EngineEventDispatcher* EngineEventDispatcher::create()
{
    return nullptr;
}

#endif

} // namespace Switchyard
