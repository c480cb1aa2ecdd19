#include "HttpProxySession.h"

#include "EngineContext.h"
#include "EventLogger.h"
#include "HeaderRewriter.h"
#include "HttpForwarder.h"
#include "InboundAuthenticator.h"
#include "LocalResponses.h"
#include "OutboundConnector.h"
#include "ScratchBuffer.h"
#include "TcpStream.h"
#include "Tunnel.h"

#include <QDateTime>
#include <charconv>
#include <cstring>

namespace Switchyard {

namespace {

constexpr int kReadsPerTurn = 16;
constexpr int kLingerMs = 2000;

HttpParser::Limits requestLimits(const EngineContext* context)
{
    const ProxyLimits& limits = context->settings.limits;
    return {limits.maxHeadBytes, limits.maxUriBytes, limits.maxHeaderFields};
}

/// The request target as it may be logged before it is parsed: any userinfo
/// ("user:password@") in an absolute-form URI is cut out, even from a URI that
/// turns out to be malformed.
QString loggableTarget(const QByteArray& target)
{
    const qsizetype scheme = target.indexOf("://");
    if (scheme < 0)
        return QString::fromLatin1(target);
    const qsizetype authority = scheme + 3;
    qsizetype end = authority;
    while (end < target.size() && target[end] != '/' && target[end] != '?' && target[end] != '#')
        ++end;
    const qsizetype at = target.lastIndexOf('@', end - 1);
    if (at < authority)
        return QString::fromLatin1(target);
    return QString::fromLatin1(target.first(authority) + target.sliced(at + 1));
}

/// The Host value for a target: host, in brackets if IPv6, and ":port" unless 80.
QByteArray hostHeaderValue(const HttpTarget& target)
{
    // Written into one buffer of the exact size: this runs for every request.
    char portText[8];
    qsizetype portSize = 0;
    if (target.port != 80)
        portSize = std::to_chars(portText, portText + sizeof(portText), target.port).ptr - portText;
    const QString& host = target.host;
    const qsizetype size =
        host.size() + (target.hostIsIpv6 ? 2 : 0) + (portSize > 0 ? 1 + portSize : 0);
    QByteArray value(size, Qt::Uninitialized);
    char* out = value.data();
    if (target.hostIsIpv6)
        *out++ = '[';
    for (QChar c : host)
        *out++ = c.toLatin1(); // parseAuthority() made it from Latin-1
    if (target.hostIsIpv6)
        *out++ = ']';
    if (portSize > 0) {
        *out++ = ':';
        std::memcpy(out, portText, size_t(portSize));
        out += portSize;
    }
    Q_ASSERT(out == value.constData() + value.size());
    return value;
}

QString describe(int status, const QString& reason)
{
    switch (status) {
    case 408:
        return QStringLiteral("Request timeout: %1").arg(reason);
    case 414:
        return QStringLiteral("URI too long: %1").arg(reason);
    case 431:
        return QStringLiteral("Request header fields too large: %1").arg(reason);
    case 403:
        return QStringLiteral("Forbidden: %1").arg(reason);
    case 501:
        return QStringLiteral("Not implemented: %1").arg(reason);
    case 505:
        return QStringLiteral("HTTP version not supported: %1").arg(reason);
    default:
        return QStringLiteral("Bad request: %1").arg(reason);
    }
}

} // namespace

HttpProxySession::HttpProxySession(EngineContext* context, TcpStream* client, QObject* parent)
    : ClientSession(parent), m_context(context), m_client(client),
      m_parser(HttpParser::Type::Request, this, requestLimits(context)), m_record(context)
{
    client->setParent(this);
}

HttpProxySession::~HttpProxySession() = default;

void HttpProxySession::start()
{
    m_clientAddress = m_client->peerString();
    m_remoteClient = !m_client->peerAddress().isLoopback();
    connect(m_client, &TcpStream::readyRead, this, &HttpProxySession::onClientReadyRead);
    connect(m_client, &TcpStream::drained, this, &HttpProxySession::onClientDrained);
    connect(m_client, &TcpStream::failed, this, &HttpProxySession::onClientFailed);
    m_timer.setHandler(this, &HttpProxySession::onTimer);
    // A new connection gets the head deadline to send anything at all.
    m_timer.start(m_context->settings.limits.headTimeoutMs);
    m_client->setReadEnabled(true);
    onClientReadyRead();
}

bool HttpProxySession::wantsInput() const
{
    switch (m_state) {
    case State::Idle:
    case State::ReadingHead:
        return true;
    case State::StreamingBody:
        return m_discardBody || !m_forwarder || m_forwarder->canAcceptBody();
    case State::Closing:
        return m_lingering;
    default:
        return false;
    }
}

void HttpProxySession::updateReading()
{
    // Off as soon as no input is wanted: switching it off lazily saved about
    // 1 % of a request's instructions but left a tunnel through a TLS exit
    // hanging now and then after the client closed (tst_upstreamhttp under
    // ASan, 2 runs in 10).
    if (!m_closed && m_state != State::Tunnel)
        m_client->setReadEnabled(wantsInput());
}

void HttpProxySession::onClientReadyRead()
{
    if (m_processing || m_closed || m_state == State::Tunnel)
        return;
    char* buffer = ScratchBuffer::data();
    for (int turn = 0; turn < kReadsPerTurn; ++turn) {
        if (!m_leftover.isEmpty() || !wantsInput()) {
            updateReading();
            return;
        }
        const qint64 n = m_client->read(buffer, ScratchBuffer::size);
        if (n == 0)
            return;
        if (n < 0) {
            if (m_client->errorCode() == 0)
                onClientEnded();
            return; // an error: failed() follows
        }
        if (m_state == State::Closing) {
            continue; // lingering after an error: discard
        }
        process(buffer, n);
        if (m_closed || m_state == State::Tunnel)
            return;
    }
}

void HttpProxySession::onClientEnded()
{
    // A client may close its sending side and still wait for the response.
    if (m_state == State::AwaitingResponse || m_state == State::Dispatching) {
        m_keepAlive = false;
        return;
    }
    closeNow();
}

void HttpProxySession::onClientDrained()
{
    if (m_state == State::Closing)
        m_timer.start(kLingerMs); // the response is out: wait briefly for the close
}

void HttpProxySession::onClientFailed()
{
    if (m_record.isOpen() && m_record.event.error.isEmpty())
        m_record.event.error =
            QStringLiteral("client connection broke: %1").arg(m_client->errorString());
    closeNow();
}

void HttpProxySession::onTimer()
{
    switch (m_state) {
    case State::Idle:
        closeNow(); // idle keep-alive connection, or a client that never spoke
        return;
    case State::ReadingHead:
        rejectRequest(408, "http_request_error",
                      QStringLiteral("the request head did not arrive within %1 s")
                          .arg(double(m_context->settings.limits.headTimeoutMs) / 1000.0));
        return;
    case State::Closing:
        closeNow();
        return;
    default:
        return;
    }
}

void HttpProxySession::process(const char* data, qsizetype size)
{
    m_processing = true;
    qsizetype offset = 0;
    while (!m_closed) {
        if (m_state == State::Idle) {
            if (offset >= size)
                break;
            m_state = State::ReadingHead;
            m_timer.start(m_context->settings.limits.headTimeoutMs);
        }
        if (m_state != State::ReadingHead && m_state != State::StreamingBody &&
            m_state != State::Dispatching)
            break;
        if (m_state == State::StreamingBody && !wantsInput())
            break;
        qsizetype consumed = 0;
        const HttpParser::Status status = m_parser.feed(data + offset, size - offset, &consumed);
        offset += consumed;
        if (status == HttpParser::Status::NeedMore) {
            if (offset >= size)
                break;
            continue;
        }
        if (status == HttpParser::Status::Error) {
            rejectRequest(m_parser.errorStatus(), "http_request_error", m_parser.error());
            break;
        }
        if (status == HttpParser::Status::Paused) {
            handleHead();
            m_parser.resume();
            continue;
        }
        // MessageComplete or Upgrade: the request is all read.
        requestComplete();
        break;
    }
    if (!m_closed && offset < size && m_state != State::Closing)
        m_leftover = QByteArray(data + offset, size - offset);
    m_processing = false;
    updateReading();
}

void HttpProxySession::processLeftover()
{
    if (m_processing)
        return;
    if (m_leftover.isEmpty() || m_closed) {
        updateReading();
        return;
    }
    const QByteArray pending = std::exchange(m_leftover, QByteArray());
    process(pending.constData(), pending.size());
    if (m_leftover.isEmpty() && !m_closed)
        onClientReadyRead();
}

HttpMessageHandler::HeadAction HttpProxySession::onHead(HttpHead& head)
{
    m_head = std::move(head);
    return HeadAction::Pause;
}

void HttpProxySession::onBody(const char* data, qsizetype size)
{
    if (!m_discardBody && m_forwarder)
        m_forwarder->sendBody(data, size);
}

void HttpProxySession::onMessageComplete()
{
    // Handled in process() once llhttp has returned.
}

void HttpProxySession::beginEvent(LogProtocol protocol)
{
    m_record.begin(protocol, m_clientAddress);
    m_record.event.method = m_head.method;
    m_record.event.httpVersion = m_head.versionString();
}

void HttpProxySession::handleHead()
{
    m_timer.stop();
    m_discardBody = false;
    m_localResponse.clear();
    m_keepAlive = m_parser.shouldKeepAlive();
    m_target = HttpTarget();
    const bool isConnect = m_head.method == "CONNECT";
    beginEvent(isConnect ? LogProtocol::Connect : LogProtocol::Http);
    if (const QString error = parseRequestTarget(m_head.method, m_head.target, &m_target);
        !error.isEmpty()) {
        m_record.event.target = loggableTarget(m_head.target);
        rejectRequest(400, "http_request_error", error);
        return;
    }
    m_record.event.host = m_target.host;
    m_record.event.port = m_target.port;
    // Set once, in its final form (the raw target only for the forms that have
    // no other): this runs for every request.
    if (m_target.form == HttpTarget::Form::Absolute)
        m_record.event.target = m_target.displayUrl();
    else if (m_target.form == HttpTarget::Form::Authority)
        m_record.event.target = QString::fromLatin1(m_target.authority());
    else
        m_record.event.target = loggableTarget(m_head.target);

    const bool toSelf = m_target.form == HttpTarget::Form::Origin ||
                        m_target.form == HttpTarget::Form::Asterisk ||
                        m_context->isSelf(m_target.host, m_target.port);
    if (toSelf && !isConnect) {
        m_record.event.protocol = LogProtocol::Local;
        m_record.event.route = QStringLiteral("local");
        m_record.event.host = m_context->boundAddress.toString();
        m_record.event.port = m_context->boundPort;
        const bool headOnly = m_head.method == "HEAD";
        const qsizetype query = m_target.pathAndQuery.indexOf('?');
        const QByteArray path =
            query < 0 ? m_target.pathAndQuery : m_target.pathAndQuery.first(query);
        if ((m_head.method == "GET" || headOnly) && path == "/proxy.pac") {
            // The address this client reached us on is the one its browser can use.
            m_localResponse = LocalResponses::document(
                200, "application/x-ns-proxy-autoconfig",
                m_context->pacScript(m_client->localString()), headOnly, !m_keepAlive);
            m_record.event.status = 200;
        } else if (m_head.method == "GET" || headOnly) {
            m_localResponse =
                LocalResponses::statusPage(QStringLiteral("%1:%2")
                                               .arg(m_context->boundAddress.toString())
                                               .arg(m_context->boundPort),
                                           headOnly, !m_keepAlive);
            m_record.event.status = 200;
        } else {
            m_localResponse = LocalResponses::error(
                405, "http_request_denied",
                QStringLiteral("Switchyard's own pages only answer GET and HEAD."), !m_keepAlive);
            m_record.event.status = 405;
        }
        m_discardBody = true;
        m_state = State::StreamingBody;
        return;
    }
    if (isConnect && toSelf) {
        rejectRequest(400, "proxy_loop_detected",
                      QStringLiteral("CONNECT to the proxy's own address would loop"));
        return;
    }
    if (!authenticate())
        return;
    if (m_remoteClient) {
        const QString refusal =
            m_context->refusalForRemoteClient(m_target.host, m_target.port, isConnect);
        if (!refusal.isEmpty()) {
            m_record.event.route = QStringLiteral("blocked");
            rejectRequest(403, "destination_ip_prohibited", refusal);
            return;
        }
    }
    m_route = m_context->chooseRoute(m_target.host, m_target.port,
                                     isConnect ? QString() : m_record.event.target);
    m_record.event.route = m_route.routeName();
    m_record.event.rule = m_route.ruleText;
    if (rejectIfBlocked())
        return;
    if (isConnect)
        startConnect();
    else
        startForward();
}

bool HttpProxySession::authenticate()
{
    const InboundAuth& auth = m_context->settings.inboundAuth;
    if (!auth.required)
        return true;
    const QHostAddress client = m_client->peerAddress();
    LoginThrottle& throttle = m_context->loginThrottle;
    if (throttle.isBlocked(client)) {
        rejectRequest(429, "http_request_denied",
                      QStringLiteral("too many failed logins from %1; try again in a minute")
                          .arg(client.toString()));
        return false;
    }
    const QByteArray credentials = m_head.value("proxy-authorization");
    if (InboundAuthenticator::matchesBasic(auth, credentials)) {
        throttle.recordSuccess(client);
        return true;
    }
    if (!credentials.isEmpty())
        throttle.recordFailure(client);
    m_record.event.status = 407;
    m_record.event.error = credentials.isEmpty()
                               ? QStringLiteral("proxy credentials required")
                               : QStringLiteral("wrong proxy username or password");
    m_client->write(LocalResponses::authenticationRequired());
    m_record.finish();
    closeAfterWrites();
    return false;
}

void HttpProxySession::requestComplete()
{
    if (!m_localResponse.isEmpty()) {
        const bool close = !m_keepAlive;
        m_client->write(m_localResponse);
        m_localResponse.clear();
        m_record.finish();
        if (close) {
            closeAfterWrites();
        } else {
            m_state = State::Dispatching;
            QMetaObject::invokeMethod(this, &HttpProxySession::nextRequest, Qt::QueuedConnection);
        }
        return;
    }
    if (m_forwarder) {
        m_state = State::AwaitingResponse;
        m_forwarder->endBody(); // may finish the exchange at once
        return;
    }
    // CONNECT: the tunnel starts when the dial completes.
}

void HttpProxySession::rejectRequest(int status, QByteArrayView proxyStatus, const QString& reason)
{
    if (!m_record.isOpen())
        beginEvent(LogProtocol::Http);
    m_record.event.status = status;
    m_record.event.error = reason;
    m_client->write(LocalResponses::error(status, proxyStatus, describe(status, reason), true));
    m_record.finish();
    closeAfterWrites();
}

void HttpProxySession::startConnect()
{
    m_state = State::Dispatching;
    m_dialer =
        new OutboundConnector(m_context, m_route.viaExit() ? &m_route.profile : nullptr,
                              m_target.host, m_target.port, OutboundConnector::Mode::Tunnel, this);
    m_dialer->setRefuseLocalDestinations(m_remoteClient);
    connect(m_dialer, &OutboundConnector::succeeded, this, &HttpProxySession::onConnectDialed);
    connect(m_dialer, &OutboundConnector::failed, this, &HttpProxySession::onConnectFailed);
    m_record.publishStart();
    m_dialer->start();
}

void HttpProxySession::onConnectDialed(Stream* stream, const QByteArray& initialData,
                                       qint64 elapsedUs)
{
    m_dialer->deleteLater();
    m_dialer = nullptr;
    m_record.event.connectUs = elapsedUs;
    m_record.event.status = 200;
    startTunnel(stream,
                QByteArrayLiteral("HTTP/1.1 200 Connection established\r\n\r\n") + initialData);
}

void HttpProxySession::onConnectFailed(const OutboundFailure& failure)
{
    m_dialer->deleteLater();
    m_dialer = nullptr;
    m_record.event.status = failure.httpStatus();
    m_record.event.error = failure.message;
    m_client->write(LocalResponses::error(failure.httpStatus(), failure.proxyStatusError(),
                                          QStringLiteral("Switchyard %1.").arg(failure.message),
                                          true));
    m_record.finish();
    closeAfterWrites();
}

bool HttpProxySession::rejectIfBlocked()
{
    if (!m_route.isBlocked())
        return false;
    const QString why = !m_route.error.isEmpty() ? m_route.error
                        : m_route.ruleText.isEmpty()
                            ? QStringLiteral("the default action blocks it")
                            : QStringLiteral("blocked by %1").arg(m_route.ruleText);
    m_record.event.status = 403;
    m_record.event.error = why;
    // The connection closes: a request body that may follow is never parsed.
    m_client->write(LocalResponses::error(
        403, "http_request_denied",
        QStringLiteral("Switchyard refused %1: %2.").arg(m_record.event.target, why), true));
    m_record.finish();
    closeAfterWrites();
    return true;
}

void HttpProxySession::startForward()
{
    m_upgradeRequest = m_parser.isUpgrade() && m_head.hasToken("upgrade", "websocket");
    HttpForwarder::Request request;
    // The fields move over (nothing reads them here afterwards), so the rewrite
    // below edits them in place instead of copying the list first.
    request.head.method = m_head.method;
    request.head.target = m_head.target;
    request.head.versionMajor = m_head.versionMajor;
    request.head.versionMinor = m_head.versionMinor;
    request.head.headers = std::move(m_head.headers);
    m_head.headers = HeaderList();
    if (m_upgradeRequest)
        m_record.event.protocol = LogProtocol::WebSocket;
    HeaderRewriter::stripHopByHop(request.head,
                                  {m_context->settings.addViaHeader, m_upgradeRequest});
    const QByteArray hostValue = hostHeaderValue(m_target);
    // The URI wins over a disagreeing Host header (RFC 9112 §3.2.2).
    for (HeaderField& field : request.head.headers) {
        if (equalsIgnoreCase(field.first, "host")) {
            if (field.second != hostValue)
                field.second = hostValue;
            break;
        }
    }
    if (!request.head.contains("host"))
        request.head.headers.prepend({QByteArrayLiteral("Host"), hostValue});
    request.chunkedBody = m_parser.isChunked();
    if (request.chunkedBody)
        request.head.headers.append(
            {QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked")});
    request.hasBody = request.chunkedBody || m_parser.contentLength() > 0;
    request.requestTarget = m_target.pathAndQuery;
    if (m_route.viaHttpExit()) // only an HTTP exit takes the absolute form
        request.absoluteUrl = "http://" + hostValue + m_target.pathAndQuery;
    request.route = m_route;
    request.remoteClient = m_remoteClient;
    request.host = m_target.host;
    request.port = m_target.port;
    request.headRequest = m_head.method == "HEAD";
    request.upgrade = m_upgradeRequest;
    request.clientHttp10 = m_head.versionMinor == 0;
    request.clientKeepAlive = m_keepAlive;
    if (m_context->settings.capture.enabled)
        m_record.event.requestHeaders = compactHeaderCopy(request.head.headers);

    m_state = State::StreamingBody;
    if (m_spentForwarder) {
        // The previous request's forwarder, still connected to this session.
        m_forwarder = std::exchange(m_spentForwarder, nullptr);
        m_forwarder->restart(std::move(request));
    } else {
        m_forwarder =
            new HttpForwarder(m_context, m_client, std::move(request), &m_record.event, this);
        connect(m_forwarder, &HttpForwarder::bodyDrained, this, [this] {
            if (m_state == State::StreamingBody)
                processLeftover();
        });
        connect(m_forwarder, &HttpForwarder::finished, this, &HttpProxySession::onForwardFinished);
        connect(m_forwarder, &HttpForwarder::upgraded, this, &HttpProxySession::onUpgraded);
    }
    m_record.publishStart();
    m_forwarder->start();
}

void HttpProxySession::onForwardFinished(bool keepAlive)
{
    // Kept for the next request on this connection (a forwarder emits nothing
    // between finished() and restart()); a closing session takes it along.
    m_spentForwarder = std::exchange(m_forwarder, nullptr);
    m_record.finish();
    if (m_state != State::AwaitingResponse) {
        // Answered before the request body was all read: its end is unknown.
        closeAfterWrites();
        return;
    }
    if (!keepAlive || !m_keepAlive) {
        closeAfterWrites();
        return;
    }
    // With no pipelined bytes waiting and no parse under way, the next request
    // can only start once the client sends it, so the session gets ready for it
    // now: a queued call costs an event-loop round (eventfd write, poll, read)
    // on every keep-alive request. Otherwise not from inside the forwarder's
    // call stack: the next request may reuse the origin connection it has just
    // pooled, and a parse under way sets its leftover bytes after this returns.
    m_state = State::Dispatching;
    if (!m_processing && m_leftover.isEmpty()) {
        nextRequest();
        return;
    }
    QMetaObject::invokeMethod(this, &HttpProxySession::nextRequest, Qt::QueuedConnection);
}

void HttpProxySession::onUpgraded(Stream* origin, const QByteArray& originData)
{
    HttpForwarder* forwarder = std::exchange(m_forwarder, nullptr);
    disconnect(forwarder, nullptr, this, nullptr);
    forwarder->deleteLater();
    startTunnel(origin, originData);
}

void HttpProxySession::startTunnel(Stream* upstream, const QByteArray& toClient)
{
    m_timer.stop();
    m_state = State::Tunnel;
    disconnect(m_client, nullptr, this, nullptr);
    m_tunnel = new Tunnel(m_client, upstream, m_context->settings.limits.bufferBytes, this);
    const quint64 upBefore = m_record.event.bytesUp;
    const quint64 downBefore = m_record.event.bytesDown;
    connect(m_tunnel, &Tunnel::finished, this, [this, upBefore, downBefore](const QString& error) {
        m_record.event.bytesUp = upBefore + m_tunnel->bytesUp();
        m_record.event.bytesDown = downBefore + m_tunnel->bytesDown();
        m_context->totalBytesUp += m_tunnel->bytesUp();
        m_context->totalBytesDown += m_tunnel->bytesDown();
        if (!error.isEmpty() && m_record.event.error.isEmpty())
            m_record.event.error = error;
        m_record.finish();
        m_closed = true;
        Q_EMIT closed();
    });
    m_client->write(toClient);
    if (!m_leftover.isEmpty()) {
        upstream->write(m_leftover);
        m_record.event.bytesUp += quint64(m_leftover.size());
        m_leftover.clear();
    }
    m_tunnel->start();
}

void HttpProxySession::nextRequest()
{
    if (m_closed)
        return;
    m_state = State::Idle;
    m_parser.resume();
    m_upgradeRequest = false;
    m_discardBody = false;
    m_timer.start(m_context->settings.limits.idleTimeoutMs);
    processLeftover();
}

void HttpProxySession::closeAfterWrites()
{
    m_state = State::Closing;
    m_leftover.clear();
    if (m_forwarder) {
        m_forwarder->deleteLater();
        disconnect(m_forwarder, nullptr, this, nullptr);
        m_forwarder = nullptr;
    }
    // Half-close once the response is out, and read (and drop) what the client
    // still sends until it closes: closing with unread bytes would make the kernel
    // send a reset that can destroy the response before the client reads it.
    m_lingering = true;
    const bool responseQueued = m_client->pendingBytes() > 0;
    m_timer.start(responseQueued ? m_context->settings.limits.idleTimeoutMs : kLingerMs);
    m_client->shutdownWrite();
    m_client->setReadEnabled(true);
}

void HttpProxySession::closeNow()
{
    if (m_closed)
        return;
    m_closed = true;
    m_timer.stop();
    if (m_forwarder) {
        disconnect(m_forwarder, nullptr, this, nullptr);
        m_forwarder->deleteLater();
        m_forwarder = nullptr;
    }
    if (m_dialer) {
        disconnect(m_dialer, nullptr, this, nullptr);
        m_dialer->deleteLater();
        m_dialer = nullptr;
    }
    m_client->close();
    m_record.finishAbandoned();
    Q_EMIT closed();
}

} // namespace Switchyard
