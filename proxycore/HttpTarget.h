#pragma once

#include <QByteArray>
#include <QString>

namespace Switchyard {

/// Where a proxied request goes, parsed from its request-target.
struct HttpTarget
{
    enum class Form { Origin, Absolute, Authority, Asterisk };

    Form form = Form::Origin;
    QByteArray scheme; ///< "http" (lower case) for absolute-form
    QString host;      ///< lower case; IPv6 without brackets
    quint16 port = 0;
    QByteArray pathAndQuery; ///< "/" at least, for absolute- and origin-form
    bool hostIsIpv6 = false;

    /// host:port with brackets around IPv6, as used on a request line or in Host.
    QByteArray authority() const;
    /// http://authority/path, without userinfo: what logs and the UI show.
    QString displayUrl() const;
};

/// Parses a request-target. CONNECT takes authority-form only; other methods take
/// absolute-form (http only) or origin-form (addressed to the proxy itself).
/// Returns an empty string on success, or a readable reason.
QString parseRequestTarget(QByteArrayView method, QByteArrayView target, HttpTarget* out);

/// Parses "host:port" / "[v6]:port" (port required, 1..65535). Empty string on success.
QString parseAuthority(QByteArrayView authority, int defaultPort, QString* host, quint16* port,
                       bool* isIpv6 = nullptr);

} // namespace Switchyard
