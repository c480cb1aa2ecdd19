#pragma once

#include "OriginRecorder.h"

#include <QString>
#include <QThread>
#include <optional>

class OriginListener;

/// A real HTTP/1.1 origin server on 127.0.0.1 with a free port, running in its own
/// thread so tests can block (QProcess::waitForFinished) while it serves.
///
/// Endpoints (query strings are ignored, so tests can tag requests with one):
///  - GET|HEAD /bytes/N    N bytes of BytePattern, Content-Length
///  - GET|HEAD /chunked/N  the same bytes, Transfer-Encoding: chunked, varied chunk sizes
///  - GET /close/N         the same bytes, no length: the connection closes after the body
///  - POST|PUT /echo       JSON {method, target, version, bodyLength, sha256, chunked, headers}
///                         and X-Echo-Method / X-Echo-Length / X-Echo-Sha256 headers
///  - /slow/MS             "slow MS\n" after MS milliseconds
///  - /status/N            status N (200..599) with "status N\n"
///  - /ws                  WebSocket handshake (101), then every byte is echoed back raw
/// Keep-alive and pipelining: requests on one connection are answered in order.
class LoopbackOrigin
{
public:
    LoopbackOrigin();
    ~LoopbackOrigin();
    LoopbackOrigin(const LoopbackOrigin&) = delete;
    LoopbackOrigin& operator=(const LoopbackOrigin&) = delete;

    /// SO_SNDBUF for accepted connections (0: the kernel's autotuning). Before start().
    void setSendBufferSize(int bytes) { m_sendBufferBytes = bytes; }
    bool start();
    void stop();

    quint16 port() const { return m_port; }
    /// "127.0.0.1:PORT"
    QString hostPort() const;
    /// "http://127.0.0.1:PORT" + pathAndQuery
    QString url(const QString& pathAndQuery) const;

    /// Connections accepted since start().
    int connectionCount() const { return m_recorder.connectionCount(); }
    int openConnectionCount() const { return m_recorder.openConnectionCount(); }
    /// Every byte received, per accepted connection, in accept order.
    QList<QByteArray> receivedPerConnection() const { return m_recorder.received(); }
    QList<RecordedRequest> requests() const { return m_recorder.requests(); }
    /// The last request whose target contains text.
    std::optional<RecordedRequest> findRequest(QByteArrayView text) const;
    /// Anything malformed the proxy sent (bad framing, absolute-form target …).
    QStringList protocolErrors() const { return m_recorder.errors(); }
    /// Response bytes the kernel accepted from the origin, over all connections.
    qint64 bytesSent() const { return m_recorder.bytesSent(); }
    /// Forgets received bytes, requests, errors and bytesSent (not the connection count).
    void clearRecords() { m_recorder.clear(); }

private:
    OriginRecorder m_recorder;
    QThread m_thread;
    OriginListener* m_listener = nullptr; // lives in m_thread
    int m_sendBufferBytes = 0;
    quint16 m_port = 0;
};
