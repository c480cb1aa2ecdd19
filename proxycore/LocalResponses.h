#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

namespace Switchyard {

/// Responses Switchyard writes itself: errors and its own status page. Every
/// reflected value is escaped; nothing here carries a state-changing action.
class LocalResponses
{
public:
    /// A complete error response with a readable text/plain body and an RFC 9209
    /// Proxy-Status field naming the error type (e.g. "dns_error").
    static QByteArray error(int status, QByteArrayView proxyStatusError, const QString& text,
                            bool closeConnection);
    /// A 200-style response with the given body (served by Switchyard itself).
    static QByteArray document(int status, QByteArrayView contentType, const QByteArray& body,
                               bool headOnly, bool closeConnection);
    /// 407 asking the client for Switchyard's own credentials (Basic).
    static QByteArray authenticationRequired();
    /// The small HTML page served for requests addressed to the proxy itself.
    static QByteArray statusPage(const QString& listenAddress, bool headOnly, bool closeConnection);
    static QByteArray reasonPhrase(int status);
};

} // namespace Switchyard
