#include "OutboundFailure.h"

namespace Switchyard {

int OutboundFailure::httpStatus() const
{
    switch (kind) {
    case Kind::TimedOut:
        if (viaExit)
            return 502; // the exit failed, not the destination
        return 504;
    case Kind::Blocked:
        return 403;
    default:
        return 502;
    }
}

QByteArrayView OutboundFailure::proxyStatusError() const
{
    switch (kind) {
    case Kind::HostNotFound:
        return "dns_error";
    case Kind::Refused:
        return "connection_refused";
    case Kind::TimedOut:
        return "connection_timeout";
    case Kind::Unreachable:
        return "destination_unavailable";
    case Kind::ExitAuthRejected:
        return "proxy_configuration_error";
    case Kind::ExitRejected:
        return "destination_unavailable";
    case Kind::ExitProtocol:
        return "http_protocol_error";
    case Kind::Tls:
        return "tls_protocol_error";
    case Kind::Blocked:
        return "http_request_denied";
    case Kind::Other:
        return "proxy_internal_error";
    }
    return "proxy_internal_error";
}

quint8 OutboundFailure::socks5Reply() const
{
    switch (kind) {
    case Kind::HostNotFound:
        return 0x04;
    case Kind::Refused:
        return 0x05;
    case Kind::TimedOut:
        return 0x06;
    case Kind::Unreachable:
        return 0x03;
    case Kind::Blocked:
        return 0x02;
    case Kind::ExitRejected:
        if (exitReply >= 0x01 && exitReply <= 0x08)
            return exitReply;
        if (exitHttpStatus == 403)
            return 0x02;
        if (exitHttpStatus == 504)
            return 0x06;
        return 0x04;
    default:
        return 0x01;
    }
}

QString socks5ReplyText(quint8 reply)
{
    switch (reply) {
    case 0x00:
        return QStringLiteral("succeeded");
    case 0x01:
        return QStringLiteral("general SOCKS server failure");
    case 0x02:
        return QStringLiteral("connection not allowed by ruleset");
    case 0x03:
        return QStringLiteral("network unreachable");
    case 0x04:
        return QStringLiteral("host unreachable");
    case 0x05:
        return QStringLiteral("connection refused");
    case 0x06:
        return QStringLiteral("TTL expired (timed out)");
    case 0x07:
        return QStringLiteral("command not supported");
    case 0x08:
        return QStringLiteral("address type not supported");
    default:
        return QStringLiteral("unknown reply 0x%1").arg(reply, 2, 16, QLatin1Char('0'));
    }
}

} // namespace Switchyard
