#include "TcpStream.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace Switchyard {

namespace {

void setNoDelay(int fd)
{
    // Without TCP_NODELAY a head and a body written separately wait for the
    // peer's delayed ACK (about 40 ms on Linux).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

constexpr qsizetype kCorkLimit = 16 * 1024;

bool isTransient(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

} // namespace

TcpStream::TcpStream(int fd, QObject* parent) : TcpStream(fd, State::Connected, parent)
{
    // Accepted descriptors arrive blocking; every call here must return at once.
    const int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    setNoDelay(fd);
}

TcpStream::TcpStream(int fd, State state, QObject* parent)
    : Stream(parent), m_fd(fd), m_state(state), m_watch(fd, this, this)
{
    m_watch.setReadEnabled(state == State::Connected);
    m_watch.setWriteEnabled(state == State::Connecting);
}

TcpStream::~TcpStream()
{
    close();
}

TcpStream* TcpStream::connectTo(const QHostAddress& address, quint16 port, QObject* parent,
                                int* error)
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_INET;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        const Q_IPV6ADDR raw = address.toIPv6Address();
        std::memcpy(&sin6->sin6_addr, &raw, sizeof raw);
        sin6->sin6_scope_id = address.scopeId().toUInt();
        length = sizeof(sockaddr_in6);
        family = AF_INET6;
    } else {
        auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = errno;
        return nullptr;
    }
    setNoDelay(fd);
    const int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&storage), length);
    if (rc == 0)
        return new TcpStream(fd, State::Connected, parent);
    if (errno != EINPROGRESS) {
        *error = errno;
        ::close(fd);
        return nullptr;
    }
    return new TcpStream(fd, State::Connecting, parent);
}

template <typename ReadCall> qint64 TcpStream::receive(ReadCall readCall)
{
    if (m_state != State::Connected || m_readEof)
        return -1;
    for (;;) {
        const ssize_t n = readCall();
        if (n > 0)
            return n;
        if (n == 0) {
            m_readEof = true;
            m_watch.setReadEnabled(false);
            return -1;
        }
        if (errno == EINTR)
            continue;
        if (isTransient(errno))
            return 0;
        m_readEof = true;
        setFailed(errno);
        return -1;
    }
}

qint64 TcpStream::read(char* data, qint64 maxSize)
{
    return receive([&] { return ::recv(m_fd, data, size_t(maxSize), 0); });
}

