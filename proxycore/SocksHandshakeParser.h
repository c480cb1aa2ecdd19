#pragma once

#include <QByteArray>
#include <QString>

namespace Switchyard {

/// The client's side of a SOCKS handshake as parsed by SocksHandshakeParser.
struct SocksRequest
{
    bool socks4 = false;
    bool socks4a = false;   ///< SOCKS4a: the host is a name sent after the user id
    quint8 command = 0;     ///< 1 CONNECT, 2 BIND, 3 UDP ASSOCIATE (SOCKS5)
    quint8 addressType = 0; ///< SOCKS5 ATYP: 1 IPv4, 3 domain name, 4 IPv6
    QString host;           ///< address as text, or the name in lower case
    quint16 port = 0;
    QByteArray userId; ///< SOCKS4 only
};

/// A pure, incremental parser for the server side of a SOCKS handshake: SOCKS5
/// (RFC 1928) greeting, RFC 1929 username/password and request, or a SOCKS4/4a
/// request. No sockets and no policy: the caller appends bytes as they arrive,
/// calls next() until it says NeedMore, and decides what to answer. Every error
/// carries the reply code the client gets before the close.
class SocksHandshakeParser
{
public:
    enum class Result {
        NeedMore,    ///< every buffered byte is used; append more
        Greeting,    ///< SOCKS5 methods offered: see methods(), then call chooseMethod()
        Credentials, ///< RFC 1929: see username(), password()
        Request,     ///< the CONNECT (or other) request: see request(); the handshake is over
        Error,       ///< see error(), errorReply(); the handshake is over
    };
    enum class Stage { Greeting, MethodChoice, Authentication, Request, Done, Failed };

    /// RFC 1929 replies: VER=1 STATUS.
    static constexpr quint8 kAuthSuccess = 0x00;
    static constexpr quint8 kAuthFailure = 0x01;
    static constexpr quint8 kSocks4Granted = 0x5a;
    static constexpr quint8 kSocks4Rejected = 0x5b;
    /// The longest legitimate handshake (SOCKS4a with a long user id and name, or
    /// RFC 1929 with 255-byte fields) fits easily.
    static constexpr qsizetype kDefaultMaxBytes = 1024;

    explicit SocksHandshakeParser(qsizetype maxBytes = kDefaultMaxBytes);

    /// Adds received bytes. After Request or Error they are kept for takeRemaining().
    void append(const char* data, qsizetype size);
    void append(QByteArrayView data) { append(data.data(), data.size()); }
    /// Parses the next handshake message from what has been appended.
    Result next();
    /// After Greeting: 0x00 (no authentication) goes on to the request, 0x02 to
    /// RFC 1929. Any other value ends the handshake (the caller refuses with 0xFF).
    void chooseMethod(quint8 method);

    Stage stage() const { return m_stage; }
    bool isSocks4() const { return m_socks4; }
    /// Whether the first byte has told SOCKS4 from SOCKS5 yet.
    bool versionKnown() const { return m_versionKnown; }
    QByteArray methods() const { return m_methods; }
    QByteArray username() const { return m_username; }
    QByteArray password() const { return m_password; }
    const SocksRequest& request() const { return m_request; }

    QString error() const { return m_error; }
    /// The code for the failure reply: a SOCKS5 REP, a SOCKS4 CD, or an RFC 1929
    /// STATUS when the error happened in the Authentication stage; -1 when the
    /// bytes are not SOCKS at all and there is nothing sensible to answer.
    int errorReply() const { return m_errorReply; }
    /// The stage the error happened in (Stage::Failed only says that it did).
    Stage errorStage() const { return m_errorStage; }
    /// Bytes appended and not parsed yet.
    qsizetype bufferedSize() const { return m_buffer.size(); }
    /// Bytes after the request (early tunnel data), or unparsed bytes after an error.
    QByteArray takeRemaining();

private:
    Result parseGreeting();
    Result parseAuthentication();
    Result parseRequest5();
    Result parseRequest4();
    Result fail(int reply, const QString& reason);
    quint8 byte(qsizetype i) const { return quint8(m_buffer.at(i)); }
    quint16 port(qsizetype at) const;
    QString ipv4(qsizetype at) const;

    QByteArray m_buffer;
    qsizetype m_maxBytes;
    Stage m_stage = Stage::Greeting;
    Stage m_errorStage = Stage::Greeting;
    bool m_socks4 = false;
    bool m_versionKnown = false;
    QByteArray m_methods;
    QByteArray m_username;
    QByteArray m_password;
    SocksRequest m_request;
    QString m_error;
    int m_errorReply = -1;
};

} // namespace Switchyard
