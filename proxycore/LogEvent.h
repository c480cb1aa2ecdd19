#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

namespace Switchyard {

/// One header field as it was sent or received (name case preserved).
using HeaderField = QPair<QByteArray, QByteArray>;
using HeaderList = QList<HeaderField>;

/// The protocol a client used for one logged exchange.
enum class LogProtocol : quint8 {
    Http,      ///< a plain HTTP request forwarded by the proxy
    Connect,   ///< an HTTP CONNECT tunnel
    WebSocket, ///< an HTTP request upgraded to a tunnel (101)
    Socks5,    ///< a SOCKS5 CONNECT tunnel
    Socks4,    ///< a SOCKS4 / SOCKS4a CONNECT tunnel
    Local,     ///< a request answered by Switchyard itself (status page, PAC file)
};

/// How far an exchange has got; the same id is reported again when it ends.
enum class LogPhase : quint8 {
    Started,  ///< the head was read and a route chosen; sizes and status not final
    Finished, ///< the exchange is over: every field is final
};

/// One request or tunnel as the engine saw it. Events leave the engine in batches
/// (see Engine::eventsReady). An exchange still running at a flush is reported as
/// Started, and again as Finished (same id) when it ends, so views can update the
/// row in place; one that starts and ends between two flushes is reported once,
/// as Finished.
struct LogEvent
{
    quint64 id = 0;
    LogPhase phase = LogPhase::Started;
    qint64 startedAtMs = 0; ///< wall clock, milliseconds since the Unix epoch
    QString clientAddress;  ///< "127.0.0.1:53422" or "[::1]:53422"
    LogProtocol protocol = LogProtocol::Http;
    QByteArray method; ///< "GET", "CONNECT"; empty for SOCKS
    QString host;      ///< destination host as the client named it
    quint16 port = 0;
    QString target;         ///< absolute URL (userinfo stripped) or host:port
    QByteArray httpVersion; ///< "HTTP/1.1" as the client spoke it
    int status = 0;         ///< HTTP status given to the client, or 0
    quint8 socksReply = 0;  ///< SOCKS reply code sent, for SOCKS tunnels
    /// Payload bytes: bodies for plain HTTP (heads not counted), everything
    /// relayed for tunnels.
    quint64 bytesUp = 0;     ///< bytes from the client towards the destination
    quint64 bytesDown = 0;   ///< bytes from the destination towards the client
    qint64 durationUs = -1;  ///< whole exchange, -1 while running
    qint64 connectUs = -1;   ///< time to open the outbound connection, -1 if none
    qint64 firstByteUs = -1; ///< from the start to the first response byte, -1 if none
    QString route;           ///< "direct", a profile name, or "blocked"
    QString rule;            ///< the rule that decided the route (empty: the default)
    QString error;           ///< readable reason when the exchange failed

    // Plain HTTP only, and only while capture is on.
    HeaderList requestHeaders;
    HeaderList responseHeaders;
    QByteArray requestBody;  ///< first bytes of the request body (capture cap)
    QByteArray responseBody; ///< first bytes of the response body as sent (encoded)
    bool requestBodyTruncated = false;
    bool responseBodyTruncated = false;
    QByteArray responseReason; ///< reason phrase of the response

    bool isTunnel() const
    {
        return protocol == LogProtocol::Connect || protocol == LogProtocol::WebSocket ||
               protocol == LogProtocol::Socks5 || protocol == LogProtocol::Socks4;
    }
};

using LogEventBatch = QList<LogEvent>;

/// A copy of fields for the log capture whose names and values all live in one
/// shared buffer (each one still NUL-terminated): two allocations instead of
/// two per field. Captured events outlive the request by far and are freed on
/// other threads; and the parser's own buffers, left unshared, are reused for
/// the next message.
HeaderList compactHeaderCopy(const HeaderList& fields);

/// The protocol as a short stable word ("HTTP", "CONNECT", "SOCKS5" …).
QString protocolName(LogProtocol protocol);

/// One human-readable line for a finished event, as the headless mode logs it.
QString formatLogLine(const LogEvent& event);

} // namespace Switchyard

Q_DECLARE_METATYPE(Switchyard::LogEvent)
Q_DECLARE_METATYPE(Switchyard::LogEventBatch)
