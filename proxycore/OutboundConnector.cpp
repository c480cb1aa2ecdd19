#include "OutboundConnector.h"

#include "Dialer.h"
#include "EngineContext.h"
#include "LocalResponses.h"
#include "Resolver.h"
#include "TcpStream.h"
#include "TlsStream.h"

#include <QHostAddress>

namespace Switchyard {

namespace {

QByteArray basicCredentials(const UpstreamProfile& profile)
{
    return "Basic " + (profile.username + u':' + profile.password).toUtf8().toBase64();
}

QByteArray portBytes(quint16 port)
{
    QByteArray bytes(2, '\0');
    bytes[0] = char(port >> 8);
    bytes[1] = char(port & 0xff);
    return bytes;
}

} // namespace

OutboundConnector::OutboundConnector(EngineContext* context, const UpstreamProfile* profile,
                                     const QString& host, quint16 port, Mode mode, QObject* parent)
    : QObject(parent), m_context(context), m_direct(profile == nullptr),
      m_profile(profile ? *profile : UpstreamProfile()), m_host(host), m_port(port), m_mode(mode),
      m_responseParser(HttpParser::Type::Response, this,
                       HttpParser::Limits{64 * 1024, 64 * 1024, 100})
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &OutboundConnector::onTimeout);
}

OutboundConnector::~OutboundConnector()
{
    delete m_stream;
}

QString OutboundConnector::exitLabel() const
{
    return QStringLiteral("exit \"%1\" (%2:%3)")
        .arg(m_profile.name, m_profile.host)
        .arg(m_profile.port);
}

QString OutboundConnector::destination() const
{
    return m_host.contains(u':') ? QStringLiteral("[%1]:%2").arg(m_host).arg(m_port)
                                 : QStringLiteral("%1:%2").arg(m_host).arg(m_port);
}

void OutboundConnector::start()
{
    m_clock.start();
    const int timeoutMs = m_context->settings.limits.connectTimeoutMs;
    // The whole handshake shares the connect timeout; the dialer times its own part.
    m_timer.start(timeoutMs);
    m_dialer =
        m_direct ? new Dialer(m_context->resolver, m_host, m_port, timeoutMs, this)
                 : new Dialer(m_context->resolver, m_profile.host, m_profile.port, timeoutMs, this);
    connect(m_dialer, &Dialer::succeeded, this,
            [this](Stream* stream, qint64 elapsedUs) { onDialed(stream, elapsedUs); });
    connect(m_dialer, &Dialer::failed, this, &OutboundConnector::onDialFailed);
    if (m_direct)
        m_dialer->setRefuseLocalAddresses(m_refuseLocal);
    // Also for exits: an exit that is this engine itself would loop.
    m_dialer->setRefuseOwnSocket(m_context);
    m_dialer->start();
}

void OutboundConnector::onDialFailed(const OutboundFailure& failure)
{
    if (m_finished || !m_dialer)
        return; // our own timeout already answered
    m_dialer->deleteLater();
    m_dialer = nullptr;
    if (m_direct) {
        fail(failure.kind, failure.message);
        return;
    }
    // The exit itself is down: say so, never try the destination directly.
    fail(failure.kind, QStringLiteral("%1 is not reachable: %2").arg(exitLabel(), failure.message));
}

void OutboundConnector::onDialed(Stream* stream, qint64 elapsedUs)
{
    Q_UNUSED(elapsedUs);
    m_dialer->deleteLater();
    m_dialer = nullptr;
    if (m_finished) {
        delete stream;
        return;
    }
    if (!m_direct && m_profile.type == UpstreamProfile::Type::Https) {
        auto* tcp = static_cast<TcpStream*>(stream);
        const int descriptor = tcp->releaseDescriptor();
        delete tcp;
        m_stream = new TlsStream(descriptor, m_profile.host, m_profile.allowSelfSigned,
                                 m_context->settings.limits.bufferBytes);
        m_step = Step::Tls;
        connect(m_stream, &Stream::connected, this, &OutboundConnector::afterTransport);
        connect(m_stream, &Stream::failed, this, &OutboundConnector::onStreamFailed);
        return;
    }
    m_stream = stream;
    connect(m_stream, &Stream::failed, this, &OutboundConnector::onStreamFailed);
    afterTransport();
}

