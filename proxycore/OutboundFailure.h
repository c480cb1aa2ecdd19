#pragma once

#include <QByteArrayView>
#include <QString>

namespace Switchyard {

/// Why an outbound connection (direct or through an exit) could not be opened,
/// with the answers each client protocol gets for it.
struct OutboundFailure
{
    enum class Kind {
        HostNotFound,     ///< the destination's name did not resolve (here or at the exit)
        Refused,          ///< connection refused (by the destination or the exit)
        TimedOut,         ///< no answer within the connect timeout
        Unreachable,      ///< no route to the host or network
        ExitAuthRejected, ///< the exit refused our credentials
        ExitRejected,     ///< the exit could not or would not reach the destination
        ExitProtocol,     ///< the exit answered something we cannot understand
        Tls,              ///< TLS to an HTTPS exit failed
        Blocked,          ///< a rule blocks it, or its exit no longer exists
        Other,
    };

    Kind kind = Kind::Other;
    QString message;        ///< readable, names the exit when there is one
    quint8 exitReply = 0;   ///< the SOCKS reply an exit gave, if any
    int exitHttpStatus = 0; ///< the HTTP status an exit gave, if any
    bool viaExit = false;   ///< the failure is the exit's (then a timeout is a 502, not a 504)

    /// 502, 504 or 403.
    int httpStatus() const;
    /// The RFC 9209 Proxy-Status error type.
    QByteArrayView proxyStatusError() const;
    /// The SOCKS5 reply code (RFC 1928 §6).
    quint8 socks5Reply() const;
};

/// The RFC 1928 text of a SOCKS5 reply code.
QString socks5ReplyText(quint8 reply);

} // namespace Switchyard
