#include "RawHttpClient.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

RawHttpClient::RawHttpClient() = default;

bool RawHttpClient::connectTo(quint16 port, int timeoutMs)
{
    m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    if (!m_socket.waitForConnected(timeoutMs)) {
        m_error = m_socket.errorString();
        return false;
    }
    return true;
}

bool RawHttpClient::connectWithReceiveBuffer(quint16 port, int receiveBufferBytes)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBufferBytes, sizeof receiveBufferBytes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Blocking connect is instant on loopback (or refused at once).
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        !m_socket.setSocketDescriptor(fd)) {
        m_error = QStringLiteral("connect to 127.0.0.1:%1 failed").arg(port);
        ::close(fd);
        return false;
    }
    return true;
}

bool RawHttpClient::write(const QByteArray& data, int timeoutMs)
{
    if (m_socket.write(data) != data.size())
        return false;
    const QDeadlineTimer deadline(timeoutMs);
    while (m_socket.bytesToWrite() > 0) {
        if (deadline.hasExpired() || !m_socket.waitForBytesWritten(deadline.remainingTime())) {
            m_error = QStringLiteral("write did not complete: %1").arg(m_socket.errorString());
            return false;
        }
    }
    return true;
}

bool RawHttpClient::shutdownWrite()
{
    m_socket.flush();
    return ::shutdown(static_cast<int>(m_socket.socketDescriptor()), SHUT_WR) == 0;
}

bool RawHttpClient::pull(int ms)
{
    if (m_socket.bytesAvailable() == 0 && m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.waitForReadyRead(ms);
    const QByteArray data = m_socket.readAll();
    m_parser.feed(data);
    if (m_socket.state() != QAbstractSocket::ConnectedState && m_socket.bytesAvailable() == 0) {
        m_parser.setEof();
        return !data.isEmpty();
    }
    return true;
}

bool RawHttpClient::readResponse(HttpMessage* response, QByteArrayView method, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        switch (m_parser.next(response, method)) {
        case HttpMessageParser::Result::Message:
            return true;
        case HttpMessageParser::Result::Error:
            m_error = m_parser.errorString();
            return false;
        case HttpMessageParser::Result::NeedMore:
            break;
        }
        if (m_parser.atEof()) {
            m_error = QStringLiteral("connection closed before a complete response (%1 bytes)")
                          .arg(m_parser.bufferedSize());
            return false;
        }
        if (deadline.hasExpired()) {
            m_error = QStringLiteral("no complete response within %1 ms (%2 bytes)")
                          .arg(timeoutMs)
                          .arg(m_parser.bufferedSize());
            return false;
        }
        pull(static_cast<int>(qMax<qint64>(1, deadline.remainingTime())));
    }
}

QByteArray RawHttpClient::readExactly(qsizetype n, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_parser.bufferedSize() < n && !deadline.hasExpired()) {
        if (m_parser.atEof())
            break;
        pull(static_cast<int>(qMax<qint64>(1, deadline.remainingTime())));
    }
    QByteArray all = m_parser.takeBuffered();
    if (all.size() > n) {
        m_parser.feed(QByteArrayView(all).sliced(n));
        all.truncate(n);
    }
    return all;
}

bool RawHttpClient::waitForClosed(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_parser.atEof()) {
        if (deadline.hasExpired())
            return false;
        pull(static_cast<int>(qMin<qint64>(100, qMax<qint64>(1, deadline.remainingTime()))));
    }
    return true;
}

QByteArray RawHttpClient::takeBuffered()
{
    return m_parser.takeBuffered();
}
