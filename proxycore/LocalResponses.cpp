#include "LocalResponses.h"

namespace Switchyard {

QByteArray LocalResponses::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 407:
        return QByteArrayLiteral("Proxy Authentication Required");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        return QByteArrayLiteral("Error");
    }
}

static QByteArray response(int status, QByteArrayView contentType, const QByteArray& body,
                           bool headOnly, bool closeConnection, QByteArrayView extraFields = {})
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' +
                     LocalResponses::reasonPhrase(status) + "\r\n";
    out += "Content-Type: ";
    out += contentType;
    out += "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
    out += extraFields;
    if (closeConnection)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (!headOnly)
        out += body;
    return out;
}

QByteArray LocalResponses::error(int status, QByteArrayView proxyStatusError, const QString& text,
                                 bool closeConnection)
{
    // text/plain with nosniff: reflected host names cannot become markup.
    const QByteArray body = text.toUtf8() + '\n';
    const QByteArray proxyStatus =
        "Proxy-Status: Switchyard; error=" + proxyStatusError.toByteArray() + "\r\n";
    return response(status, "text/plain; charset=utf-8", body, false, closeConnection, proxyStatus);
}

QByteArray LocalResponses::document(int status, QByteArrayView contentType, const QByteArray& body,
                                    bool headOnly, bool closeConnection)
{
    return response(status, contentType, body, headOnly, closeConnection);
}

QByteArray LocalResponses::authenticationRequired()
{
    const QByteArray body = "Switchyard requires a username and password: set them as the proxy "
                            "credentials of your browser or system.\n";
    return response(407, "text/plain; charset=utf-8", body, false, true,
                    "Proxy-Authenticate: Basic realm=\"Switchyard\", charset=\"UTF-8\"\r\n"
                    "Proxy-Status: Switchyard; error=http_request_denied\r\n");
}

QByteArray LocalResponses::statusPage(const QString& listenAddress, bool headOnly,
                                      bool closeConnection)
{
    const QString escaped = listenAddress.toHtmlEscaped();
    const QByteArray body =
        QStringLiteral(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Switchyard</title>"
            "</head><body><h1>Switchyard is running</h1>"
            "<p>This is a proxy, version %1, listening on %2. Set it as the HTTP, HTTPS or "
            "SOCKS proxy of your browser or system to use it.</p></body></html>\n")
            .arg(QStringLiteral(SWITCHYARD_VERSION), escaped)
            .toUtf8();
    return response(200, "text/html; charset=utf-8", body, headOnly, closeConnection);
}

} // namespace Switchyard
