#include "HttpForwarder.h"

#include "EngineContext.h"
#include "HeaderRewriter.h"
#include "LocalResponses.h"
#include "LogEvent.h"
#include "OriginPool.h"
#include "OutboundConnector.h"
#include "ScratchBuffer.h"
#include "Stream.h"

namespace Switchyard {

namespace {

constexpr int kReadsPerTurn = 16;

HttpParser::Limits responseLimits(const EngineContext* context)
{
    HttpParser::Limits limits;
    limits.maxHeadBytes = std::max(context->settings.limits.maxHeadBytes, 256 * 1024);
    limits.maxUriBytes = limits.maxHeadBytes;
    limits.maxHeaderFields = std::max(context->settings.limits.maxHeaderFields, 256);
    return limits;
}

QByteArray chunkHeader(qsizetype size)
{
    return QByteArray::number(size, 16) + "\r\n";
}

void capturePrefix(QByteArray& into, bool& truncated, const char* data, qsizetype size, qint64 cap)
{
    const qsizetype room = qsizetype(cap) - into.size();
    if (room <= 0) {
        truncated = truncated || size > 0;
        return;
    }
    into.append(data, std::min(room, size));
    if (size > room)
        truncated = true;
}

} // namespace

HttpForwarder::HttpForwarder(EngineContext* context, Stream* client, Request request,
                             LogEvent* event, QObject* parent)
    : QObject(parent), m_context(context), m_client(client), m_request(std::move(request)),
      m_event(event), m_responseParser(HttpParser::Type::Response, this, responseLimits(context))
{
    m_poolKey = makePoolKey();
    // A coarse deadline: armed and stopped once per request, which a QTimer
    // would pay for with a timer registration and removal each time.
    m_responseTimer.setHandler(this, &HttpForwarder::onResponseTimeout);
    // Stays for the forwarder's life (restart() reuses it); onClientDrained()
    // ignores it between requests.
    connect(m_client, &Stream::drained, this, &HttpForwarder::onClientDrained);
}

HttpForwarder::~HttpForwarder()
{
    detachOrigin(); // one left idle in the pool is watched by the pool from now on
    delete m_origin;
}

QString HttpForwarder::makePoolKey() const
{
    const RouteChoice& route = m_request.route;
    // Plain concatenation: this runs for every request.
    if (route.viaHttpExit()) // one connection to an HTTP exit serves every destination
        return QStringLiteral("exit|") + route.profile.id + u'|' + route.profile.host + u'|' +
               QString::number(route.profile.port);
    return (route.viaExit() ? route.profile.id : QStringLiteral("direct")) + u'|' + m_request.host +
           u'|' + QString::number(m_request.port);
}

QByteArray HttpForwarder::serializedHead() const
{
    if (!m_request.route.viaHttpExit())
        return m_request.head.serializeRequest(m_request.requestTarget);
    HttpHead head = m_request.head;
    const UpstreamProfile& exit = m_request.route.profile;
    if (!exit.username.isEmpty() || !exit.password.isEmpty())
        head.headers.append(
            {QByteArrayLiteral("Proxy-Authorization"),
             "Basic " + (exit.username + u':' + exit.password).toUtf8().toBase64()});
    return head.serializeRequest(m_request.absoluteUrl);
}

void HttpForwarder::restart(Request request)
{
    Q_ASSERT(m_done && !m_origin && !m_dialer);
    const RouteChoice& was = m_request.route;
    const bool sameKey = request.route.action == was.action &&
                         request.route.profile.id == was.profile.id &&
                         request.route.profile.host == was.profile.host &&
                         request.route.profile.port == was.profile.port &&
                         request.route.profile.type == was.profile.type &&
                         request.host == m_request.host && request.port == m_request.port;
    m_request = std::move(request);
    if (!sameKey)
        m_poolKey = makePoolKey();
    // Every per-request member starts over here, as in a new forwarder.
    m_responseParser.reset();
    m_pendingToOrigin.clear();
    m_responseTimer.stop();
    m_reusedConnection = false;
    m_retried = false;
    m_requestComplete = false;
    m_responseStarted = false;
    m_responseComplete = false;
    m_chunkToClient = false;
    m_closeClientAfter = false;
    m_upgradeAccepted = false;
    m_done = false;
    m_originReusable = true;
    m_readingOrigin = false;
}

void HttpForwarder::start()
{
    m_clock.start();
    m_pendingToOrigin.append(serializedHead());
    if (Stream* pooled = m_context->pool->take(m_poolKey, this)) {
        m_reusedConnection = true;
        m_event->connectUs = 0;
        attach(pooled);
        return;
    }
    dial();
}

void HttpForwarder::dial()
{
    const RouteChoice& route = m_request.route;
    m_dialer = new OutboundConnector(m_context, route.viaExit() ? &route.profile : nullptr,
                                     m_request.host, m_request.port,
                                     route.viaHttpExit() ? OutboundConnector::Mode::ProxyConnection
                                                         : OutboundConnector::Mode::Tunnel,
                                     this);
    m_dialer->setRefuseLocalDestinations(m_request.remoteClient);
    connect(m_dialer, &OutboundConnector::succeeded, this, &HttpForwarder::onDialSucceeded);
    connect(m_dialer, &OutboundConnector::failed, this, &HttpForwarder::onDialFailed);
    m_dialer->start();
}

void HttpForwarder::onDialSucceeded(Stream* stream, const QByteArray& initialData, qint64 elapsedUs)
{
    m_dialer->deleteLater();
    m_dialer = nullptr;
    if (m_event->connectUs < 0)
        m_event->connectUs = elapsedUs;
    if (!initialData.isEmpty()) {
        // An origin speaks only after the request: early bytes mean a broken exit.
        delete stream;
        fail(502, "http_protocol_error",
             QStringLiteral("the connection to %1:%2 sent data before the request")
                 .arg(m_request.host)
                 .arg(m_request.port));
        return;
    }
    attach(stream);
}

void HttpForwarder::onDialFailed(const OutboundFailure& failure)
{
    m_dialer->deleteLater();
    m_dialer = nullptr;
    fail(failure.httpStatus(), failure.proxyStatusError(), failure.message);
}

void HttpForwarder::attach(Stream* origin)
{
    m_origin = origin;
    // The forwarder owns its origin (the destructor deletes it). A pooled stream
    // comes without a parent and stays so: reparenting updates two children
    // lists on every request. A dialed one must leave its connector, which goes.
    if (origin->parent())
        origin->setParent(nullptr);
    if (origin != m_watched) {
        detachOrigin();
        m_watched = origin;
        m_originReadyRead =
            connect(origin, &Stream::readyRead, this, &HttpForwarder::onOriginReadyRead);
        m_originDrained = connect(origin, &Stream::drained, this, &HttpForwarder::onOriginDrained);
        m_originFailed = connect(origin, &Stream::failed, this, &HttpForwarder::onOriginFailed);
    }
    m_watchedIn = nullptr;
    origin->cork();
    while (!m_pendingToOrigin.isEmpty()) {
        const QByteArrayView front = m_pendingToOrigin.front();
        origin->write(front);
        m_pendingToOrigin.consume(front.size());
    }
    origin->uncork();
    origin->setReadEnabled(true);
    m_responseTimer.start(m_context->settings.limits.responseTimeoutMs);
    if (canAcceptBody())
        Q_EMIT bodyDrained();
}

void HttpForwarder::detachOrigin()
{
    if (!m_watched)
        return;
    // Idle in the pool: the pool watches it from now on.
    if (m_watched != m_origin && m_watchedIn)
        m_watchedIn->stopWatching(m_watched, this);
    originTakenBack(m_watched);
}

void HttpForwarder::reportIdleActivity()
{
    // Only the connection this forwarder left in the pool is still connected.
    if (m_watched && m_watchedIn)
        m_watchedIn->reportIdleActivity(m_watched);
}

void HttpForwarder::originTakenBack(Stream* stream)
{
    Q_ASSERT(stream == m_watched);
    disconnect(m_originReadyRead);
    disconnect(m_originDrained);
    disconnect(m_originFailed);
    m_watched = nullptr;
    m_watchedIn = nullptr;
}

void HttpForwarder::writeToOrigin(QByteArrayView data)
{
    if (m_origin)
        m_origin->write(data);
    else
        m_pendingToOrigin.append(data.data(), data.size());
}

void HttpForwarder::sendBody(const char* data, qsizetype size)
{
    if (size <= 0 || m_done)
        return;
    m_event->bytesUp += quint64(size);
    m_context->totalBytesUp += quint64(size);
    if (m_context->settings.capture.enabled)
        capturePrefix(m_event->requestBody, m_event->requestBodyTruncated, data, size,
                      m_context->settings.capture.maxBodyBytes);
    if (m_request.chunkedBody) {
        writeToOrigin(chunkHeader(size));
        writeToOrigin(QByteArrayView(data, size));
        writeToOrigin("\r\n");
    } else {
        writeToOrigin(QByteArrayView(data, size));
    }
}

void HttpForwarder::endBody()
{
    if (m_request.chunkedBody && !m_done)
        writeToOrigin("0\r\n\r\n");
    m_requestComplete = true;
    if (m_responseComplete)
        complete();
}

bool HttpForwarder::canAcceptBody() const
{
    const qint64 queued = m_origin ? m_origin->pendingBytes() : m_pendingToOrigin.size();
    return queued < m_context->settings.limits.bufferBytes;
}

void HttpForwarder::onOriginDrained()
{
    if (!m_origin)
        return; // idle in the pool
    Q_EMIT bodyDrained();
}

void HttpForwarder::onClientDrained()
{
    if (m_origin && !m_done && !m_responseComplete) {
        m_origin->setReadEnabled(true);
        onOriginReadyRead();
    }
}

void HttpForwarder::onOriginReadyRead()
{
    if (!m_origin) {
        reportIdleActivity();
        return;
    }
    if (m_done || m_readingOrigin)
        return;
    m_readingOrigin = true;
    char* buffer = ScratchBuffer::data();
    m_client->cork();
    for (int turn = 0; turn < kReadsPerTurn && !m_done; ++turn) {
        if (m_client->pendingBytes() >= m_context->settings.limits.bufferBytes) {
            m_origin->setReadEnabled(false); // onClientDrained resumes
            break;
        }
        const qint64 n = m_origin->read(buffer, ScratchBuffer::size);
        if (n == 0) {
            m_origin->setReadEnabled(true);
            break;
        }
        if (n < 0) {
            if (m_origin->errorCode() == 0)
                onOriginEnded();
            break; // on an error failed() follows
        }
        if (m_event->firstByteUs < 0)
            m_event->firstByteUs = m_clock.nsecsElapsed() / 1000;
        m_responseTimer.stop();
        qsizetype offset = 0;
        while (offset < n && !m_done) {
            if (m_responseComplete) {
                m_originReusable = false; // bytes after the response: never reuse
                break;
            }
            qsizetype consumed = 0;
            const HttpParser::Status status =
                m_responseParser.feed(buffer + offset, n - offset, &consumed);
            offset += consumed;
            if (status == HttpParser::Status::NeedMore)
                break;
            if (status == HttpParser::Status::Error) {
                m_originReusable = false;
                fail(502, "http_protocol_error",
                     QStringLiteral("the origin sent an invalid response: %1")
                         .arg(m_responseParser.error()));
                break;
            }
            if (status == HttpParser::Status::Upgrade && m_upgradeAccepted) {
                const QByteArray rest(buffer + offset, n - offset);
                Stream* origin = m_origin;
                m_origin = nullptr;
                detachOrigin();
                origin->setParent(nullptr);
                m_done = true;
                m_client->uncork();
                m_readingOrigin = false;
                Q_EMIT upgraded(origin, rest);
                return;
            }
            if (status == HttpParser::Status::MessageComplete && !m_responseComplete)
                m_responseParser.resume(); // an interim 1xx response; the final one follows
        }
        if (m_responseComplete && !m_done) {
            if (offset < n)
                m_originReusable = false;
            if (m_requestComplete)
                complete();
            break;
        }
    }
    m_client->uncork();
    m_readingOrigin = false;
}

HttpMessageHandler::HeadAction HttpForwarder::onHead(HttpHead& head)
{
    if (head.status >= 100 && head.status < 200 && head.status != 101) {
        if (!m_request.clientHttp10) {
            HttpHead interim = head;
            HeaderRewriter::stripHopByHop(interim, {});
            m_client->write(interim.serializeResponse());
        }
        return HeadAction::Continue;
    }
    if (head.status == 407 && m_request.route.viaHttpExit()) {
        // The exit wants credentials: a 407 passed on would make the client
        // offer its own to Switchyard, so report the exit's refusal instead.
        const UpstreamProfile& exit = m_request.route.profile;
        fail(502, "proxy_configuration_error",
             QStringLiteral(
                 "exit \"%1\" (%2:%3) rejected the credentials: authentication failed (407)")
                 .arg(exit.name, exit.host)
                 .arg(exit.port));
        return HeadAction::Continue;
    }
    m_event->status = head.status;
    m_event->responseReason = head.reason;
    if (m_context->settings.capture.enabled)
        m_event->responseHeaders = compactHeaderCopy(head.headers);
    m_responseStarted = true;

    if (head.status == 101) {
        if (!m_request.upgrade) {
            m_originReusable = false;
            m_closeClientAfter = true;
            // The client did not ask to switch: treat as a broken response.
            m_event->status = 502;
            m_event->error = QStringLiteral("the origin switched protocols without being asked");
            m_responseStarted = false;
            fail(502, "http_protocol_error", m_event->error);
            return HeadAction::Continue;
        }
        m_upgradeAccepted = true;
        HeaderRewriter::stripHopByHop(head, {m_context->settings.addViaHeader, true});
        m_client->write(head.serializeResponse());
        return HeadAction::Continue;
    }

    const bool bodiless = m_request.headRequest || head.status == 204 || head.status == 304;
    const bool untilClose = !bodiless && m_responseParser.bodyUntilClose();
    const bool chunked = !bodiless && m_responseParser.isChunked();
    if (m_request.upgrade)
        m_closeClientAfter = true; // the request side is in an unknown state
    if (untilClose)
        m_originReusable = false;
    m_chunkToClient = false;
    if ((untilClose || chunked) && !bodiless) {
        if (m_request.clientHttp10)
            m_closeClientAfter = true; // an HTTP/1.0 client learns the end from the close
        else
            m_chunkToClient = true;
    }
    HeaderRewriter::stripHopByHop(head, {m_context->settings.addViaHeader, false});
    if (m_chunkToClient)
        head.headers.append({QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked")});
    const bool keepAlive = m_request.clientKeepAlive && !m_closeClientAfter;
    if (!keepAlive)
        head.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    else if (m_request.clientHttp10)
        head.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive")});
    m_client->write(head.serializeResponse());
    return m_request.headRequest ? HeadAction::SkipBody : HeadAction::Continue;
}

void HttpForwarder::onBody(const char* data, qsizetype size)
{
    if (!m_done)
        writeBodyToClient(data, size);
}

void HttpForwarder::writeBodyToClient(const char* data, qsizetype size)
{
    m_event->bytesDown += quint64(size);
    m_context->totalBytesDown += quint64(size);
    if (m_context->settings.capture.enabled)
        capturePrefix(m_event->responseBody, m_event->responseBodyTruncated, data, size,
                      m_context->settings.capture.maxBodyBytes);
    if (m_chunkToClient) {
        m_client->write(chunkHeader(size));
        m_client->write(QByteArrayView(data, size));
        m_client->write("\r\n");
    } else {
        m_client->write(QByteArrayView(data, size));
    }
}

void HttpForwarder::onMessageComplete()
{
    if (m_done || !m_responseStarted || m_upgradeAccepted)
        return; // an interim response, or a 101 (handled by the upgrade path)
    if (m_chunkToClient)
        m_client->write("0\r\n\r\n");
    if (!m_responseParser.shouldKeepAlive())
        m_originReusable = false;
    m_responseComplete = true;
}

void HttpForwarder::onOriginEnded()
{
    if (m_done)
        return;
    if (m_responseStarted && !m_responseComplete && m_responseParser.inMessage() &&
        m_responseParser.bodyUntilClose()) {
        m_originReusable = false;
        if (m_responseParser.finish() == HttpParser::Status::MessageComplete ||
            m_responseComplete) {
            m_responseComplete = true;
            if (!m_requestComplete)
                m_closeClientAfter = true; // the rest of the request body cannot be framed
            complete();
            return;
        }
    }
    if (m_responseComplete) {
        m_originReusable = false;
        if (m_requestComplete)
            complete();
        return;
    }
    onOriginFailed();
}

void HttpForwarder::onOriginFailed()
{
    if (!m_origin) {
        reportIdleActivity();
        return;
    }
    if (m_done)
        return;
    m_originReusable = false;
    const bool nothingReceived = !m_responseStarted && m_event->firstByteUs < 0;
    if (nothingReceived && m_reusedConnection && !m_retried && !m_request.hasBody) {
        // A pooled connection the origin had closed meanwhile: one fresh try.
        m_retried = true;
        m_reusedConnection = false;
        m_origin->deleteLater();
        detachOrigin();
        m_origin = nullptr;
        m_responseParser.reset();
        m_pendingToOrigin.clear();
        m_pendingToOrigin.append(serializedHead());
        dial();
        return;
    }
    if (!m_responseStarted) {
        fail(502, "http_response_incomplete",
             QStringLiteral("%1:%2 closed the connection without answering")
                 .arg(m_request.host)
                 .arg(m_request.port));
        return;
    }
    // Part of the response is already with the client: all we can do is close.
    m_event->error = QStringLiteral("the origin connection broke in the middle of the response");
    m_closeClientAfter = true;
    m_client->close();
    complete();
}

void HttpForwarder::onResponseTimeout()
{
    if (m_done || m_responseStarted)
        return;
    m_originReusable = false;
    fail(504, "http_response_timeout",
         QStringLiteral("%1:%2 did not answer within %3 s")
             .arg(m_request.host)
             .arg(m_request.port)
             .arg(m_context->settings.limits.responseTimeoutMs / 1000));
}

void HttpForwarder::fail(int status, QByteArrayView proxyStatus, const QString& message)
{
    if (m_done)
        return;
    m_originReusable = false;
    m_event->error = message;
    if (!m_responseStarted) {
        m_event->status = status;
        m_client->write(LocalResponses::error(status, proxyStatus,
                                              QStringLiteral("Switchyard %1.").arg(message), true));
    } else {
        m_client->close();
    }
    m_closeClientAfter = true;
    complete();
}

void HttpForwarder::complete()
{
    if (m_done)
        return;
    m_done = true;
    m_responseTimer.stop();
    if (m_dialer) {
        m_dialer->deleteLater();
        m_dialer = nullptr;
    }
    if (m_origin) {
        if (m_originReusable && m_responseComplete && m_requestComplete &&
            m_origin->pendingBytes() == 0) {
            // The pool takes it over; the connections stay for the next request.
            m_watchedIn = m_context->pool;
            Stream* origin = std::exchange(m_origin, nullptr);
            m_context->pool->put(m_poolKey, origin, this);
        } else {
            detachOrigin();
            m_origin->deleteLater();
            m_origin = nullptr;
        }
    }
    Q_EMIT finished(m_request.clientKeepAlive && !m_closeClientAfter);
}

} // namespace Switchyard
