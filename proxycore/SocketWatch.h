#pragma once

#include "EpollReactor.h"

#include <QtGlobal>

class QObject;
class QSocketNotifier;

namespace Switchyard {

/// What a SocketWatch calls when its socket is ready.
class SocketWatchHandler
{
public:
    virtual void socketReadable() = 0;
    virtual void socketWritable() = 0;

protected:
    ~SocketWatchHandler() = default;
};

/// Tells its handler when a socket can be read or written, level-triggered
/// like QSocketNotifier: through this thread's EpollReactor where there is one,
/// else through two QSocketNotifiers. Switching a direction off costs nothing
/// until the socket next reports it (then the registration shrinks once), so
/// owners may switch reading off and on around every request for free.
class SocketWatch final : private EpollHandler
{
public:
    /// parent owns the fallback notifiers; handler outlives this watch.
    SocketWatch(int fd, SocketWatchHandler* handler, QObject* parent);
    ~SocketWatch();
    SocketWatch(const SocketWatch&) = delete;
    SocketWatch& operator=(const SocketWatch&) = delete;

    void setReadEnabled(bool enabled);
    void setWriteEnabled(bool enabled);
    /// Stops for good, before the descriptor is closed or handed on.
    void stop(bool descriptorStaysOpen);

private:
    void readReady(quint32 events) override;
    void writeReady(quint32 events) override;
    /// Brings the registration to what is wanted; shrink also drops what is
    /// registered but no longer wanted.
    void sync(bool shrink);
    /// QSocketNotifiers instead of the reactor; owned here when parent is null.
    void useNotifiers(QObject* parent);

    int m_fd;
    SocketWatchHandler* m_handler;
    EpollReactor* m_reactor = nullptr;
    QSocketNotifier* m_readNotifier = nullptr; // fallback only
    QSocketNotifier* m_writeNotifier = nullptr;
    quint32 m_slot = 0;
    quint32 m_registeredEvents = 0;
    bool m_inSet = false;
    bool m_wantRead = false;
    bool m_wantWrite = false;
    bool m_stopped = false;
    bool m_ownsNotifiers = false; ///< made after epoll refused this socket
};

} // namespace Switchyard
