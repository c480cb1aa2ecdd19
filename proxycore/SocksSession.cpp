#include "SocksSession.h"

#include "InboundAuthenticator.h"
#include "OutboundConnector.h"
#include "TcpStream.h"
#include "Tunnel.h"

#include <QHostAddress>

namespace Switchyard {

namespace {

constexpr quint8 kSocks4Granted = SocksHandshakeParser::kSocks4Granted;
constexpr quint8 kSocks4Rejected = SocksHandshakeParser::kSocks4Rejected;

} // namespace

SocksSession::SocksSession(EngineContext* context, TcpStream* client, QObject* parent)
    : ClientSession(parent), m_context(context), m_client(client), m_record(context), m_timer(this)
{
    client->setParent(this);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SocksSession::onTimeout);
}

SocksSession::~SocksSession() = default;

void SocksSession::start()
{
    m_clientAddress = m_client->peerString();
    m_remoteClient = !m_client->peerAddress().isLoopback();
    connect(m_client, &Stream::readyRead, this, &SocksSession::onReadyRead);
    connect(m_client, &Stream::failed, this, &SocksSession::closeNow);
    connect(m_client, &Stream::drained, this, [this] {
        if (m_state == State::Closing)
            closeNow();
    });
    m_timer.start(m_context->settings.limits.headTimeoutMs);
    m_client->setReadEnabled(true);
    onReadyRead();
}

void SocksSession::onReadyRead()
{
    if (m_state == State::Tunnel || m_state == State::Closed)
        return;
    char chunk[512];
    for (;;) {
        const qint64 n = m_client->read(chunk, sizeof chunk);
        if (n == 0)
            break;
        if (n < 0) {
            closeNow(); // the client gave up (or broke) before the tunnel
            return;
        }
        if (m_state == State::Closing)
            continue; // a refused client: drop what it still sends
        m_parser.append(chunk, n);
        // Parse after every chunk: the parser's size cap then bounds the buffer
        // however fast a client streams. Connecting keeps early tunnel bytes there.
        if (m_state == State::Handshake && !parseHandshake())
            return;
    }
}

bool SocksSession::parseHandshake()
{
    // Several handshake steps may already be in the buffer (pipelining clients).
    for (;;) {
        switch (m_parser.next()) {
        case SocksHandshakeParser::Result::NeedMore:
            return true;
        case SocksHandshakeParser::Result::Greeting:
            if (!onGreeting())
                return false;
            break;
        case SocksHandshakeParser::Result::Credentials:
            if (!onCredentials())
                return false;
            break;
        case SocksHandshakeParser::Result::Request:
            onRequest();
            return false;
        case SocksHandshakeParser::Result::Error:
            onParseError();
            return false;
        }
    }
}

bool SocksSession::onGreeting()
{
    const QByteArray methods = m_parser.methods();
    const bool authRequired = m_context->settings.inboundAuth.required;
    const char wanted = authRequired ? '\x02' : '\x00';
    if (methods.contains(wanted)) {
        m_parser.chooseMethod(quint8(wanted));
        m_client->write(QByteArray("\x05", 1) + wanted);
        return true;
    }
    m_parser.chooseMethod(0xff);
    m_record.begin(LogProtocol::Socks5, m_clientAddress);
    m_record.event.socksReply = 0xff;
    m_record.event.error =
        methods.isEmpty() ? QStringLiteral("the client offered no authentication method at all")
        : authRequired    ? QStringLiteral("the client offered no username/password authentication")
                       : QStringLiteral("the client offered no acceptable authentication method");
    m_record.finish();
    m_client->write(QByteArrayView("\x05\xff", 2));
    closeAfterWrites();
    return false;
}

bool SocksSession::onCredentials()
{
    const QString user = QString::fromUtf8(m_parser.username());
    const QString password = QString::fromUtf8(m_parser.password());
    const QHostAddress client = m_client->peerAddress();
    LoginThrottle& throttle = m_context->loginThrottle;
    const bool throttled = throttle.isBlocked(client);
    const bool accepted = !throttled && InboundAuthenticator::matches(
                                            m_context->settings.inboundAuth, user, password);
    if (accepted)
        throttle.recordSuccess(client);
    else if (!throttled)
        throttle.recordFailure(client);
    if (!accepted) {
        m_record.begin(LogProtocol::Socks5, m_clientAddress);
        m_record.event.error =
            throttled ? QStringLiteral("too many failed logins from %1").arg(client.toString())
                      : QStringLiteral("wrong username or password");
        m_record.finish();
        m_client->write(QByteArrayView("\x01\x01", 2));
        closeAfterWrites();
        return false;
    }
    m_client->write(QByteArrayView("\x01\x00", 2));
    return true;
}

