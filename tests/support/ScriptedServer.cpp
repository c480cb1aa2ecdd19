#include "ScriptedServer.h"

#include <QDeadlineTimer>
#include <QThread>
#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

ScriptedServer::ScriptedServer(QList<Step> script, bool repeat)
    : m_script(std::move(script)), m_repeat(repeat)
{}

ScriptedServer::~ScriptedServer()
{
    stop();
}

bool ScriptedServer::start()
{
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m_listenFd < 0)
        return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(m_listenFd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_listenFd, 64) != 0 ||
        ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(m_listenFd);
        m_listenFd = -1;
        return false;
    }
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { run(); });
    return true;
}

void ScriptedServer::stop()
{
    if (!m_thread.joinable())
        return;
    m_stop = true;
    m_thread.join();
    QMutexLocker lock(&m_mutex);
    for (Connection& connection : m_connections) {
        if (!connection.closed)
            ::close(connection.fd);
        connection.closed = true;
    }
    ::close(m_listenFd);
    m_listenFd = -1;
}

void ScriptedServer::run()
{
    while (!m_stop) {
        QList<pollfd> fds{{m_listenFd, POLLIN, 0}};
        QList<int> indexes{-1};
        {
            QMutexLocker lock(&m_mutex);
            for (int i = 0; i < m_connections.size(); ++i) {
                if (!m_connections[i].closed) {
                    fds.append({m_connections[i].fd, POLLIN, 0});
                    indexes.append(i);
                }
            }
        }
        if (::poll(fds.data(), nfds_t(fds.size()), 20) <= 0)
            continue;
        if (fds[0].revents & POLLIN) {
            const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd >= 0) {
                QMutexLocker lock(&m_mutex);
                Connection connection;
                connection.fd = fd;
                m_connections.append(connection);
                m_received.append(QByteArray());
            }
        }
        for (qsizetype i = 1; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const int index = indexes[i];
            char buffer[16 * 1024];
            for (;;) {
                const ssize_t n = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
                if (n > 0) {
                    QMutexLocker lock(&m_mutex);
                    m_received[index].append(buffer, n);
                    continue;
                }
                if (n < 0 && errno == EINTR)
                    continue;
                if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                    closeConnection(index);
                    break;
                }
                break;
            }
            advance(index);
        }
    }
}

void ScriptedServer::advance(int index)
{
    QMutexLocker lock(&m_mutex);
    Connection& connection = m_connections[index];
    const QByteArray& data = m_received[index];
    while (!connection.closed && connection.step < m_script.size()) {
        const Step& step = m_script[connection.step];
        qsizetype matchEnd = -1;
        if (!step.waitFor.isEmpty()) {
            const qsizetype at = data.indexOf(step.waitFor, connection.scanFrom);
            if (at >= 0)
                matchEnd = at + step.waitFor.size();
        } else if (data.size() - connection.stepStart >= step.waitBytes) {
            matchEnd = connection.stepStart + step.waitBytes;
        }
        if (matchEnd < 0)
            return;
        connection.scanFrom = matchEnd;
        connection.stepStart = matchEnd;
        qsizetype sent = 0;
        const QDeadlineTimer deadline(2000);
        while (sent < step.reply.size() && !deadline.hasExpired()) {
            const ssize_t n = ::send(connection.fd, step.reply.constData() + sent,
                                     size_t(step.reply.size() - sent), MSG_NOSIGNAL);
            if (n > 0)
                sent += n;
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                break;
            else
                QThread::msleep(1);
        }
        if (step.close) {
            ::shutdown(connection.fd, SHUT_WR);
            lock.unlock();
            closeConnection(index);
            return;
        }
        ++connection.step;
        if (m_repeat && connection.step == m_script.size())
            connection.step = 0;
    }
}

void ScriptedServer::closeConnection(int index)
{
    QMutexLocker lock(&m_mutex);
    Connection& connection = m_connections[index];
    if (connection.closed)
        return;
    connection.closed = true;
    ::close(connection.fd);
}

int ScriptedServer::connectionCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_connections.size());
}

QList<QByteArray> ScriptedServer::received() const
{
    QMutexLocker lock(&m_mutex);
    return m_received;
}

bool ScriptedServer::isClosed(int index) const
{
    QMutexLocker lock(&m_mutex);
    return index >= 0 && index < m_connections.size() && m_connections[index].closed;
}

bool ScriptedServer::waitForClosed(int index, int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!isClosed(index)) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(10);
    }
    return true;
}
