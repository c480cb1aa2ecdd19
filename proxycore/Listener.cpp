#include "Listener.h"

#include <QNetworkProxy>
#include <QTcpServer>
#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Switchyard {

namespace {
// Accepts per readiness event before the loop serves the open connections.
constexpr int kAcceptsPerTurn = 64;
// How long accepting rests when not even a refusal is possible (no spare, the
// kernel short of memory, an unexpected error); clients wait in the backlog.
constexpr int kResumeAfterMs = 100;
// Clients the kernel completes before the engine accepts them.
constexpr int kBacklog = 1024;

int acceptNonBlocking(int listenFd)
{
#ifdef Q_OS_LINUX
    return ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
    const int fd = ::accept(listenFd, nullptr, nullptr);
    if (fd >= 0) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return fd;
#endif
}
} // namespace

Listener::Listener(Accepted accepted, Refused refused, QObject* parent)
    : QObject(parent), m_accepted(std::move(accepted)), m_refused(std::move(refused))
{
    m_resume.setSingleShot(true);
    m_resume.setInterval(kResumeAfterMs);
    connect(&m_resume, &QTimer::timeout, this, [this] {
        openSpare();
        m_watch->setReadEnabled(true);
    });
}

Listener::~Listener()
{
    if (m_watch)
        m_watch->stop(false);
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_spare >= 0)
        ::close(m_spare);
}

bool Listener::listen(const QHostAddress& address, quint16 port)
{
    // QTcpServer binds (dual stack, SO_REUSEADDR, readable errors); the engine
    // then keeps a duplicate of the socket and lets Qt's copy go.
    QTcpServer server;
    server.setProxy(QNetworkProxy::NoProxy); // never through a system proxy
    server.setListenBacklogSize(kBacklog);
    if (!server.listen(address, port)) {
        m_errorString = server.errorString();
        return false;
    }
    m_fd = ::fcntl(int(server.socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (m_fd < 0) {
        m_errorString = qt_error_string(errno);
        return false;
    }
    m_address = server.serverAddress();
    m_port = server.serverPort();
    server.close(); // the duplicate keeps the socket listening (and non-blocking)
    openSpare();
    SocketWatchHandler* handler = this; // a private base, so converted here
    m_watch = std::make_unique<SocketWatch>(m_fd, handler, this);
    m_watch->setReadEnabled(true);
    return true;
}

void Listener::socketReadable()
{
    for (int i = 0; i < kAcceptsPerTurn; ++i) {
        const int fd = acceptNonBlocking(m_fd);
        if (fd >= 0) {
            m_accepted(fd);
            continue;
        }
        switch (errno) {
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
            return;
        case EMFILE:
        case ENFILE:
            switch (refuseWithSpare(errno)) {
            case Refusal::Refused:
                continue;
            case Refusal::NobodyWaiting:
                return;
            case Refusal::Impossible:
                pauseAccepting();
                return;
            }
            continue;
        case EINTR:
        case ECONNABORTED:
        case EPERM: // a firewall rule refused this one
        case EPROTO:
        case ENOPROTOOPT:
        case ENETDOWN:
        case ENETUNREACH:
        case EHOSTDOWN:
        case EHOSTUNREACH:
        case EOPNOTSUPP:
#ifdef ENONET
        case ENONET:
#endif
            // This client gave up before it was accepted, or Linux passed on a
            // network error of its connection: the next one may be fine.
            continue;
        default:
            // Short of kernel memory (ENOBUFS, ENOMEM), or something the next
            // attempt would only repeat: rest rather than spin.
            pauseAccepting();
            return;
        }
    }
}

Listener::Refusal Listener::refuseWithSpare(int error)
{
    if (m_spare < 0)
        return Refusal::Impossible;
    ::close(m_spare);
    m_spare = -1;
    const int fd = acceptNonBlocking(m_fd);
    // Linux reports EMFILE before it looks at the queue, so the first failure
    // did not say that anyone was waiting.
    const bool nobodyWaiting = fd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    if (fd >= 0)
        m_refused(fd, error); // closes fd, so the spare can be had again
    openSpare();
    if (m_spare < 0)
        return Refusal::Impossible;
    if (fd >= 0)
        return Refusal::Refused;
    return nobodyWaiting ? Refusal::NobodyWaiting : Refusal::Impossible;
}

void Listener::pauseAccepting()
{
    m_watch->setReadEnabled(false);
    m_resume.start();
}

void Listener::openSpare()
{
    if (m_spare < 0)
        m_spare = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

} // namespace Switchyard