void OutboundConnector::afterTransport()
{
    if (m_finished)
        return;
    if (m_direct || m_mode == Mode::ProxyConnection) {
        succeed({});
        return;
    }
    connect(m_stream, &Stream::readyRead, this, &OutboundConnector::onReadyRead);
    m_stream->setReadEnabled(true);
    switch (m_profile.type) {
    case UpstreamProfile::Type::Http:
    case UpstreamProfile::Type::Https: {
        const QByteArray authority = destination().toUtf8();
        QByteArray request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
        if (!m_profile.username.isEmpty() || !m_profile.password.isEmpty())
            request += "Proxy-Authorization: " + basicCredentials(m_profile) + "\r\n";
        request += "\r\n";
        m_step = Step::HttpConnect;
        m_stream->write(request);
        return;
    }
    case UpstreamProfile::Type::Socks5: {
        const bool withCredentials = !m_profile.username.isEmpty() || !m_profile.password.isEmpty();
        m_step = Step::Socks5Method;
        m_stream->write(withCredentials ? QByteArrayView("\x05\x02\x00\x02", 4)
                                        : QByteArrayView("\x05\x01\x00", 3));
        return;
    }
    case UpstreamProfile::Type::Socks4a: {
        QByteArray request("\x04\x01", 2);
        request += portBytes(m_port);
        QHostAddress literal;
        const bool isIpv4 =
            literal.setAddress(m_host) && literal.protocol() == QAbstractSocket::IPv4Protocol;
        if (literal.protocol() == QAbstractSocket::IPv6Protocol) {
            fail(OutboundFailure::Kind::Unreachable,
                 QStringLiteral("%1 is SOCKS4a, which cannot reach the IPv6 address %2")
                     .arg(exitLabel(), m_host));
            return;
        }
        if (isIpv4) {
            const quint32 v4 = literal.toIPv4Address();
            request += char(v4 >> 24);
            request += char(v4 >> 16);
            request += char(v4 >> 8);
            request += char(v4);
        } else {
            request += QByteArray("\x00\x00\x00\x01", 4); // SOCKS4a: the name follows
        }
        request += m_profile.username.toUtf8();
        request += '\0';
        if (!isIpv4) {
            request += m_host.toUtf8();
            request += '\0';
        }
        m_step = Step::Socks4Reply;
        m_stream->write(request);
        return;
    }
    }
}

void OutboundConnector::onReadyRead()
{
    if (m_finished || !m_stream)
        return;
    char chunk[4096];
    bool ended = false;
    for (;;) {
        const qint64 n = m_stream->read(chunk, sizeof chunk);
        if (n > 0) {
            m_buffer.append(chunk, n);
            if (m_buffer.size() > 64 * 1024) {
                fail(OutboundFailure::Kind::ExitProtocol,
                     QStringLiteral("%1 sent an oversized handshake").arg(exitLabel()));
                return;
            }
            continue;
        }
        if (n < 0)
            ended = true; // the end, or a reset (then failed() follows)

        break;
    }
    // An exit that refuses often replies and closes at once: read the reply first.
    switch (m_step) {
    case Step::HttpConnect:
        handleHttpConnect();
        break;
    case Step::Socks5Method:
    case Step::Socks5Auth:
    case Step::Socks5Reply:
        handleSocks5();
        break;
    case Step::Socks4Reply:
        handleSocks4();
        break;
    default:
        break;
    }
    if (ended && !m_finished && m_stream->errorCode() == 0)
        fail(OutboundFailure::Kind::ExitProtocol,
             QStringLiteral("%1 closed the connection during the handshake").arg(exitLabel()));
}

HttpMessageHandler::HeadAction OutboundConnector::onHead(HttpHead& head)
{
    m_connectStatus = head.status;
    if (head.status >= 200 && head.status < 300)
        return HeadAction::Tunnel;
    return HeadAction::Pause; // the status says enough; the body is not needed
}

void OutboundConnector::handleHttpConnect()
{
    qsizetype consumed = 0;
    const HttpParser::Status status =
        m_responseParser.feed(m_buffer.constData(), m_buffer.size(), &consumed);
    if (status == HttpParser::Status::NeedMore) {
        m_buffer = m_buffer.sliced(consumed);
        return;
    }
    if (status == HttpParser::Status::Error) {
        fail(OutboundFailure::Kind::ExitProtocol,
             QStringLiteral("%1 answered CONNECT with an invalid response: %2")
                 .arg(exitLabel(), m_responseParser.error()));
        return;
    }
    if (status == HttpParser::Status::MessageComplete && m_connectStatus >= 100 &&
        m_connectStatus < 200) {
        m_buffer = m_buffer.sliced(consumed); // an interim response; the real one follows
        m_responseParser.resume();
        handleHttpConnect();
        return;
    }
    if (m_connectStatus >= 200 && m_connectStatus < 300) {
        succeed(m_buffer.sliced(consumed));
        return;
    }
    const QString statusText =
        QStringLiteral("%1 %2")
            .arg(m_connectStatus)
            .arg(QString::fromLatin1(LocalResponses::reasonPhrase(m_connectStatus)));
    if (m_connectStatus == 407) {
        fail(OutboundFailure::Kind::ExitAuthRejected,
             m_profile.username.isEmpty()
                 ? QStringLiteral("%1 requires authentication (%2)").arg(exitLabel(), statusText)
                 : QStringLiteral("%1 rejected the credentials: authentication failed (%2)")
                       .arg(exitLabel(), statusText),
             0, 407);
        return;
    }
    fail(OutboundFailure::Kind::ExitRejected,
         QStringLiteral("%1 could not connect to %2 (%3)")
             .arg(exitLabel(), destination(), statusText),
         0, m_connectStatus);
}

