#include "BlackholeListener.h"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr int kFillers = 3;
constexpr int kProbeMs = 300;
constexpr int kMaxProbes = 8;

sockaddr_in loopback(quint16 port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

} // namespace

BlackholeListener::~BlackholeListener()
{
    closeAll();
}

void BlackholeListener::closeAll()
{
    for (int fd : std::as_const(m_fillers))
        ::close(fd);
    m_fillers.clear();
    if (m_listenFd >= 0)
        ::close(m_listenFd);
    m_listenFd = -1;
    m_port = 0;
}

int BlackholeListener::connectNonBlocking() const
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const sockaddr_in address = loopback(m_port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
        errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool BlackholeListener::start()
{
    closeAll();
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listenFd < 0)
        return false;
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (::bind(m_listenFd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_listenFd, 0) != 0 ||
        ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        closeAll();
        return false;
    }
    m_port = ntohs(address.sin_port);

    for (int i = 0; i < kFillers; ++i) {
        const int fd = connectNonBlocking();
        if (fd >= 0)
            m_fillers.append(fd);
    }
    // Probe: a connect that completes means the queue still had room; keep it as
    // one more filler and try again. A probe that stays pending proves the hang.
    for (int i = 0; i < kMaxProbes; ++i) {
        const int fd = connectNonBlocking();
        if (fd < 0)
            break;
        m_fillers.append(fd);
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, kProbeMs) == 0)
            return true;
    }
    closeAll();
    return false;
}
