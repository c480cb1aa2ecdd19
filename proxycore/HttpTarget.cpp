#include "HttpTarget.h"

#include <QHostAddress>

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
    out->scheme = target.first(schemeEnd).toByteArray().toLower();
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
    QString hostPart = hostIsIpv6 ? u'[' + host + u']' : host;
    if (port != 80)
        hostPart += u':' + QString::number(port);
    return QStringLiteral("http://") + hostPart + QString::fromLatin1(pathAndQuery);
}

} // namespace Switchyard
