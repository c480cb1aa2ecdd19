#include "SocketWatch.h"

#include "EpollReactor.h"

#include <QSocketNotifier>

#ifdef Q_OS_LINUX
#include <sys/epoll.h>
#else
// Only the bit values matter off Linux, where the reactor is never used.
#define EPOLLIN 0x001
#define EPOLLOUT 0x004
#endif

namespace Switchyard {

SocketWatch::SocketWatch(int fd, SocketWatchHandler* handler, QObject* parent)
    : m_fd(fd), m_handler(handler), m_reactor(EpollReactor::forCurrentThread())
{
    if (!m_reactor)
        useNotifiers(parent);
}

void SocketWatch::useNotifiers(QObject* parent)
{
    m_readNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Read, parent);
    m_readNotifier->setEnabled(m_wantRead && !m_stopped);
    QObject::connect(m_readNotifier, &QSocketNotifier::activated, m_readNotifier,
                     [this] { m_handler->socketReadable(); });
    m_writeNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, parent);
    m_writeNotifier->setEnabled(m_wantWrite && !m_stopped);
    QObject::connect(m_writeNotifier, &QSocketNotifier::activated, m_writeNotifier,
                     [this] { m_handler->socketWritable(); });
    m_ownsNotifiers = parent == nullptr;
}

SocketWatch::~SocketWatch()
{
    if (!m_stopped)
        stop(true);
}

void SocketWatch::setReadEnabled(bool enabled)
{
    m_wantRead = enabled;
    if (m_readNotifier)
        m_readNotifier->setEnabled(enabled && !m_stopped);
    else if (enabled)
        sync(false);
}

void SocketWatch::setWriteEnabled(bool enabled)
{
    m_wantWrite = enabled;
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(enabled && !m_stopped);
    else if (enabled)
        sync(false);
}

void SocketWatch::sync(bool shrink)
{
    if (m_stopped || !m_reactor)
        return;
    const quint32 want =
        (m_wantRead ? quint32(EPOLLIN) : 0u) | (m_wantWrite ? quint32(EPOLLOUT) : 0u);
    const bool grow = (want & ~m_registeredEvents) != 0;
    const bool excess = (m_registeredEvents & ~want) != 0;
    if (!grow && !(shrink && excess))
        return;
    // A system call is due anyway: register exactly what is wanted.
    if (want == 0) {
        m_reactor->remove(m_fd, m_slot, true);
        m_inSet = false;
        m_registeredEvents = 0;
        return;
    }
    if (!m_inSet) {
        if (m_reactor->add(m_fd, this, want, &m_slot)) {
            m_inSet = true;
            m_registeredEvents = want;
            return;
        }
    } else if (m_reactor->modify(m_fd, m_slot, want)) {
        m_registeredEvents = want;
        return;
    }
    // epoll refused (out of memory or over max_user_watches): this socket
    // goes on with Qt's notifiers rather than going deaf.
    if (m_inSet) {
        m_reactor->remove(m_fd, m_slot, true);
        m_inSet = false;
    }
    m_registeredEvents = 0;
    m_reactor = nullptr;
    useNotifiers(nullptr);
}

void SocketWatch::readReady(quint32)
{
    if (m_wantRead)
        m_handler->socketReadable(); // may delete this watch
    else
        sync(true); // switched off meanwhile: stop hearing about it
}

void SocketWatch::writeReady(quint32)
{
    if (m_wantWrite)
        m_handler->socketWritable(); // may delete this watch
    else
        sync(true);
}

void SocketWatch::stop(bool descriptorStaysOpen)
{
    m_stopped = true;
    if (m_readNotifier) {
        m_readNotifier->setEnabled(false);
        m_writeNotifier->setEnabled(false);
        if (m_ownsNotifiers) {
            delete m_readNotifier;
            delete m_writeNotifier;
            m_readNotifier = nullptr;
            m_writeNotifier = nullptr;
        }
    }
    // The thread's reactor may be gone already (streams deleted after the
    // thread finished); closing the descriptor took it out of the set then.
    if (m_inSet && m_reactor && EpollReactor::existing() == m_reactor)
        m_reactor->remove(m_fd, m_slot, descriptorStaysOpen);
    m_inSet = false;
}

} // namespace Switchyard