qint64 TcpStream::spliceToPipe(int pipeWriteFd, qint64 maxSize)
{
#ifdef Q_OS_LINUX
    return receive([&] {
        return ::splice(m_fd, nullptr, pipeWriteFd, nullptr, size_t(maxSize),
                        SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    });
#else
    Q_UNUSED(pipeWriteFd);
    Q_UNUSED(maxSize);
    return -1;
#endif
}

qint64 TcpStream::spliceFromPipe(int pipeReadFd, qint64 size)
{
#ifdef Q_OS_LINUX
    if (m_state != State::Connected || m_error != 0 || m_shutdownRequested)
        return -1;
    qint64 moved = 0;
    while (moved < size) {
        const ssize_t n = ::splice(pipeReadFd, nullptr, m_fd, nullptr, size_t(size - moved),
                                   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
            moved += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && !isTransient(errno)) {
            setFailed(errno);
            return -1;
        }
        break; // the socket is full (the pipe is never empty here)
    }
    if (moved < size) {
        m_spliceWaiting = true;
        updateWriteInterest();
    }
    return moved;
#else
    Q_UNUSED(pipeReadFd);
    Q_UNUSED(size);
    return -1;
#endif
}

int TcpStream::peekByte()
{
    if (m_state != State::Connected || m_readEof)
        return -2;
    unsigned char byte = 0;
    for (;;) {
        const ssize_t n = ::recv(m_fd, &byte, 1, MSG_PEEK);
        if (n == 1)
            return byte;
        if (n == 0)
            return -2;
        if (errno == EINTR)
            continue;
        return isTransient(errno) ? -1 : -2;
    }
}

bool TcpStream::write(QByteArrayView data)
{
    if (m_state == State::Closed || m_error != 0 || m_shutdownRequested)
        return false;
    if (data.isEmpty())
        return true;
    if (m_corked && m_corkBuffer.size() + data.size() <= kCorkLimit) {
        m_corkBuffer.append(data.data(), data.size());
        return true;
    }
    if (!m_corkBuffer.isEmpty() && !releaseCorked())
        return false;
    return writeNow(data);
}

bool TcpStream::releaseCorked()
{
    const bool ok = writeNow(m_corkBuffer);
    if (m_corkBuffer.capacity() > 2 * kCorkLimit)
        m_corkBuffer = QByteArray();
    else
        m_corkBuffer.resize(0); // keeps the memory for the next response
    return ok;
}

bool TcpStream::writeNow(QByteArrayView data)
{
    if (m_state == State::Connected && !m_kernelFull) {
        const qsizetype sent = sendQueued(data);
        if (m_error != 0)
            return false;
        data = data.sliced(sent);
        if (data.isEmpty() && m_out.isEmpty())
            return true;
    }
    m_out.append(data.data(), data.size());
    updateWriteInterest();
    return true;
}

qsizetype TcpStream::sendQueued(QByteArrayView extra)
{
    constexpr int kMaxVectors = 16;
    qsizetype extraSent = 0;
    for (;;) {
        iovec vectors[kMaxVectors];
        int count = m_out.gather(vectors, kMaxVectors - 1);
        const bool allQueued = count < kMaxVectors - 1 || m_out.size() == 0;
        const bool withExtra = allQueued && extraSent < extra.size();
        if (withExtra) {
            vectors[count].iov_base = const_cast<char*>(extra.data() + extraSent);
            vectors[count].iov_len = size_t(extra.size() - extraSent);
            ++count;
        }
        if (count == 0)
            return extraSent;
        msghdr message{};
        message.msg_iov = vectors;
        message.msg_iovlen = size_t(count);
        const ssize_t n = ::sendmsg(m_fd, &message, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (isTransient(errno))
                m_kernelFull = true;
            else
                setFailed(errno);
            return extraSent;
        }
        qsizetype left = n;
        const qsizetype fromQueue = std::min<qsizetype>(left, m_out.size());
        m_out.consume(fromQueue);
        left -= fromQueue;
        extraSent += left;
        size_t wanted = 0;
        for (int i = 0; i < count; ++i)
            wanted += vectors[i].iov_len;
        if (size_t(n) < wanted) {
            m_kernelFull = true;
            return extraSent;
        }
        if (m_out.isEmpty() && extraSent == extra.size()) {
            if (m_shutdownRequested && !m_shutdownDone) {
                ::shutdown(m_fd, SHUT_WR);
                m_shutdownDone = true;
            }
            return extraSent;
        }
    }
}

void TcpStream::uncork()
{
    m_corked = false;
    if (!m_corkBuffer.isEmpty()) {
        if (m_state != State::Closed && m_error == 0)
            releaseCorked();
        else
            m_corkBuffer = QByteArray();
    }
    if (m_state == State::Connected && !m_kernelFull && !m_out.isEmpty() && m_error == 0)
        sendQueued({});
    updateWriteInterest();
}

bool TcpStream::flush()
{
    m_kernelFull = false;
    sendQueued({});
    return m_out.isEmpty();
}

void TcpStream::updateWriteInterest()
{
    m_watch.setWriteEnabled(m_state == State::Connecting ||
                            (m_state == State::Connected && (!m_out.isEmpty() || m_spliceWaiting)));
}

void TcpStream::socketReadable()
{
    // Level-triggered: the owner reads until read() returns 0, or turns reading
    // off with setReadEnabled(false), or this fires again on the next turn.
    Q_EMIT readyRead();
}

void TcpStream::socketWritable()
{
    if (m_state == State::Connecting) {
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            m_watch.setWriteEnabled(false);
            setFailed(error);
            return;
        }
        m_state = State::Connected;
        updateWriteInterest();
        m_watch.setReadEnabled(m_readWanted);
        Q_EMIT connected();
        return;
    }
    if (m_state != State::Connected)
        return;
    m_spliceWaiting = false; // the pipe's owner writes again on drained()
    const bool empty = flush();
    updateWriteInterest();
    if (!empty)
        return;
    if (m_shutdownRequested && !m_shutdownDone) {
        ::shutdown(m_fd, SHUT_WR);
        m_shutdownDone = true;
    }
    Q_EMIT drained();
}

