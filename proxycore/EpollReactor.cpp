#include "EpollReactor.h"

#include "EngineEventDispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <sys/epoll.h>
#include <unistd.h>
#endif

namespace Switchyard {

namespace {
thread_local EpollReactor* t_reactor = nullptr;
thread_local bool t_reactorOwnedByDispatcher = false;
} // namespace

EpollReactor* EpollReactor::existing()
{
    return t_reactor;
}

#ifdef Q_OS_LINUX

namespace {
// Events fetched per turn: the rest wait for the next turn of the event loop,
// so that timers and other work are not starved by a busy set.
constexpr int kEventsPerTurn = 256;
} // namespace

EpollReactor* EpollReactor::forCurrentThread()
{
    if (t_reactor)
        return t_reactor;
    QThread* thread = QThread::currentThread();
    QAbstractEventDispatcher* dispatcher = QAbstractEventDispatcher::instance(thread);
    if (!QCoreApplication::instance() || !dispatcher)
        return nullptr;
    if (auto* engineDispatcher = qobject_cast<EngineEventDispatcher*>(dispatcher)) {
        // The dispatcher owns it and deletes it just after the thread's
        // finished(): forget it then, so late SocketWatches leave it alone.
        t_reactor = engineDispatcher->reactor();
        t_reactorOwnedByDispatcher = true;
        QObject::connect(
            thread, &QThread::finished, thread, [] { destroyCurrent(); },
            Qt::ConnectionType(Qt::DirectConnection | Qt::SingleShotConnection));
        return t_reactor;
    }
    auto* reactor = new EpollReactor(Waiting::OwnNotifier);
    if (!reactor->valid()) {
        delete reactor;
        return nullptr;
    }
    t_reactor = reactor;
    // The notifier must go while the thread's event dispatcher still exists.
    if (thread == QCoreApplication::instance()->thread()) {
        qAddPostRoutine(&EpollReactor::destroyCurrent);
    } else {
        QObject::connect(
            thread, &QThread::finished, thread, [] { destroyCurrent(); },
            Qt::ConnectionType(Qt::DirectConnection | Qt::SingleShotConnection));
    }
    return reactor;
}

void EpollReactor::destroyCurrent()
{
    EpollReactor* reactor = std::exchange(t_reactor, nullptr);
    if (!std::exchange(t_reactorOwnedByDispatcher, false))
        delete reactor;
}

EpollReactor::EpollReactor(Waiting waiting) : m_epollFd(::epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epollFd < 0 || waiting == Waiting::ByCaller)
        return;
    m_notifier = new QSocketNotifier(qintptr(m_epollFd), QSocketNotifier::Read);
    QObject::connect(m_notifier, &QSocketNotifier::activated, m_notifier,
                     [this] { waitAndDispatch(0); });
}

EpollReactor::~EpollReactor()
{
    delete m_notifier;
    if (m_epollFd >= 0)
        ::close(m_epollFd);
}

bool EpollReactor::add(int fd, EpollHandler* handler, quint32 events, quint32* slot)
{
    quint32 index;
    if (!m_freeSlots.empty()) {
        index = m_freeSlots.back();
        m_freeSlots.pop_back();
    } else {
        index = quint32(m_slots.size());
        m_slots.emplace_back();
    }
    Slot& entry = m_slots[index];
    epoll_event event{};
    event.events = events;
    event.data.u64 = (quint64(entry.generation) << 32) | index;
    if (::epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &event) != 0) {
        const int error = errno;
        m_freeSlots.push_back(index);
        errno = error;
        return false;
    }
    entry.handler = handler;
    *slot = index;
    ++m_registered;
    return true;
}

bool EpollReactor::modify(int fd, quint32 slot, quint32 events)
{
    epoll_event event{};
    event.events = events;
    event.data.u64 = (quint64(m_slots[slot].generation) << 32) | slot;
    return ::epoll_ctl(m_epollFd, EPOLL_CTL_MOD, fd, &event) == 0;
}

void EpollReactor::remove(int fd, quint32 slot, bool descriptorStaysOpen)
{
    if (descriptorStaysOpen)
        ::epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr);
    Slot& entry = m_slots[slot];
    entry.handler = nullptr;
    ++entry.generation;
    m_freeSlots.push_back(slot);
    --m_registered;
}

int EpollReactor::waitAndDispatch(int timeoutMs)
{
    epoll_event events[kEventsPerTurn];
    // A signal cuts the wait short; the caller's loop comes round again.
    const int count = ::epoll_wait(m_epollFd, events, kEventsPerTurn, timeoutMs);
    for (int i = 0; i < count; ++i) {
        const quint32 index = quint32(events[i].data.u64);
        const quint32 generation = quint32(events[i].data.u64 >> 32);
        const quint32 ready = events[i].events;
        // A handler may remove any watch, this one included, and add others
        // (the slot table may grow): look the slot up again each time.
        auto current = [&]() -> EpollHandler* {
            const Slot& entry = m_slots[index];
            return entry.generation == generation ? entry.handler : nullptr;
        };
        EpollHandler* handler = current();
        if (!handler)
            continue;
        if (ready & (EPOLLIN | EPOLLPRI | EPOLLHUP | EPOLLERR)) {
            handler->readReady(ready);
            handler = current();
            if (!handler)
                continue;
        }
        if (ready & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            handler->writeReady(ready);
    }
    return count > 0 ? count : 0;
}

#else // no epoll: SocketWatch uses QSocketNotifier

EpollReactor* EpollReactor::forCurrentThread()
{
    return nullptr;
}

void EpollReactor::destroyCurrent() {}
EpollReactor::EpollReactor(Waiting) {}
EpollReactor::~EpollReactor() = default;
bool EpollReactor::add(int, EpollHandler*, quint32, quint32*)
{
    return false;
}
bool EpollReactor::modify(int, quint32, quint32)
{
    return false;
}
void EpollReactor::remove(int, quint32, bool) {}
int EpollReactor::waitAndDispatch(int)
{
    return 0;
}

#endif

} // namespace Switchyard
