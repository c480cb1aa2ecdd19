#include "UpstreamProfile.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUuid>

namespace Switchyard {

QString UpstreamProfile::typeName(Type type)
{
    switch (type) {
    case Type::Http:
        return QStringLiteral("HTTP");
    case Type::Https:
        return QStringLiteral("HTTPS");
    case Type::Socks5:
        return QStringLiteral("SOCKS5");
    case Type::Socks4a:
        return QStringLiteral("SOCKS4a");
    }
    return {};
}

quint16 UpstreamProfile::defaultPort(Type type)
{
    switch (type) {
    case Type::Http:
        return 8080;
    case Type::Https:
        return 443;
    case Type::Socks5:
    case Type::Socks4a:
        return 1080;
    }
    return 0;
}

QString UpstreamProfile::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

namespace {

// Error messages repeat what the user typed, never its password.
QString redacted(const QString& uri)
{
    static const QRegularExpression credentials(
        QStringLiteral("^([A-Za-z0-9+.-]+://[^:/@]*):[^@/]*@"));
    QString out = uri;
    out.replace(credentials, QStringLiteral("\\1:***@"));
    return out;
}

} // namespace

UpstreamProfile UpstreamProfile::fromUri(const QString& uri, QString* error)
{
    UpstreamProfile profile;
    const QString trimmed = uri.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("empty proxy URI");
        return {};
    }
    const QString shown = redacted(trimmed);
    if (!trimmed.contains(u"://")) {
        *error =
            QStringLiteral(
                "\"%1\" has no scheme; write it as http://, https://, socks5://, socks5h:// or "
                "socks4a://HOST:PORT")
                .arg(shown);
        return {};
    }
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid()) {
        // QUrl's own message says what is wrong but quotes the input, password and all.
        QString reason = url.errorString();
        reason.replace(trimmed, shown);
        static const QRegularExpression password(
            QStringLiteral("^[A-Za-z0-9+.-]+://[^:/@]*:([^@/]*)@"));
        if (const QString secret = password.match(trimmed).captured(1); !secret.isEmpty())
            reason.replace(secret, QStringLiteral("***"));
        *error = QStringLiteral("\"%1\" is not a valid proxy URI: %2").arg(shown, reason);
        return {};
    }
    const QString scheme = url.scheme().toLower();
    if (scheme == u"http") {
        profile.type = Type::Http;
    } else if (scheme == u"https") {
        profile.type = Type::Https;
    } else if (scheme == u"socks5") {
        profile.type = Type::Socks5;
        profile.resolveAtExit = false;
    } else if (scheme == u"socks5h") {
        profile.type = Type::Socks5;
        profile.resolveAtExit = true;
    } else if (scheme == u"socks4a" || scheme == u"socks4") {
        profile.type = Type::Socks4a;
    } else {
        *error = scheme.isEmpty() ? QStringLiteral("\"%1\" has no scheme; use http://, https://, "
                                                   "socks5://, socks5h:// or socks4a://")
                                        .arg(shown)
                                  : QStringLiteral("unsupported proxy scheme \"%1\"; use http, "
                                                   "https, socks5, socks5h or socks4a")
                                        .arg(scheme);
        return {};
    }
    profile.host = url.host(QUrl::FullyDecoded);
    if (profile.host.isEmpty()) {
        *error = QStringLiteral("\"%1\" names no host").arg(shown);
        return {};
    }
    const QString path = url.path();
    if (!path.isEmpty() && path != u"/") {
        *error = QStringLiteral("a proxy URI has no path (\"%1\")").arg(path);
        return {};
    }
    if (url.hasQuery() || url.hasFragment()) {
        *error = QStringLiteral("a proxy URI has no query or fragment");
        return {};
    }
    const int port = url.port(defaultPort(profile.type));
    if (port <= 0 || port > 65535) {
        *error = QStringLiteral("invalid port in \"%1\"").arg(shown);
        return {};
    }
    profile.port = quint16(port);
    profile.username = url.userName(QUrl::FullyDecoded);
    profile.password = url.password(QUrl::FullyDecoded);
    profile.name =
        QStringLiteral("%1 %2:%3").arg(typeName(profile.type), profile.host).arg(profile.port);
    profile.id = newId();
    if (const QString problem = profile.validate(); !problem.isEmpty()) {
        *error = problem;
        return {};
    }
    error->clear();
    return profile;
}

QString UpstreamProfile::toUri(bool withPassword) const
{
    QUrl url;
    switch (type) {
    case Type::Http:
        url.setScheme(QStringLiteral("http"));
        break;
    case Type::Https:
        url.setScheme(QStringLiteral("https"));
        break;
    case Type::Socks5:
        url.setScheme(resolveAtExit ? QStringLiteral("socks5h") : QStringLiteral("socks5"));
        break;
    case Type::Socks4a:
        url.setScheme(QStringLiteral("socks4a"));
        break;
    }
    url.setHost(host);
    url.setPort(port);
    if (!username.isEmpty())
        url.setUserName(username);
    if (withPassword && !password.isEmpty())
        url.setPassword(password);
    return url.toString(QUrl::FullyEncoded);
}

QString UpstreamProfile::validate() const
{
    if (host.isEmpty())
        return QStringLiteral("the exit has no host");
    if (port == 0)
        return QStringLiteral("the exit has no port");
    if (type == Type::Socks5 && (username.toUtf8().size() > 255 || password.toUtf8().size() > 255))
        return QStringLiteral("SOCKS5 user names and passwords are limited to 255 bytes");
    if (type == Type::Socks4a && !password.isEmpty())
        return QStringLiteral("SOCKS4a has no passwords (only a user id)");
    return {};
}

} // namespace Switchyard