void SocksSession::onParseError()
{
    if (m_parser.errorReply() < 0) {
        closeNow(); // not SOCKS at all: there is no reply to give
        return;
    }
    if (m_parser.errorStage() == SocksHandshakeParser::Stage::Authentication) {
        // A malformed login counts as a failed one.
        const QHostAddress client = m_client->peerAddress();
        if (!m_context->loginThrottle.isBlocked(client))
            m_context->loginThrottle.recordFailure(client);
        m_record.begin(LogProtocol::Socks5, m_clientAddress);
        m_record.event.error =
            QStringLiteral("malformed username/password request: %1").arg(m_parser.error());
        m_record.finish();
        m_client->write(QByteArray("\x01", 1) + char(m_parser.errorReply()));
        closeAfterWrites();
        return;
    }
    refuse(quint8(m_parser.errorReply()), m_parser.error());
}

void SocksSession::onRequest()
{
    const SocksRequest& request = m_parser.request();
    const QString& host = request.host;
    const quint16 port = request.port;
    m_record.begin(request.socks4 ? LogProtocol::Socks4 : LogProtocol::Socks5, m_clientAddress);
    m_record.event.host = host;
    m_record.event.port = port;
    m_record.event.target = host.contains(u':') ? QStringLiteral("[%1]:%2").arg(host).arg(port)
                                                : QStringLiteral("%1:%2").arg(host).arg(port);
    if (request.socks4) {
        if (request.command != 0x01) {
            refuse(kSocks4Rejected,
                   QStringLiteral("SOCKS4 command %1 is not supported").arg(request.command));
            return;
        }
        if (m_context->settings.inboundAuth.required) {
            refuse(kSocks4Rejected,
                   QStringLiteral("SOCKS4 cannot authenticate and inbound authentication is on"));
            return;
        }
    } else if (request.command != 0x01) {
        const quint8 command = request.command;
        refuse(0x07, command == 0x02   ? QStringLiteral("BIND is not supported")
                     : command == 0x03 ? QStringLiteral("UDP ASSOCIATE is not supported")
                                       : QStringLiteral("unknown SOCKS5 command 0x%1")
                                             .arg(command, 2, 16, QLatin1Char('0')));
        return;
    }
    if (host.isEmpty() || port == 0) {
        refuse(request.socks4 ? kSocks4Rejected : 0x04,
               host.isEmpty() ? QStringLiteral("empty host name") : QStringLiteral("port 0"));
        return;
    }
    dispatch(host, port);
}

void SocksSession::dispatch(const QString& host, quint16 port)
{
    m_timer.stop();
    if (m_context->isSelf(host, port)) {
        refuse(m_parser.isSocks4() ? kSocks4Rejected : 0x02,
               QStringLiteral("a connection to the proxy itself would loop"));
        return;
    }
    if (m_remoteClient) {
        const QString refusal = m_context->refusalForRemoteClient(host, port, true);
        if (!refusal.isEmpty()) {
            m_record.event.route = QStringLiteral("blocked");
            refuse(m_parser.isSocks4() ? kSocks4Rejected : 0x02, refusal);
            return;
        }
    }
    m_route = m_context->chooseRoute(host, port, {});
    m_record.event.route = m_route.routeName();
    m_record.event.rule = m_route.ruleText;
    if (m_route.isBlocked()) {
        refuse(m_parser.isSocks4() ? kSocks4Rejected : 0x02,
               !m_route.error.isEmpty() ? m_route.error
               : m_route.ruleText.isEmpty()
                   ? QStringLiteral("the default action blocks it")
                   : QStringLiteral("blocked by %1").arg(m_route.ruleText));
        return;
    }
    m_state = State::Connecting;
    m_client->setReadEnabled(false); // early tunnel bytes wait in the kernel
    m_record.publishStart();
    m_connector = new OutboundConnector(m_context, m_route.viaExit() ? &m_route.profile : nullptr,
                                        host, port, OutboundConnector::Mode::Tunnel, this);
    m_connector->setRefuseLocalDestinations(m_remoteClient);
    connect(m_connector, &OutboundConnector::succeeded, this, &SocksSession::onConnected);
    connect(m_connector, &OutboundConnector::failed, this, &SocksSession::onConnectFailed);
    m_connector->start();
}

