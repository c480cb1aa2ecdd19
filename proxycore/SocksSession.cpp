#include "SocksSession.h"

#include "InboundAuthenticator.h"
#include "OutboundConnector.h"
#include "TcpStream.h"
#include "Tunnel.h"

#include <QHostAddress>

namespace Switchyard {

namespace {

// Longest SOCKS handshake message: SOCKS4a with a 255-byte user id and name.
constexpr qsizetype kMaxHandshake = 1024;

constexpr quint8 kSocks4Granted = 0x5a;
constexpr quint8 kSocks4Rejected = 0x5b;

quint16 readPort(const QByteArray& data, qsizetype at)
{
    return quint16((quint8(data.at(at)) << 8) | quint8(data.at(at + 1)));
}

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
        m_buffer.append(chunk, n);
        if (m_buffer.size() > kMaxHandshake) {
            refuse(m_socks4 ? kSocks4Rejected : 0x01, QStringLiteral("SOCKS handshake too long"));
            return;
        }
    }
    // Several handshake steps may already be in the buffer (pipelining clients).
    for (;;) {
        Parse result = Parse::NeedMore;
        switch (m_state) {
        case State::Greeting:
            result = parseGreeting();
            break;
        case State::Authenticating:
            result = parseAuthentication();
            break;
        case State::Requesting:
            result = m_socks4 ? parseRequest4() : parseRequest5();
            break;
        default:
            return; // Connecting keeps early tunnel bytes in m_buffer
        }
        if (result != Parse::Done)
            return;
    }
}

SocksSession::Parse SocksSession::parseGreeting()
{
    if (m_buffer.isEmpty())
        return Parse::NeedMore;
    const quint8 version = quint8(m_buffer.at(0));
    if (version == 0x04) {
        m_socks4 = true;
        m_state = State::Requesting;
        return Parse::Done;
    }
    if (version != 0x05) {
        closeNow(); // not SOCKS at all: there is no reply to give
        return Parse::Failed;
    }
    if (m_buffer.size() < 2)
        return Parse::NeedMore;
    const int count = quint8(m_buffer.at(1));
    if (m_buffer.size() < 2 + count)
        return Parse::NeedMore;
    const QByteArray methods = m_buffer.mid(2, count);
    m_buffer.remove(0, 2 + count);
    const bool authRequired = m_context->settings.inboundAuth.required;
    if (authRequired ? methods.contains('\x02') : methods.contains('\x00')) {
        const char chosen = authRequired ? '\x02' : '\x00';
        m_client->write(QByteArray("\x05", 1) + chosen);
        m_state = authRequired ? State::Authenticating : State::Requesting;
        return Parse::Done;
    }
    m_record.begin(LogProtocol::Socks5, m_clientAddress);
    m_record.event.socksReply = 0xff;
    m_record.event.error =
        authRequired ? QStringLiteral("the client offered no username/password authentication")
                     : QStringLiteral("the client offered no acceptable authentication method");
    m_record.finish();
    m_client->write(QByteArrayView("\x05\xff", 2));
    closeAfterWrites();
    return Parse::Failed;
}

