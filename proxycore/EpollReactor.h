#pragma once

#include <QtGlobal>
#include <vector>

class QSocketNotifier;

namespace Switchyard {

class SocketWatch;

/// One epoll set per thread, watched by a single QSocketNotifier, that tells
/// each SocketWatch when its socket is ready. Qt's own dispatcher polls every
/// registered notifier on every turn of the event loop, so with thousands of
/// idle tunnels each turn scanned thousands of descriptors; epoll hands back
/// only the ready ones. Linux only: elsewhere forCurrentThread() is nullptr
/// and SocketWatch uses QSocketNotifier.
class EpollReactor
{
public:
    /// This thread's reactor, made on first use; nullptr without epoll or
    /// without an event dispatcher. It is destroyed when the thread finishes
    /// (the main thread's with the application).
    static EpollReactor* forCurrentThread();
    /// This thread's reactor if it still exists, without making one.
    static EpollReactor* existing();

    EpollReactor(const EpollReactor&) = delete;
    EpollReactor& operator=(const EpollReactor&) = delete;

    /// Registers fd for events (EPOLLIN/EPOLLOUT bits); false if epoll refused.
    bool add(int fd, SocketWatch* watch, quint32 events, quint32* slot);
    bool modify(int fd, quint32 slot, quint32 events);
    /// Forgets slot: events already fetched for it are dropped. With
    /// descriptorStaysOpen the registration is removed from the kernel too
    /// (closing the descriptor removes it by itself).
    void remove(int fd, quint32 slot, bool descriptorStaysOpen);

    int registeredCount() const { return m_registered; }

private:
    EpollReactor();
    ~EpollReactor();
    static void destroyCurrent();
    void dispatch();

    struct Slot
    {
        SocketWatch* watch = nullptr;
        quint32 generation = 0; ///< bumped on remove(): stale events are told apart
    };

    int m_epollFd = -1;
    QSocketNotifier* m_notifier = nullptr;
    std::vector<Slot> m_slots;
    std::vector<quint32> m_freeSlots;
    int m_registered = 0;
};

} // namespace Switchyard