void TcpStream::setReadEnabled(bool enabled)
{
    m_readWanted = enabled;
    if (m_state == State::Connected && !m_readEof)
        m_watch.setReadEnabled(enabled);
}

void TcpStream::shutdownWrite()
{
    if (m_shutdownRequested || m_state == State::Closed)
        return;
    if (!m_corkBuffer.isEmpty() && m_error == 0)
        releaseCorked();
    m_shutdownRequested = true;
    if (m_state == State::Connected && m_out.isEmpty()) {
        ::shutdown(m_fd, SHUT_WR);
        m_shutdownDone = true;
    }
}

void TcpStream::close()
{
    if (m_fd < 0)
        return;
    m_watch.stop(false);
    ::close(m_fd);
    m_fd = -1;
    m_state = State::Closed;
    m_out.clear();
    m_corkBuffer = QByteArray();
}

int TcpStream::releaseDescriptor()
{
    const int fd = m_fd;
    m_watch.stop(true);
    m_fd = -1;
    m_state = State::Closed;
    return fd;
}

void TcpStream::setFailed(int error)
{
    if (m_error != 0)
        return;
    m_error = error;
    m_watch.setReadEnabled(false);
    m_watch.setWriteEnabled(false);
    QMetaObject::invokeMethod(this, &TcpStream::emitFailed, Qt::QueuedConnection);
}

void TcpStream::emitFailed()
{
    if (m_failureEmitted)
        return;
    m_failureEmitted = true;
    Q_EMIT failed(m_error);
}

QString TcpStream::errorString() const
{
    return m_error == 0 ? QString() : QString::fromLocal8Bit(std::strerror(m_error));
}

QHostAddress TcpStream::peerAddress() const
{
    return peerOf(m_fd).first;
}

quint16 TcpStream::peerPort() const
{
    return peerOf(m_fd).second;
}

QString TcpStream::peerString() const
{
    return peerStringOf(m_fd);
}

namespace {

// The address and port getpeername()/getsockname() filled in. Dual-stack
// sockets report IPv4 peers as ::ffff:a.b.c.d; those come back as IPv4.
QPair<QHostAddress, quint16> endpointOf(const sockaddr_storage& storage)
{
    const QHostAddress address(reinterpret_cast<const sockaddr*>(&storage));
    const quint16 port = storage.ss_family == AF_INET6
                             ? ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port)
                             : ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return {isV4 ? QHostAddress(v4) : address, port};
}

} // namespace

QPair<QHostAddress, quint16> TcpStream::peerOf(int fd)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (fd < 0 || ::getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0)
        return {};
    return endpointOf(storage);
}

QString TcpStream::localString() const
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (m_fd < 0 || ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0)
        return {};
    const auto [address, port] = endpointOf(storage);
    if (address.protocol() == QAbstractSocket::IPv4Protocol)
        return address.toString() + u':' + QString::number(port);
    return u'[' + address.toString() + QStringLiteral("]:") + QString::number(port);
}

QString TcpStream::peerStringOf(int fd)
{
    const auto [address, port] = peerOf(fd);
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return u'[' + address.toString() + QStringLiteral("]:") + QString::number(port);
    return address.toString() + u':' + QString::number(port);
}

} // namespace Switchyard
