#pragma once

#include "ByteQueue.h"
#include "CoarseTimer.h"
#include "EngineContext.h"
#include "HttpParser.h"
#include "OriginPool.h"
#include "OutboundFailure.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Switchyard {

struct EngineContext;
struct LogEvent;
class OutboundConnector;
class Stream;

/// Carries one plain-HTTP request to its origin and the response back to the
/// client: takes a pooled connection or dials one, sends the head and streams the
/// request body, parses the response and streams it to the client re-framed for
/// the client's HTTP version. Errors before any response byte reached the client
/// become a readable error response.
class HttpForwarder : public QObject, private HttpMessageHandler, private OriginPoolWatcher
{
    Q_OBJECT
public:
    struct Request
    {
        HttpHead head;            ///< already rewritten for the origin
        QByteArray requestTarget; ///< origin-form path and query
        QByteArray absoluteUrl;   ///< for exits that take absolute-form requests
        RouteChoice route;
        QString host;
        quint16 port = 0;
        bool hasBody = false;
        bool chunkedBody = false; ///< re-chunk the request body
        bool headRequest = false;
        bool upgrade = false; ///< a WebSocket upgrade request
        bool clientHttp10 = false;
        bool clientKeepAlive = true;
        bool remoteClient = false; ///< refuse destinations on this machine
    };

    HttpForwarder(EngineContext* context, Stream* client, Request request, LogEvent* event,
                  QObject* parent = nullptr);
    ~HttpForwarder() override;

    void start();
    /// Takes the next request on the same client connection, once finished() has
    /// been emitted, so a keep-alive connection reuses one forwarder (and its
    /// signal connections) instead of building one per request. start() follows.
    void restart(Request request);
    /// Request body bytes from the client, in order.
    void sendBody(const char* data, qsizetype size);
    /// The request message is complete.
    void endBody();
    /// Whether more request body may be handed over now (back-pressure).
    bool canAcceptBody() const;
    /// Whether anything of the response was written to the client yet.
    bool responseStarted() const { return m_responseStarted; }

Q_SIGNALS:
    /// The origin took queued body bytes: the client may be read again.
    void bodyDrained();
    /// The response is written (or an error answered). keepAlive: the client
    /// connection may carry another request.
    void finished(bool keepAlive);
    /// The origin answered 101: the caller turns both streams into a tunnel.
    /// originData is what the origin sent after its head.
    void upgraded(Switchyard::Stream* origin, const QByteArray& originData);

private:
    HeadAction onHead(HttpHead& head) override;
    void onBody(const char* data, qsizetype size) override;
    void onMessageComplete() override;

    QString makePoolKey() const;
    void dial();
    void onDialSucceeded(Stream* stream, const QByteArray& initialData, qint64 elapsedUs);
    void onDialFailed(const OutboundFailure& failure);
    QByteArray serializedHead() const;
    void attach(Stream* origin);
    /// Cuts this forwarder's connections to the origin it watches.
    void detachOrigin();
    void originTakenBack(Stream* stream) override;
    void reportIdleActivity();
    void writeToOrigin(QByteArrayView data);
    void onOriginReadyRead();
    void onOriginDrained();
    void onOriginFailed();
    void onOriginEnded();
    void onClientDrained();
    void onResponseTimeout();
    void fail(int status, QByteArrayView proxyStatus, const QString& message);
    void complete();
    void writeBodyToClient(const char* data, qsizetype size);

    EngineContext* m_context;
    Stream* m_client;
    Stream* m_origin = nullptr;
    OutboundConnector* m_dialer = nullptr;
    Request m_request;
    LogEvent* m_event;
    HttpParser m_responseParser;
    QString m_poolKey; ///< built once: looked up at the start and used again at the end
    /// The stream whose signals reach this forwarder: the origin in use, or
    /// the one this forwarder put back in the pool and may take again for the
    /// client's next request (then nothing is connected anew).
    QPointer<Stream> m_watched;
    QPointer<OriginPool> m_watchedIn; ///< the pool m_watched idles in, if it does
    /// The connections to m_watched, cut one by one when it leaves (cheaper
    /// than a disconnect by receiver, which walks every connection).
    QMetaObject::Connection m_originReadyRead;
    QMetaObject::Connection m_originDrained;
    QMetaObject::Connection m_originFailed;
    ByteQueue m_pendingToOrigin; // request bytes waiting for the connection
    CoarseTimer m_responseTimer;
    QElapsedTimer m_clock;
    bool m_reusedConnection = false;
    bool m_retried = false;
    bool m_requestComplete = false;
    bool m_responseStarted = false;
    bool m_responseComplete = false;
    bool m_chunkToClient = false;
    bool m_closeClientAfter = false;
    bool m_upgradeAccepted = false;
    bool m_done = false;
    bool m_originReusable = true;
    bool m_readingOrigin = false;
};

} // namespace Switchyard