void OutboundConnector::handleSocks5()
{
    const auto byte = [this](qsizetype i) {
        return quint8(m_buffer.at(i));
    };
    if (m_step == Step::Socks5Method) {
        if (m_buffer.size() < 2)
            return;
        if (byte(0) != 0x05) {
            fail(OutboundFailure::Kind::ExitProtocol,
                 QStringLiteral("%1 does not speak SOCKS5").arg(exitLabel()));
            return;
        }
        const quint8 method = byte(1);
        m_buffer.remove(0, 2);
        const bool withCredentials = !m_profile.username.isEmpty() || !m_profile.password.isEmpty();
        if (method == 0x00) {
            sendSocks5Request();
            return;
        }
        if (method == 0x02 && withCredentials) {
            const QByteArray user = m_profile.username.toUtf8();
            const QByteArray pass = m_profile.password.toUtf8();
            QByteArray auth(1, '\x01');
            auth += char(user.size());
            auth += user;
            auth += char(pass.size());
            auth += pass;
            m_step = Step::Socks5Auth;
            m_stream->write(auth);
            return;
        }
        if (method == 0xff) {
            fail(OutboundFailure::Kind::ExitAuthRejected,
                 withCredentials
                     ? QStringLiteral("%1 accepts none of the offered authentication methods")
                           .arg(exitLabel())
                     : QStringLiteral("%1 requires a username and password").arg(exitLabel()));
            return;
        }
        fail(OutboundFailure::Kind::ExitProtocol,
             QStringLiteral("%1 chose an authentication method that was not offered (0x%2)")
                 .arg(exitLabel())
                 .arg(method, 2, 16, QLatin1Char('0')));
        return;
    }
    if (m_step == Step::Socks5Auth) {
        if (m_buffer.size() < 2)
            return;
        const quint8 version = byte(0);
        const quint8 status = byte(1);
        m_buffer.remove(0, 2);
        if (version != 0x01) {
            fail(OutboundFailure::Kind::ExitProtocol,
                 QStringLiteral("%1 sent an invalid authentication reply").arg(exitLabel()));
            return;
        }
        if (status != 0x00) {
            fail(OutboundFailure::Kind::ExitAuthRejected,
                 QStringLiteral("%1 rejected the username or password: authentication failed")
                     .arg(exitLabel()));
            return;
        }
        sendSocks5Request();
        return;
    }
    // Step::Socks5Reply: VER REP RSV ATYP BND.ADDR BND.PORT
    if (m_buffer.size() < 5)
        return;
    if (byte(0) != 0x05 || byte(2) != 0x00) {
        fail(OutboundFailure::Kind::ExitProtocol,
             QStringLiteral("%1 sent an invalid SOCKS5 reply").arg(exitLabel()));
        return;
    }
    const quint8 reply = byte(1);
    if (reply != 0x00) {
        fail(OutboundFailure::Kind::ExitRejected,
             QStringLiteral("%1 could not connect to %2: %3")
                 .arg(exitLabel(), destination(), socks5ReplyText(reply)),
             reply);
        return;
    }
    qsizetype length = 0;
    switch (byte(3)) {
    case 0x01:
        length = 4 + 4 + 2;
        break;
    case 0x04:
        length = 4 + 16 + 2;
        break;
    case 0x03:
        length = 4 + 1 + byte(4) + 2;
        break;
    default:
        fail(OutboundFailure::Kind::ExitProtocol,
             QStringLiteral("%1 sent an unknown address type in its reply").arg(exitLabel()));
        return;
    }
    if (m_buffer.size() < length)
        return;
    succeed(m_buffer.sliced(length));
}

