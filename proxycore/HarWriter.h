#pragma once

#include "LogEvent.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

class QIODevice;

namespace Switchyard {

/// Writes log events as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/),
/// the format browsers' developer tools import.
///
/// How Switchyard's events map onto HAR:
///  - Plain HTTP: one entry per exchange, headers as forwarded, cookies parsed
///    from Cookie / Set-Cookie, bodies as captured. A response body with a
///    Content-Encoding gzip, deflate or br is decoded into content.text (as HAR
///    asks) and the bytes as sent kept in _switchyard.responseBodyRaw.
///    Text that is valid UTF-8 goes in as text, anything else as base64 with
///    content.encoding "base64" (request bodies: postData._encoding "base64").
///  - Tunnels (HTTP CONNECT, SOCKS4/5): an entry with method "CONNECT" and the
///    URL "<protocol>://host:port" ("connect://example.com:443",
///    "socks5://example.com:443"); request.bodySize and response.bodySize are
///    the bytes relayed up and down, content is empty (payload is never
///    captured). WebSocket upgrades keep their GET and URL.
///  - Timings from the microsecond fields: connect (DNS included, so dns is
///    -1), wait up to the first response byte, receive to the end, and the time
///    before the outbound connection as blocked, so that they add up to time.
///  - Everything HAR has no field for (id, protocol, client, route, rule, error,
///    exact microseconds, truncation) goes in a custom "_switchyard" object per
///    entry, which HarReader reads back.
/// Sensitive header values (see SensitiveHeaders) are masked unless told not to,
/// in headers and cookies alike.
class HarWriter
{
    Q_DECLARE_TR_FUNCTIONS(HarWriter)
public:
    /// The name of the custom object in each entry.
    static constexpr char customField[] = "_switchyard";

    explicit HarWriter(bool maskSensitiveHeaders = true);

    bool masksSensitiveHeaders() const { return m_mask; }
    void setMaskSensitiveHeaders(bool mask) { m_mask = mask; }

    /// One entry of log.entries.
    QJsonObject entry(const LogEvent& event) const;
    /// The whole HAR document in memory.
    QByteArray toJson(const QList<LogEvent>& events) const;
    /// Writes the document entry by entry (large logs never sit in memory as one
    /// JSON tree). Returns an empty string on success, otherwise why it failed.
    QString write(QIODevice* device, const QList<LogEvent>& events) const;
    /// Writes the document to path all at once (QSaveFile): a failure leaves an
    /// existing file as it was. Returns an empty string on success.
    QString writeFile(const QString& path, const QList<LogEvent>& events) const;

    /// The document in pieces, for writing it while exchanges still finish
    /// (HarRecorder): the head up to the entries, one entry per line (first:
    /// without the separating comma), and the tail.
    QByteArray documentHead() const;
    QByteArray entryLine(const LogEvent& event, bool first) const;
    static QByteArray documentTail();

    /// The URL an entry gets: the target for HTTP, "<protocol>://host:port" for
    /// tunnels, "about:blank" when the event has none usable.
    static QString entryUrl(const LogEvent& event);

private:
    QJsonObject request(const LogEvent& event, const QString& url) const;
    QJsonObject response(const LogEvent& event) const;
    QJsonObject custom(const LogEvent& event) const;
    QJsonArray headers(const HeaderList& fields) const;
    QJsonArray requestCookies(const HeaderList& fields) const;
    QJsonArray responseCookies(const HeaderList& fields) const;

    bool m_mask = true;
};

} // namespace Switchyard