SocksSession::Parse SocksSession::parseAuthentication()
{
    // RFC 1929: VER ULEN UNAME PLEN PASSWD
    if (m_buffer.size() < 2)
        return Parse::NeedMore;
    const int userLength = quint8(m_buffer.at(1));
    if (m_buffer.size() < 2 + userLength + 1)
        return Parse::NeedMore;
    const int passwordLength = quint8(m_buffer.at(2 + userLength));
    if (m_buffer.size() < 3 + userLength + passwordLength)
        return Parse::NeedMore;
    const bool wellFormed = quint8(m_buffer.at(0)) == 0x01 && userLength > 0;
    const QString user = QString::fromUtf8(m_buffer.mid(2, userLength));
    const QString password = QString::fromUtf8(m_buffer.mid(3 + userLength, passwordLength));
    m_buffer.remove(0, 3 + userLength + passwordLength);
    const QHostAddress client = m_client->peerAddress();
    LoginThrottle& throttle = m_context->loginThrottle;
    const bool throttled = throttle.isBlocked(client);
    const bool accepted =
        !throttled && wellFormed &&
        InboundAuthenticator::matches(m_context->settings.inboundAuth, user, password);
    if (accepted)
        throttle.recordSuccess(client);
    else if (!throttled)
        throttle.recordFailure(client);
    if (!accepted) {
        m_record.begin(LogProtocol::Socks5, m_clientAddress);
        m_record.event.error =
            throttled    ? QStringLiteral("too many failed logins from %1").arg(client.toString())
            : wellFormed ? QStringLiteral("wrong username or password")
                         : QStringLiteral("malformed username/password request");
        m_record.finish();
        m_client->write(QByteArrayView("\x01\x01", 2));
        closeAfterWrites();
        return Parse::Failed;
    }
    m_client->write(QByteArrayView("\x01\x00", 2));
    m_state = State::Requesting;
    return Parse::Done;
}

SocksSession::Parse SocksSession::parseRequest5()
{
    // VER CMD RSV ATYP DST.ADDR DST.PORT
    if (m_buffer.size() < 5)
        return Parse::NeedMore;
    m_record.begin(LogProtocol::Socks5, m_clientAddress);
    const quint8 version = quint8(m_buffer.at(0));
    const quint8 command = quint8(m_buffer.at(1));
    const quint8 addressType = quint8(m_buffer.at(3));
    if (version != 0x05 || m_buffer.at(2) != 0) {
        refuse(0x01, QStringLiteral("malformed SOCKS5 request"));
        return Parse::Failed;
    }
    qsizetype addressLength = 0;
    switch (addressType) {
    case 0x01:
        addressLength = 4;
        break;
    case 0x04:
        addressLength = 16;
        break;
    case 0x03:
        addressLength = 1 + quint8(m_buffer.at(4));
        break;
    default:
        refuse(0x08, QStringLiteral("address type 0x%1 not supported")
                         .arg(addressType, 2, 16, QLatin1Char('0')));
        return Parse::Failed;
    }
    if (m_buffer.size() < 4 + addressLength + 2)
        return Parse::NeedMore;
    QString host;
    if (addressType == 0x01) {
        const quint32 v4 = (quint32(quint8(m_buffer.at(4))) << 24) |
                           (quint32(quint8(m_buffer.at(5))) << 16) |
                           (quint32(quint8(m_buffer.at(6))) << 8) | quint32(quint8(m_buffer.at(7)));
        host = QHostAddress(v4).toString();
    } else if (addressType == 0x04) {
        Q_IPV6ADDR raw;
        memcpy(raw.c, m_buffer.constData() + 4, 16);
        host = QHostAddress(raw).toString();
    } else {
        host = QString::fromUtf8(m_buffer.mid(5, addressLength - 1)).toLower();
    }
    const quint16 port = readPort(m_buffer, 4 + addressLength);
    m_buffer.remove(0, 4 + addressLength + 2);
    m_record.event.host = host;
    m_record.event.port = port;
    m_record.event.target = host.contains(u':') ? QStringLiteral("[%1]:%2").arg(host).arg(port)
                                                : QStringLiteral("%1:%2").arg(host).arg(port);
    if (command != 0x01) {
        refuse(0x07, command == 0x02   ? QStringLiteral("BIND is not supported")
                     : command == 0x03 ? QStringLiteral("UDP ASSOCIATE is not supported")
                                       : QStringLiteral("unknown SOCKS5 command 0x%1")
                                             .arg(command, 2, 16, QLatin1Char('0')));
        return Parse::Failed;
    }
    if (host.isEmpty() || port == 0) {
        refuse(0x04, host.isEmpty() ? QStringLiteral("empty host name") : QStringLiteral("port 0"));
        return Parse::Failed;
    }
    dispatch(host, port);
    return Parse::Failed; // no more handshake to parse
}