void OutboundConnector::sendSocks5Request()
{
    QHostAddress literal;
    if (literal.setAddress(m_host)) {
        if (literal.protocol() == QAbstractSocket::IPv6Protocol) {
            const Q_IPV6ADDR raw = literal.toIPv6Address();
            sendSocks5RequestTo(QByteArray(reinterpret_cast<const char*>(raw.c), 16), 0x04);
        } else {
            const quint32 v4 = literal.toIPv4Address();
            QByteArray bytes;
            bytes += char(v4 >> 24);
            bytes += char(v4 >> 16);
            bytes += char(v4 >> 8);
            bytes += char(v4);
            sendSocks5RequestTo(bytes, 0x01);
        }
        return;
    }
    if (m_profile.resolveAtExit) {
        const QByteArray name = m_host.toUtf8();
        if (name.size() > 255) {
            fail(OutboundFailure::Kind::HostNotFound,
                 QStringLiteral("host name too long for SOCKS5"));
            return;
        }
        sendSocks5RequestTo(char(name.size()) + name, 0x03);
        return;
    }
    // socks5:// (not socks5h): the user asked for local resolution.
    m_context->resolver->lookup(m_host, this,
                                [this](const QList<QHostAddress>& addresses, const QString& error) {
                                    if (m_finished)
                                        return;
                                    if (addresses.isEmpty()) {
                                        fail(OutboundFailure::Kind::HostNotFound, error);
                                        return;
                                    }
                                    m_host = addresses.first().toString();
                                    sendSocks5Request();
                                });
}

void OutboundConnector::sendSocks5RequestTo(const QByteArray& addressBytes, quint8 addressType)
{
    QByteArray request("\x05\x01\x00", 3);
    request += char(addressType);
    request += addressBytes;
    request += portBytes(m_port);
    m_step = Step::Socks5Reply;
    m_stream->write(request);
}

void OutboundConnector::handleSocks4()
{
    if (m_buffer.size() < 8)
        return;
    const quint8 version = quint8(m_buffer.at(0));
    const quint8 status = quint8(m_buffer.at(1));
    if (version != 0x00) {
        fail(OutboundFailure::Kind::ExitProtocol,
             QStringLiteral("%1 sent an invalid SOCKS4 reply").arg(exitLabel()));
        return;
    }
    if (status != 0x5a) {
        fail(OutboundFailure::Kind::ExitRejected,
             QStringLiteral("%1 refused the connection to %2 (SOCKS4 status 0x%3)")
                 .arg(exitLabel(), destination())
                 .arg(status, 2, 16, QLatin1Char('0')),
             0x05);
        return;
    }
    succeed(m_buffer.sliced(8));
}

void OutboundConnector::onStreamFailed()
{
    if (m_finished || !m_stream)
        return;
    const bool tls = m_step == Step::Tls;
    fail(tls ? OutboundFailure::Kind::Tls : OutboundFailure::Kind::ExitProtocol,
         QStringLiteral("%1: %2").arg(exitLabel(), m_stream->errorString()));
}

void OutboundConnector::onTimeout()
{
    if (m_finished)
        return;
    const double seconds = double(m_context->settings.limits.connectTimeoutMs) / 1000.0;
    fail(OutboundFailure::Kind::TimedOut,
         m_direct ? QStringLiteral("timed out connecting to %1 after %2 s")
                        .arg(destination())
                        .arg(seconds)
                  : QStringLiteral("%1 timed out after %2 s").arg(exitLabel()).arg(seconds));
}

void OutboundConnector::succeed(const QByteArray& initialData)
{
    m_finished = true;
    m_step = Step::Done;
    m_timer.stop();
    Stream* stream = m_stream;
    m_stream = nullptr;
    disconnect(stream, nullptr, this, nullptr);
    stream->setParent(nullptr);
    Q_EMIT succeeded(stream, initialData, m_clock.nsecsElapsed() / 1000);
}

void OutboundConnector::fail(OutboundFailure::Kind kind, const QString& message, quint8 exitReply,
                             int exitStatus)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    if (m_dialer) {
        // Its own timer may still fire before it is deleted: stop listening.
        disconnect(m_dialer, nullptr, this, nullptr);
        m_dialer->deleteLater();
        m_dialer = nullptr;
    }
    if (m_stream) {
        disconnect(m_stream, nullptr, this, nullptr);
        m_stream->close();
        m_stream->deleteLater();
        m_stream = nullptr;
    }
    OutboundFailure failure;
    failure.kind = kind;
    failure.message = message;
    failure.exitReply = exitReply;
    failure.exitHttpStatus = exitStatus;
    failure.viaExit = !m_direct;
    Q_EMIT failed(failure);
}

} // namespace Switchyard
