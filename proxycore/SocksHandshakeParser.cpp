#include "SocksHandshakeParser.h"

#include <QHostAddress>
#include <cstring>

namespace Switchyard {

namespace {

constexpr quint8 kSocks5GeneralFailure = 0x01;
constexpr quint8 kSocks5AddressTypeNotSupported = 0x08;

} // namespace

SocksHandshakeParser::SocksHandshakeParser(qsizetype maxBytes) : m_maxBytes(maxBytes) {}

void SocksHandshakeParser::append(const char* data, qsizetype size)
{
    if (size > 0)
        m_buffer.append(data, size);
}

quint16 SocksHandshakeParser::port(qsizetype at) const
{
    return quint16((byte(at) << 8) | byte(at + 1));
}

QString SocksHandshakeParser::ipv4(qsizetype at) const
{
    const quint32 v4 = (quint32(byte(at)) << 24) | (quint32(byte(at + 1)) << 16) |
                       (quint32(byte(at + 2)) << 8) | quint32(byte(at + 3));
    return QHostAddress(v4).toString();
}

SocksHandshakeParser::Result SocksHandshakeParser::fail(int reply, const QString& reason)
{
    m_errorStage = m_stage;
    m_stage = Stage::Failed;
    m_errorReply = reply;
    m_error = reason;
    return Result::Error;
}

SocksHandshakeParser::Result SocksHandshakeParser::next()
{
    Result result = Result::NeedMore;
    switch (m_stage) {
    case Stage::Greeting:
        result = parseGreeting();
        break;
    case Stage::Authentication:
        result = parseAuthentication();
        break;
    case Stage::Request:
        result = m_socks4 ? parseRequest4() : parseRequest5();
        break;
    case Stage::MethodChoice:
    case Stage::Done:
    case Stage::Failed:
        return Result::NeedMore;
    }
    // Every complete message is far shorter than the cap: more buffered bytes
    // without one is a client streaming garbage (or a SOCKS4 id without its NUL).
    if (result == Result::NeedMore && m_buffer.size() > m_maxBytes) {
        const int reply = m_stage == Stage::Authentication ? kAuthFailure
                          : m_socks4                       ? kSocks4Rejected
                                                           : kSocks5GeneralFailure;
        return fail(reply, QStringLiteral("SOCKS handshake longer than %1 bytes").arg(m_maxBytes));
    }
    return result;
}

SocksHandshakeParser::Result SocksHandshakeParser::parseGreeting()
{
    // SOCKS5: VER NMETHODS METHODS; SOCKS4 has no greeting, the request comes first.
    if (m_buffer.isEmpty())
        return Result::NeedMore;
    const quint8 version = byte(0);
    if (version == 0x04) {
        m_socks4 = true;
        m_versionKnown = true;
        m_request.socks4 = true;
        m_stage = Stage::Request;
        return parseRequest4();
    }
    if (version != 0x05)
        return fail(-1, QStringLiteral("not a SOCKS handshake (version byte 0x%1)")
                            .arg(version, 2, 16, QLatin1Char('0')));
    m_versionKnown = true;
    if (m_buffer.size() < 2)
        return Result::NeedMore;
    const int count = byte(1);
    if (m_buffer.size() < 2 + count)
        return Result::NeedMore;
    m_methods = m_buffer.mid(2, count);
    m_buffer.remove(0, 2 + count);
    m_stage = Stage::MethodChoice;
    return Result::Greeting;
}

void SocksHandshakeParser::chooseMethod(quint8 method)
{
    if (m_stage != Stage::MethodChoice)
        return;
    if (method == 0x00)
        m_stage = Stage::Request;
    else if (method == 0x02)
        m_stage = Stage::Authentication;
    else
        m_stage = Stage::Done; // refused (0xFF): nothing more to parse
}

SocksHandshakeParser::Result SocksHandshakeParser::parseAuthentication()
{
    // RFC 1929: VER=1 ULEN UNAME(1-255) PLEN PASSWD(1-255). A wrong version or an
    // empty field is answered at once: waiting for the rest of a message whose
    // layout is unknown would only keep the connection open.
    if (m_buffer.isEmpty())
        return Result::NeedMore;
    if (byte(0) != 0x01)
        return fail(kAuthFailure,
                    QStringLiteral("username/password request with version 0x%1 (expected 0x01)")
                        .arg(byte(0), 2, 16, QLatin1Char('0')));
    if (m_buffer.size() < 2)
        return Result::NeedMore;
    const int userLength = byte(1);
    if (userLength == 0)
        return fail(kAuthFailure, QStringLiteral("empty username in username/password request"));
    if (m_buffer.size() < 2 + userLength + 1)
        return Result::NeedMore;
    const int passwordLength = byte(2 + userLength);
    if (passwordLength == 0)
        return fail(kAuthFailure, QStringLiteral("empty password in username/password request"));
    if (m_buffer.size() < 3 + userLength + passwordLength)
        return Result::NeedMore;
    m_username = m_buffer.mid(2, userLength);
    m_password = m_buffer.mid(3 + userLength, passwordLength);
    m_buffer.remove(0, 3 + userLength + passwordLength);
    m_stage = Stage::Request;
    return Result::Credentials;
}

SocksHandshakeParser::Result SocksHandshakeParser::parseRequest5()
{
    // VER CMD RSV ATYP DST.ADDR DST.PORT
    if (m_buffer.isEmpty())
        return Result::NeedMore;
    if (byte(0) != 0x05)
        return fail(kSocks5GeneralFailure, QStringLiteral("SOCKS5 request with version 0x%1")
                                               .arg(byte(0), 2, 16, QLatin1Char('0')));
    if (m_buffer.size() >= 3 && byte(2) != 0x00)
        return fail(kSocks5GeneralFailure, QStringLiteral("SOCKS5 request with RSV not zero"));
    if (m_buffer.size() < 4)
        return Result::NeedMore;
    const quint8 addressType = byte(3);
    qsizetype addressLength = 0;
    switch (addressType) {
    case 0x01:
        addressLength = 4;
        break;
    case 0x04:
        addressLength = 16;
        break;
    case 0x03:
        if (m_buffer.size() < 5)
            return Result::NeedMore;
        if (byte(4) == 0)
            return fail(kSocks5GeneralFailure, QStringLiteral("empty host name"));
        addressLength = 1 + byte(4);
        break;
    default:
        return fail(kSocks5AddressTypeNotSupported,
                    QStringLiteral("address type 0x%1 not supported")
                        .arg(addressType, 2, 16, QLatin1Char('0')));
    }
    if (m_buffer.size() < 4 + addressLength + 2)
        return Result::NeedMore;
    m_request.command = byte(1);
    m_request.addressType = addressType;
    if (addressType == 0x01) {
        m_request.host = ipv4(4);
    } else if (addressType == 0x04) {
        Q_IPV6ADDR raw;
        std::memcpy(raw.c, m_buffer.constData() + 4, 16);
        m_request.host = QHostAddress(raw).toString();
    } else {
        m_request.host = QString::fromUtf8(m_buffer.mid(5, addressLength - 1)).toLower();
    }
    m_request.port = port(4 + addressLength);
    m_buffer.remove(0, 4 + addressLength + 2);
    m_stage = Stage::Done;
    return Result::Request;
}

SocksHandshakeParser::Result SocksHandshakeParser::parseRequest4()
{
    // VN=4 CD DSTPORT DSTIP USERID NUL [HOST NUL] (SOCKS4a: DSTIP is 0.0.0.x, x != 0)
    if (m_buffer.size() < 9)
        return Result::NeedMore;
    // Both NULs must lie within the size cap, however the bytes arrive: the
    // verdict never depends on how the client cut its request into packets.
    const qsizetype userEnd = m_buffer.indexOf('\0', 8);
    if (userEnd >= m_maxBytes)
        return fail(kSocks4Rejected,
                    QStringLiteral("SOCKS4 user id longer than %1 bytes").arg(m_maxBytes));
    if (userEnd < 0)
        return Result::NeedMore;
    const bool socks4a = byte(4) == 0 && byte(5) == 0 && byte(6) == 0 && byte(7) != 0;
    qsizetype end = userEnd + 1;
    QString host;
    if (socks4a) {
        const qsizetype hostEnd = m_buffer.indexOf('\0', end);
        if (hostEnd >= m_maxBytes)
            return fail(kSocks4Rejected,
                        QStringLiteral("SOCKS4a request longer than %1 bytes").arg(m_maxBytes));
        if (hostEnd < 0)
            return Result::NeedMore;
        if (hostEnd == end)
            return fail(kSocks4Rejected, QStringLiteral("empty host name"));
        host = QString::fromUtf8(m_buffer.mid(end, hostEnd - end)).toLower();
        end = hostEnd + 1;
    } else {
        host = ipv4(4);
    }
    m_request.socks4 = true;
    m_request.socks4a = socks4a;
    m_request.command = byte(1);
    m_request.port = port(2);
    m_request.host = host;
    m_request.userId = m_buffer.mid(8, userEnd - 8);
    m_buffer.remove(0, end);
    m_stage = Stage::Done;
    return Result::Request;
}

QByteArray SocksHandshakeParser::takeRemaining()
{
    return std::exchange(m_buffer, QByteArray());
}

} // namespace Switchyard