void SocksSession::onConnected(Stream* stream, const QByteArray& initialData, qint64 elapsedUs)
{
    m_connector->deleteLater();
    m_connector = nullptr;
    m_record.event.connectUs = elapsedUs;
    reply(m_parser.isSocks4() ? kSocks4Granted : 0x00);
    m_state = State::Tunnel;
    disconnect(m_client, nullptr, this, nullptr);
    m_tunnel = new Tunnel(m_client, stream, m_context->settings.limits.bufferBytes, this);
    connect(m_tunnel, &Tunnel::finished, this, [this](const QString& error) {
        m_record.event.bytesUp += m_tunnel->bytesUp();
        m_record.event.bytesDown += m_tunnel->bytesDown();
        m_context->totalBytesUp += m_tunnel->bytesUp();
        m_context->totalBytesDown += m_tunnel->bytesDown();
        if (!error.isEmpty())
            m_record.event.error = error;
        m_record.finish();
        m_state = State::Closed;
        Q_EMIT closed();
    });
    if (!initialData.isEmpty()) {
        m_client->write(initialData);
        m_record.event.bytesDown += quint64(initialData.size());
    }
    if (const QByteArray early = m_parser.takeRemaining(); !early.isEmpty()) {
        stream->write(early);
        m_record.event.bytesUp += quint64(early.size());
    }
    m_tunnel->start();
}

void SocksSession::onConnectFailed(const OutboundFailure& failure)
{
    m_connector->deleteLater();
    m_connector = nullptr;
    refuse(m_parser.isSocks4() ? kSocks4Rejected : failure.socks5Reply(), failure.message);
}

void SocksSession::reply(quint8 code)
{
    m_record.event.socksReply = code;
    if (m_parser.isSocks4()) {
        // VN=0 CD DSTPORT DSTIP (ignored by clients)
        m_client->write(QByteArray("\x00", 1) + char(code) + QByteArray(6, '\0'));
        return;
    }
    // VER REP RSV ATYP=IPv4 BND.ADDR=0.0.0.0 BND.PORT=0
    m_client->write(QByteArray("\x05", 1) + char(code) +
                    QByteArray("\x00\x01\x00\x00\x00\x00\x00\x00", 8));
}

void SocksSession::refuse(quint8 code, const QString& reason)
{
    if (!m_record.isOpen())
        m_record.begin(m_parser.isSocks4() ? LogProtocol::Socks4 : LogProtocol::Socks5,
                       m_clientAddress);
    reply(code);
    m_record.event.error = reason;
    m_record.finish();
    closeAfterWrites();
}

void SocksSession::closeAfterWrites()
{
    m_state = State::Closing;
    m_timer.start(2000);
    m_client->shutdownWrite();
    if (m_client->pendingBytes() == 0)
        m_client->setReadEnabled(true); // read until the client closes (or the timer)
}

void SocksSession::onTimeout()
{
    if (m_state == State::Handshake) {
        m_record.begin(m_parser.isSocks4() ? LogProtocol::Socks4 : LogProtocol::Socks5,
                       m_clientAddress);
        m_record.event.error = QStringLiteral("the SOCKS handshake did not finish within %1 s")
                                   .arg(double(m_context->settings.limits.headTimeoutMs) / 1000.0);
        m_record.finish();
    }
    closeNow();
}

void SocksSession::closeNow()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_timer.stop();
    if (m_connector) {
        disconnect(m_connector, nullptr, this, nullptr);
        m_connector->deleteLater();
        m_connector = nullptr;
    }
    m_client->close();
    m_record.finishAbandoned();
    Q_EMIT closed();
}

} // namespace Switchyard