SocksSession::Parse SocksSession::parseRequest4()
{
    // VN CD DSTPORT DSTIP USERID NUL [HOST NUL]
    if (m_buffer.size() < 9)
        return Parse::NeedMore;
    const qsizetype userEnd = m_buffer.indexOf('\0', 8);
    if (userEnd < 0)
        return Parse::NeedMore;
    const quint8 command = quint8(m_buffer.at(1));
    const quint16 port = readPort(m_buffer, 2);
    const bool socks4a =
        m_buffer.at(4) == 0 && m_buffer.at(5) == 0 && m_buffer.at(6) == 0 && m_buffer.at(7) != 0;
    QString host;
    qsizetype end = userEnd + 1;
    if (socks4a) {
        const qsizetype hostEnd = m_buffer.indexOf('\0', end);
        if (hostEnd < 0)
            return Parse::NeedMore;
        host = QString::fromUtf8(m_buffer.mid(end, hostEnd - end)).toLower();
        end = hostEnd + 1;
    } else {
        const quint32 v4 = (quint32(quint8(m_buffer.at(4))) << 24) |
                           (quint32(quint8(m_buffer.at(5))) << 16) |
                           (quint32(quint8(m_buffer.at(6))) << 8) | quint32(quint8(m_buffer.at(7)));
        host = QHostAddress(v4).toString();
    }
    m_buffer.remove(0, end);
    m_record.begin(LogProtocol::Socks4, m_clientAddress);
    m_record.event.host = host;
    m_record.event.port = port;
    m_record.event.target = QStringLiteral("%1:%2").arg(host).arg(port);
    if (command != 0x01) {
        refuse(kSocks4Rejected, QStringLiteral("SOCKS4 command %1 is not supported").arg(command));
        return Parse::Failed;
    }
    if (m_context->settings.inboundAuth.required) {
        refuse(kSocks4Rejected,
               QStringLiteral("SOCKS4 cannot authenticate and inbound authentication is on"));
        return Parse::Failed;
    }
    if (host.isEmpty() || port == 0) {
        refuse(kSocks4Rejected,
               host.isEmpty() ? QStringLiteral("empty host name") : QStringLiteral("port 0"));
        return Parse::Failed;
    }
    dispatch(host, port);
    return Parse::Failed;
}

void SocksSession::dispatch(const QString& host, quint16 port)
{
    m_timer.stop();
    if (m_context->isSelf(host, port)) {
        refuse(m_socks4 ? kSocks4Rejected : 0x02,
               QStringLiteral("a connection to the proxy itself would loop"));
        return;
    }
    if (m_remoteClient) {
        const QString refusal = m_context->refusalForRemoteClient(host, port, true);
        if (!refusal.isEmpty()) {
            m_record.event.route = QStringLiteral("blocked");
            refuse(m_socks4 ? kSocks4Rejected : 0x02, refusal);
            return;
        }
    }
    m_route = m_context->chooseRoute(host, port, {});
    m_record.event.route = m_route.routeName();
    m_record.event.rule = m_route.ruleText;
    if (m_route.isBlocked()) {
        refuse(m_socks4 ? kSocks4Rejected : 0x02,
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
    reply(m_socks4 ? kSocks4Granted : 0x00);
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
    if (!m_buffer.isEmpty()) {
        stream->write(m_buffer);
        m_record.event.bytesUp += quint64(m_buffer.size());
        m_buffer.clear();
    }
    m_tunnel->start();
}

void SocksSession::onConnectFailed(const OutboundFailure& failure)
{
    m_connector->deleteLater();
    m_connector = nullptr;
    refuse(m_socks4 ? kSocks4Rejected : failure.socks5Reply(), failure.message);
}

void SocksSession::reply(quint8 code)
{
    m_record.event.socksReply = code;
    if (m_socks4) {
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
        m_record.begin(m_socks4 ? LogProtocol::Socks4 : LogProtocol::Socks5, m_clientAddress);
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
    if (m_state == State::Greeting || m_state == State::Authenticating ||
        m_state == State::Requesting) {
        m_record.begin(m_socks4 ? LogProtocol::Socks4 : LogProtocol::Socks5, m_clientAddress);
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
