#include "RouteQuery.h"

#include <QHostAddress>

namespace Switchyard {

namespace {

// Splits "[v6]:port", "host:port", "[v6]", "v6" or "host". Returns false on a
// malformed port or brackets. *port stays untouched when there is none.
bool splitAuthority(QStringView authority, QString* host, int* port, QString* error)
{
    QStringView portPart;
    if (authority.startsWith(u'[')) {
        const qsizetype close = authority.indexOf(u']');
        if (close < 0) {
            *error = QStringLiteral("unterminated IPv6 address in \"%1\"").arg(authority);
            return false;
        }
        *host = authority.sliced(1, close - 1).toString();
        const QStringView rest = authority.sliced(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(u':')) {
                *error = QStringLiteral("unexpected text after the IPv6 address in \"%1\"")
                             .arg(authority);
                return false;
            }
            portPart = rest.sliced(1);
            if (portPart.isEmpty()) {
                *error = QStringLiteral("empty port in \"%1\"").arg(authority);
                return false;
            }
        }
    } else if (authority.count(u':') > 1) {
        // A bare IPv6 address: every colon belongs to it.
        *host = authority.toString();
    } else if (const qsizetype colon = authority.indexOf(u':'); colon >= 0) {
        *host = authority.first(colon).toString();
        portPart = authority.sliced(colon + 1);
        if (portPart.isEmpty()) {
            *error = QStringLiteral("empty port in \"%1\"").arg(authority);
            return false;
        }
    } else {
        *host = authority.toString();
    }
    if (host->isEmpty()) {
        *error = QStringLiteral("no host in \"%1\"").arg(authority);
        return false;
    }
    if (!portPart.isEmpty()) {
        bool ok = false;
        const int value = portPart.toInt(&ok);
        if (!ok || value < 1 || value > 65535 || !portPart.front().isDigit()) {
            *error = QStringLiteral("\"%1\" is not a port (1-65535)").arg(portPart);
            return false;
        }
        *port = value;
    }
    return true;
}

QString bracketed(const QString& host)
{
    return host.contains(u':') ? u'[' + host + u']' : host;
}

} // namespace

RouteQuery RouteQuery::fromText(const QString& text, QString* error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("nothing to explain: give a URL or host:port");
        return {};
    }
    RouteQuery query;
    const qsizetype schemeEnd = trimmed.indexOf(u"://");
    if (schemeEnd < 0) {
        int port = 0;
        if (!splitAuthority(trimmed, &query.host, &port, error))
            return {};
        if (port != 0) {
            query.port = quint16(port);
            return query; // host:port: a tunnel, as CONNECT or SOCKS would ask
        }
        query.port = 80;
        query.url = QStringLiteral("http://") + bracketed(query.host.toLower()) + u'/';
        return query;
    }

    const QString scheme = trimmed.first(schemeEnd).toLower();
    QStringView rest = QStringView(trimmed).sliced(schemeEnd + 3);
    qsizetype authorityEnd = rest.size();
    for (const char16_t stop : {u'/', u'?', u'#'}) {
        const qsizetype at = rest.indexOf(QChar(stop));
        if (at >= 0 && at < authorityEnd)
            authorityEnd = at;
    }
    QStringView authority = rest.first(authorityEnd);
    if (const qsizetype at = authority.lastIndexOf(u'@'); at >= 0)
        authority = authority.sliced(at + 1); // user:password@ never reaches the rules
    QStringView pathAndQuery = rest.sliced(authorityEnd);
    if (const qsizetype hash = pathAndQuery.indexOf(u'#'); hash >= 0)
        pathAndQuery = pathAndQuery.first(hash);

    int defaultPort = 0;
    bool tunnel = true;
    if (scheme == u"http") {
        defaultPort = 80;
        tunnel = false;
    } else if (scheme == u"https" || scheme == u"wss") {
        defaultPort = 443;
    } else if (scheme == u"ws") {
        defaultPort = 80;
    } else {
        *error =
            QStringLiteral("unsupported scheme \"%1\": use http, https, ws or wss").arg(scheme);
        return {};
    }
    int port = defaultPort;
    if (!splitAuthority(authority, &query.host, &port, error))
        return {};
    query.port = quint16(port);
    if (tunnel)
        return query;
    QString hostPart = bracketed(query.host.toLower());
    if (port != 80)
        hostPart += u':' + QString::number(port);
    query.url = QStringLiteral("http://") + hostPart +
                (pathAndQuery.isEmpty()          ? QStringLiteral("/")
                 : pathAndQuery.startsWith(u'/') ? pathAndQuery.toString()
                                                 : u'/' + pathAndQuery.toString());
    return query;
}

QString RouteQuery::subject() const
{
    if (!url.isEmpty())
        return url;
    return bracketed(host) + u':' + QString::number(port);
}

} // namespace Switchyard
