#pragma once

#include <QtGlobal>
#include <vector>

class QSocketNotifier;

namespace Switchyard {

/// What the reactor calls when a registered descriptor is ready, with the
/// epoll bits it reported. Either call may delete the handler; writeReady is
/// only called if the handler is still registered after readReady.
class EpollHandler
{
public:
    virtual void readReady(quint32 events) = 0;
    virtual void writeReady(quint32 events) = 0;

protected:
    ~EpollHandler() = default;
};

/// One epoll set per thread that tells each handler (SocketWatch, or the
/// engine's event dispatcher for Qt's own notifiers) when its descriptor is
/// ready. Qt's own dispatcher polls every registered notifier on every turn of
/// the event loop, so with thousands of idle tunnels each turn scanned
/// thousands of descriptors; epoll hands back only the ready ones.
/// In a thread run by EngineEventDispatcher the dispatcher owns the reactor and
/// waits on it directly; elsewhere the reactor is watched by one
/// QSocketNotifier. Linux only: elsewhere forCurrentThread() is nullptr and
/// SocketWatch uses QSocketNotifier.
class EpollReactor
{
public:
    enum class Waiting {
        OwnNotifier, ///< a QSocketNotifier on the set wakes the thread's dispatcher
        ByCaller,    ///< the owner calls waitAndDispatch() from its event loop
    };

    /// This thread's reactor: the EngineEventDispatcher's, or one made on first
    /// use; nullptr without epoll or without an event dispatcher. A made one is
    /// destroyed when the thread finishes (the main thread's with the
    /// application).
    static EpollReactor* forCurrentThread();
    /// This thread's reactor if it still exists, without making one.
    static EpollReactor* existing();

    EpollReactor(const EpollReactor&) = delete;
    EpollReactor& operator=(const EpollReactor&) = delete;

    /// A reactor for an event dispatcher (ByCaller); m_epollFd < 0 (valid()
    /// false) if the kernel refused.
    explicit EpollReactor(Waiting waiting);
    ~EpollReactor();
    bool valid() const { return m_epollFd >= 0; }

    /// Registers fd for events (EPOLLIN/EPOLLOUT bits); false if epoll refused
    /// (errno tells why).
    bool add(int fd, EpollHandler* handler, quint32 events, quint32* slot);
    bool modify(int fd, quint32 slot, quint32 events);
    /// Forgets slot: events already fetched for it are dropped. With
    /// descriptorStaysOpen the registration is removed from the kernel too
    /// (closing the descriptor removes it by itself).
    void remove(int fd, quint32 slot, bool descriptorStaysOpen);

    int registeredCount() const { return m_registered; }

    /// Waits up to timeoutMs (-1: no limit, 0: just looks) for ready
    /// descriptors and calls their handlers; returns how many were ready.
    int waitAndDispatch(int timeoutMs);

private:
    static void destroyCurrent();

    struct Slot
    {
        EpollHandler* handler = nullptr;
        quint32 generation = 0; ///< bumped on remove(): stale events are told apart
    };

    int m_epollFd = -1;
    QSocketNotifier* m_notifier = nullptr;
    std::vector<Slot> m_slots;
    std::vector<quint32> m_freeSlots;
    int m_registered = 0;
};

} // namespace Switchyard
