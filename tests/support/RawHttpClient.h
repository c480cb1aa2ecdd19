#pragma once

#include "HttpMessageParser.h"

#include <QTcpSocket>

/// A blocking HTTP client on a plain QTcpSocket for what curl cannot do: pipelined
/// and malformed requests, half-open heads, CONNECT and Upgrade by hand. Every wait
/// is bounded; use it from the test thread while the engine runs in its own.
class RawHttpClient
{
public:
    RawHttpClient();

    /// Connects to 127.0.0.1:port.
    bool connectTo(quint16 port, int timeoutMs = 3000);
    /// Connects with SO_RCVBUF set before the handshake, so the advertised window
    /// stays small (a slow reader that the proxy must not outrun).
    bool connectWithReceiveBuffer(quint16 port, int receiveBufferBytes);

    QTcpSocket& socket() { return m_socket; }
    /// Writes everything and waits (bounded) until the kernel has it.
    bool write(const QByteArray& data, int timeoutMs = 5000);
    /// Sends FIN: shutdown(SHUT_WR) on the descriptor; reading still works.
    bool shutdownWrite();

    /// Reads the next response. method is the request's ("HEAD" and "CONNECT"
    /// change the framing). False on timeout, parse error or a close before the end.
    bool readResponse(HttpMessage* response, QByteArrayView method = "GET", int timeoutMs = 5000);
    /// Raw bytes after a response (tunnel data): exactly n, or fewer on timeout/close.
    QByteArray readExactly(qsizetype n, int timeoutMs = 5000);
    /// Waits until the peer closed the connection; unread bytes stay readable.
    bool waitForClosed(int timeoutMs = 5000);
    /// Everything received and not consumed yet (after waitForClosed, say).
    QByteArray takeBuffered();
    QString errorString() const { return m_error; }

private:
    /// Moves socket data into the parser; waits up to ms for more. False once closed.
    bool pull(int ms);

    QTcpSocket m_socket;
    HttpMessageParser m_parser{HttpMessageParser::Kind::Response};
    QString m_error;
};
