#include "EpollReactor.h"

#include "SocketWatch.h"

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
    if (!QCoreApplication::instance() || !QAbstractEventDispatcher::instance(thread))
        return nullptr;
    auto* reactor = new EpollReactor;
    if (reactor->m_epollFd < 0) {
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
    delete std::exchange(t_reactor, nullptr);
}

EpollReactor::EpollReactor() : m_epollFd(::epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epollFd < 0)
        return;
    m_notifier = new QSocketNotifier(qintptr(m_epollFd), QSocketNotifier::Read);
    QObject::connect(m_notifier, &QSocketNotifier::activated, m_notifier, [this] { dispatch(); });
}

EpollReactor::~EpollReactor()
{
    delete m_notifier;
    if (m_epollFd >= 0)
        ::close(m_epollFd);
}

bool EpollReactor::add(int fd, SocketWatch* watch, quint32 events, quint32* slot)
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
        m_freeSlots.push_back(index);
        return false;
    }
    entry.watch = watch;
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
    entry.watch = nullptr;
    ++entry.generation;
    m_freeSlots.push_back(slot);
    --m_registered;
}

void EpollReactor::dispatch()
{
    epoll_event events[kEventsPerTurn];
    int count;
    do {
        count = ::epoll_wait(m_epollFd, events, kEventsPerTurn, 0);
    } while (count < 0 && errno == EINTR);
    for (int i = 0; i < count; ++i) {
        const quint32 index = quint32(events[i].data.u64);
        const quint32 generation = quint32(events[i].data.u64 >> 32);
        const quint32 ready = events[i].events;
        // A handler may remove any watch, this one included, and add others
        // (the slot table may grow): look the slot up again each time.
        auto current = [&]() -> SocketWatch* {
            const Slot& entry = m_slots[index];
            return entry.generation == generation ? entry.watch : nullptr;
        };
        SocketWatch* watch = current();
        if (!watch)
            continue;
        if (ready & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            watch->readReady(ready);
            watch = current();
            if (!watch)
                continue;
        }
        if (ready & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            watch->writeReady(ready);
    }
}

#else // no epoll: SocketWatch uses QSocketNotifier

EpollReactor* EpollReactor::forCurrentThread()
{
    return nullptr;
}

void EpollReactor::destroyCurrent() {}
EpollReactor::EpollReactor() = default;
EpollReactor::~EpollReactor() = default;
bool EpollReactor::add(int, SocketWatch*, quint32, quint32*)
{
    return false;
}
bool EpollReactor::modify(int, quint32, quint32)
{
    return false;
}
void EpollReactor::remove(int, quint32, bool) {}
void EpollReactor::dispatch() {}

#endif

} // namespace Switchyard
