#include "UnixSignalWatcher.h"

#include <QSocketNotifier>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace Switchyard {

namespace {

// The write end of the socketpair, for the signal handler: a handler gets no
// context pointer, so this one value has to be reachable without an object.
volatile sig_atomic_t s_writeFd = -1;

} // namespace

UnixSignalWatcher::UnixSignalWatcher(QObject* parent) : QObject(parent)
{
    Q_ASSERT(s_writeFd == -1);
    int fds[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0) {
        qWarning("UnixSignalWatcher: socketpair failed: %s", std::strerror(errno));
        return;
    }
    m_writeFd = fds[0];
    m_readFd = fds[1];
    s_writeFd = m_writeFd;
    m_notifier = new QSocketNotifier(m_readFd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &UnixSignalWatcher::onReadable);
}

UnixSignalWatcher::~UnixSignalWatcher()
{
    // Handlers first, so that no signal is written into a closed descriptor.
    for (const int signal : std::as_const(m_watched))
        std::signal(signal, SIG_DFL);
    s_writeFd = -1;
    delete m_notifier;
    if (m_readFd >= 0)
        ::close(m_readFd);
    if (m_writeFd >= 0)
        ::close(m_writeFd);
}

bool UnixSignalWatcher::watch(int signal)
{
    if (m_writeFd < 0) {
        errno = EBADF;
        return false;
    }
    struct sigaction action = {};
    action.sa_handler = &UnixSignalWatcher::handleSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (::sigaction(signal, &action, nullptr) != 0)
        return false;
    m_watched.append(signal);
    return true;
}

void UnixSignalWatcher::handleSignal(int signal)
{
    const int savedErrno = errno;
    const int fd = s_writeFd;
    if (fd >= 0) {
        const auto byte = static_cast<unsigned char>(signal);
        // Nothing can be done about a full socket here; one byte per signal is plenty.
        [[maybe_unused]] const ssize_t written = ::write(fd, &byte, 1);
    }
    errno = savedErrno;
}

void UnixSignalWatcher::onReadable()
{
    unsigned char bytes[16];
    for (;;) {
        const ssize_t count = ::read(m_readFd, bytes, sizeof bytes);
        if (count <= 0)
            break; // EAGAIN: drained
        for (ssize_t i = 0; i < count; ++i)
            Q_EMIT signalReceived(bytes[i]);
    }
}

} // namespace Switchyard
