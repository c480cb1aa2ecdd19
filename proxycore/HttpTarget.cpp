#include "HttpTarget.h"

#include <QHostAddress>
#include <charconv>
#include <cstring>

namespace Switchyard {

namespace {

bool isHostChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

} // namespace

QString parseAuthority(QByteArrayView authority, int defaultPort, QString* host, quint16* port,
                       bool* isIpv6)
{
    if (authority.isEmpty())
        return QStringLiteral("empty host");
    QByteArrayView hostPart;
    QByteArrayView portPart;
    bool ipv6 = false;
    if (authority.front() == '[') {
        const qsizetype close = authority.indexOf(']');
        if (close < 0)
            return QStringLiteral("unterminated IPv6 address");
        hostPart = authority.sliced(1, close - 1);
        const QByteArrayView rest = authority.sliced(close + 1);
        if (!rest.isEmpty()) {
            if (rest.front() != ':')
                return QStringLiteral("unexpected characters after IPv6 address");
            portPart = rest.sliced(1);
            if (portPart.isEmpty())
                return QStringLiteral("empty port");
        }
        QHostAddress address;
        if (!address.setAddress(QString::fromLatin1(hostPart)) ||
            address.protocol() != QAbstractSocket::IPv6Protocol)
            return QStringLiteral("invalid IPv6 address");
        ipv6 = true;
    } else {
        const qsizetype colon = authority.lastIndexOf(':');
        if (colon >= 0) {
            hostPart = authority.first(colon);
            portPart = authority.sliced(colon + 1);
            if (portPart.isEmpty())
                return QStringLiteral("empty port");
        } else {
            hostPart = authority;
        }
        if (hostPart.isEmpty())
            return QStringLiteral("empty host");
        for (char c : hostPart) {
            if (!isHostChar(c))
                return QStringLiteral("invalid character in host name");
        }
    }
    int portNumber = defaultPort;
    if (!portPart.isEmpty()) {
        if (portPart.size() > 5)
            return QStringLiteral("invalid port");
        portNumber = 0;
        for (char c : portPart) {
            if (c < '0' || c > '9')
                return QStringLiteral("invalid port");
            portNumber = portNumber * 10 + (c - '0');
        }
    }
    if (portNumber < 1 || portNumber > 65535)
        return portPart.isEmpty() ? QStringLiteral("missing port") : QStringLiteral("invalid port");
    *host = QString::fromLatin1(hostPart).toLower();
    *port = quint16(portNumber);
    if (isIpv6)
        *isIpv6 = ipv6;
    return {};
}

QString parseRequestTarget(QByteArrayView method, QByteArrayView target, HttpTarget* out)
{
    if (method == "CONNECT") {
        out->form = HttpTarget::Form::Authority;
        return parseAuthority(target, -1, &out->host, &out->port, &out->hostIsIpv6);
    }
    if (target == "*") {
        out->form = HttpTarget::Form::Asterisk;
        return {};
    }
    if (target.startsWith('/')) {
        out->form = HttpTarget::Form::Origin;
        out->pathAndQuery = target.toByteArray();
        return {};
    }
    const qsizetype schemeEnd = target.indexOf("://");
    if (schemeEnd <= 0)
        return QStringLiteral("request target is neither a URL nor a path");
    out->form = HttpTarget::Form::Absolute;
    const QByteArrayView scheme = target.first(schemeEnd);
    // "http", the only scheme taken, as a literal: no allocation per request.
    out->scheme = scheme.size() == 4 && scheme.compare("http", Qt::CaseInsensitive) == 0
                      ? QByteArrayLiteral("http")
                      : scheme.toByteArray().toLower();
    if (out->scheme != "http") {
        return out->scheme == "https"
                   ? QStringLiteral("https:// URLs must be requested through CONNECT")
                   : QStringLiteral("unsupported URL scheme \"%1\"")
                         .arg(QString::fromLatin1(out->scheme));
    }
    QByteArrayView rest = target.sliced(schemeEnd + 3);
    qsizetype authorityEnd = rest.size();
    for (qsizetype i = 0; i < rest.size(); ++i) {
        if (rest[i] == '/' || rest[i] == '?' || rest[i] == '#') {
            authorityEnd = i;
            break;
        }
    }
    QByteArrayView authority = rest.first(authorityEnd);
    const qsizetype at = authority.lastIndexOf('@');
    if (at >= 0)
        authority = authority.sliced(at + 1); // userinfo is never forwarded or logged
    if (const QString error =
            parseAuthority(authority, 80, &out->host, &out->port, &out->hostIsIpv6);
        !error.isEmpty())
        return error;
    QByteArrayView path = rest.sliced(authorityEnd);
    const qsizetype fragment = path.indexOf('#');
    if (fragment >= 0)
        path = path.first(fragment);
    if (path.isEmpty())
        out->pathAndQuery = "/";
    else if (path.front() == '?')
        out->pathAndQuery = "/" + path.toByteArray();
    else
        out->pathAndQuery = path.toByteArray();
    return {};
}

QByteArray HttpTarget::authority() const
{
    QByteArray out = hostIsIpv6 ? '[' + host.toLatin1() + ']' : host.toLatin1();
    out += ':';
    out += QByteArray::number(port);
    return out;
}

QString HttpTarget::displayUrl() const
{
    // Written into one string of the exact size: this runs for every request, and
    // concatenating the pieces allocated once per piece.
    constexpr QLatin1StringView scheme("http://");
    char portText[8];
    qsizetype portSize = 0;
    if (port != 80)
        portSize = std::to_chars(portText, portText + sizeof(portText), port).ptr - portText;
    const qsizetype size = scheme.size() + host.size() + (hostIsIpv6 ? 2 : 0) +
                           (portSize > 0 ? 1 + portSize : 0) + pathAndQuery.size();
    QString url(size, Qt::Uninitialized);
    char16_t* out = reinterpret_cast<char16_t*>(url.data());
    const auto putLatin1 = [&out](QByteArrayView text) {
        for (char c : text)
            *out++ = char16_t(static_cast<unsigned char>(c));
    };
    putLatin1(QByteArrayView(scheme.data(), scheme.size()));
    if (hostIsIpv6)
        *out++ = u'[';
    if (!host.isEmpty()) {
        std::memcpy(out, host.constData(), size_t(host.size()) * sizeof(char16_t));
        out += host.size();
    }
    if (hostIsIpv6)
        *out++ = u']';
    if (portSize > 0) {
        *out++ = u':';
        putLatin1(QByteArrayView(portText, portSize));
    }
    putLatin1(pathAndQuery);
    Q_ASSERT(out == reinterpret_cast<const char16_t*>(url.constData()) + url.size());
    return url;
}

} // namespace Switchyard
