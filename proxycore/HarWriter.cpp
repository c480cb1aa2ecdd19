#include "HarWriter.h"

#include "BodyDecoder.h"
#include "HarRecorder.h"
#include "SensitiveHeaders.h"
#include "TextSniffer.h"

#include <QBuffer>
#include <QDateTime>
#include <QJsonDocument>
#include <QUrl>

namespace Switchyard {

namespace {

// Header values are bytes; HAR is Unicode. UTF-8 when the bytes are UTF-8,
// otherwise each byte as one Latin-1 character (obs-text).
QString textOf(const QByteArray& bytes)
{
    if (TextSniffer::isUtf8Text(bytes))
        return QString::fromUtf8(bytes);
    return QString::fromLatin1(bytes);
}

QByteArray firstValue(const HeaderList& fields, QByteArrayView name)
{
    for (const HeaderField& field : fields) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0)
            return field.second.trimmed();
    }
    return {};
}

double milliseconds(qint64 us)
{
    return double(us) / 1000.0;
}

// "host:port" with brackets around an IPv6 literal.
QString authority(const QString& host, quint16 port)
{
    if (host.contains(QLatin1Char(':')) && !host.startsWith(QLatin1Char('[')))
        return QStringLiteral("[%1]:%2").arg(host).arg(port);
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

QJsonArray queryString(const QString& url)
{
    QJsonArray out;
    const QUrl parsed(url);
    if (!parsed.hasQuery())
        return out;
    const QString query = parsed.query(QUrl::FullyEncoded);
    for (const QString& pair : query.split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        const QString name = equals < 0 ? pair : pair.left(equals);
        const QString value = equals < 0 ? QString() : pair.mid(equals + 1);
        out.append(QJsonObject{
            {QStringLiteral("name"), QUrl::fromPercentEncoding(name.toLatin1())},
            {QStringLiteral("value"), QUrl::fromPercentEncoding(value.toLatin1())},
        });
    }
    return out;
}

// The timings of one entry in whole microseconds, so that they add up exactly.
struct Timings
{
    qint64 connect = -1;
    qint64 wait = 0;
    qint64 receive = 0;
};

Timings timingsOf(const LogEvent& event)
{
    Timings out;
    if (event.durationUs < 0)
        return out;
    const qint64 total = event.durationUs;
    // Until the first response byte the exchange waits; after it, it receives.
    // A tunnel has no first byte: its life after the connect is all transfer.
    const bool hasFirstByte = event.firstByteUs >= 0;
    const qint64 waitEnd = hasFirstByte ? qBound<qint64>(0, event.firstByteUs, total) : total;
    qint64 used = 0;
    if (event.connectUs >= 0) {
        out.connect = qMin(event.connectUs, waitEnd);
        used = out.connect;
    }
    if (hasFirstByte || !event.isTunnel()) {
        out.wait = waitEnd - used;
        out.receive = total - waitEnd;
    } else {
        out.receive = total - used;
    }
    return out;
}

QString writeError(const QIODevice* device)
{
    const QString why = device->errorString();
    return why.isEmpty() ? HarWriter::tr("write failed") : why;
}

} // namespace

HarWriter::HarWriter(bool maskSensitiveHeaders) : m_mask(maskSensitiveHeaders) {}

QString HarWriter::entryUrl(const LogEvent& event)
{
    if (event.protocol == LogProtocol::Connect || event.protocol == LogProtocol::Socks5 ||
        event.protocol == LogProtocol::Socks4) {
        if (event.host.isEmpty())
            return QStringLiteral("about:blank");
        return protocolName(event.protocol).toLower() + QStringLiteral("://") +
               authority(event.host, event.port);
    }
    const QUrl url(event.target, QUrl::StrictMode);
    if (event.target.isEmpty() || !url.isValid() || url.scheme().isEmpty() ||
        event.target.contains(QLatin1Char(' ')))
        return QStringLiteral("about:blank");
    return event.target;
}

QJsonArray HarWriter::headers(const HeaderList& fields) const
{
    QJsonArray out;
    for (const HeaderField& field : fields) {
        const QByteArray value =
            m_mask ? SensitiveHeaders::mask(field.first, field.second) : field.second;
        out.append(QJsonObject{
            {QStringLiteral("name"), textOf(field.first)},
            {QStringLiteral("value"), textOf(value)},
        });
    }
    return out;
}

QJsonArray HarWriter::requestCookies(const HeaderList& fields) const
{
    QJsonArray out;
    for (const HeaderField& field : fields) {
        if (field.first.compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray& pair : field.second.split(';')) {
            const QByteArray trimmed = pair.trimmed();
            if (trimmed.isEmpty())
                continue;
            const qsizetype equals = trimmed.indexOf('=');
            const QByteArray name = equals < 0 ? QByteArray() : trimmed.left(equals).trimmed();
            const QByteArray value = equals < 0 ? trimmed : trimmed.mid(equals + 1).trimmed();
            out.append(QJsonObject{
                {QStringLiteral("name"), textOf(name)},
                {QStringLiteral("value"),
                 m_mask ? QString::fromLatin1(SensitiveHeaders::maskText) : textOf(value)},
            });
        }
    }
    return out;
}

QJsonArray HarWriter::responseCookies(const HeaderList& fields) const
{
    QJsonArray out;
    for (const HeaderField& field : fields) {
        if (field.first.compare("set-cookie", Qt::CaseInsensitive) != 0)
            continue;
        const QList<QByteArray> parts = field.second.split(';');
        const QByteArray first = parts.value(0).trimmed();
        const qsizetype equals = first.indexOf('=');
        QJsonObject cookie{
            {QStringLiteral("name"), textOf(equals < 0 ? QByteArray() : first.left(equals))},
            {QStringLiteral("value"), m_mask ? QString::fromLatin1(SensitiveHeaders::maskText)
                                             : textOf(first.mid(equals + 1))},
        };
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray attribute = parts.at(i).trimmed();
            const qsizetype eq = attribute.indexOf('=');
            const QByteArray key = (eq < 0 ? attribute : attribute.left(eq)).trimmed().toLower();
            const QString value = textOf(eq < 0 ? QByteArray() : attribute.mid(eq + 1).trimmed());
            if (key == "path") {
                cookie.insert(QStringLiteral("path"), value);
            } else if (key == "domain") {
                cookie.insert(QStringLiteral("domain"), value);
            } else if (key == "httponly") {
                cookie.insert(QStringLiteral("httpOnly"), true);
            } else if (key == "secure") {
                cookie.insert(QStringLiteral("secure"), true);
            } else if (key == "expires") {
                QDateTime expires = QDateTime::fromString(value, Qt::RFC2822Date);
                if (expires.isValid())
                    cookie.insert(QStringLiteral("expires"),
                                  expires.toUTC().toString(Qt::ISODateWithMs));
            }
        }
        out.append(cookie);
    }
    return out;
}

QJsonObject HarWriter::request(const LogEvent& event, const QString& url) const
{
    const bool tunnel = event.isTunnel() && event.protocol != LogProtocol::WebSocket;
    QJsonObject out{
        {QStringLiteral("method"),
         tunnel ? QStringLiteral("CONNECT") : QString::fromLatin1(event.method)},
        {QStringLiteral("url"), url},
        {QStringLiteral("httpVersion"), QString::fromLatin1(event.httpVersion)},
        {QStringLiteral("cookies"), requestCookies(event.requestHeaders)},
        {QStringLiteral("headers"), headers(event.requestHeaders)},
        {QStringLiteral("queryString"), tunnel ? QJsonArray() : queryString(url)},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), qint64(event.bytesUp)},
    };
    if (!event.requestBody.isEmpty()) {
        QJsonObject postData{
            {QStringLiteral("mimeType"), textOf(firstValue(event.requestHeaders, "content-type"))},
        };
        if (TextSniffer::isUtf8Text(event.requestBody)) {
            postData.insert(QStringLiteral("text"), QString::fromUtf8(event.requestBody));
        } else {
            // HAR 1.2 has no encoding for postData; a custom field says how to read it.
            postData.insert(QStringLiteral("text"),
                            QString::fromLatin1(event.requestBody.toBase64()));
            postData.insert(QStringLiteral("_encoding"), QStringLiteral("base64"));
        }
        if (event.requestBodyTruncated)
            postData.insert(
                QStringLiteral("comment"),
                QStringLiteral("first %1 bytes of the body").arg(event.requestBody.size()));
        out.insert(QStringLiteral("postData"), postData);
    }
    return out;
}

QJsonObject HarWriter::response(const LogEvent& event) const
{
    QString statusText = QString::fromLatin1(event.responseReason);
    if (statusText.isEmpty() &&
        (event.protocol == LogProtocol::Socks5 || event.protocol == LogProtocol::Socks4))
        statusText =
            QStringLiteral("SOCKS reply 0x%1").arg(event.socksReply, 2, 16, QLatin1Char('0'));

    const QByteArray contentType = firstValue(event.responseHeaders, "content-type");
    QJsonObject content{
        {QStringLiteral("mimeType"),
         contentType.isEmpty() ? QStringLiteral("x-unknown") : textOf(contentType)},
    };
    qint64 size = qint64(event.bytesDown);
    QByteArray shown = event.responseBody;
    QStringList comments;
    const QByteArray encoding = BodyDecoder::contentEncoding(event.responseHeaders);
    if (!encoding.isEmpty() && !shown.isEmpty()) {
        const BodyDecoder::Result decoded = BodyDecoder::decode(shown, encoding);
        if (decoded.changed()) {
            shown = decoded.body;
            size = shown.size();
            if (decoded.status == BodyDecoder::Status::Decoded && !event.responseBodyTruncated &&
                size >= qint64(event.bytesDown))
                content.insert(QStringLiteral("compression"), size - qint64(event.bytesDown));
            if (decoded.status == BodyDecoder::Status::Partial)
                comments.append(QStringLiteral("decoded in part: %1").arg(decoded.error));
        } else if (decoded.status != BodyDecoder::Status::Identity) {
            comments.append(QStringLiteral("body as sent, Content-Encoding %1 not decoded: %2")
                                .arg(QString::fromLatin1(encoding), decoded.error));
        }
    } else {
        size = qMax(size, qint64(shown.size()));
    }
    if (event.responseBodyTruncated)
        comments.append(QStringLiteral("capture holds the first %1 bytes as sent")
                            .arg(event.responseBody.size()));
    content.insert(QStringLiteral("size"), size);
    if (!shown.isEmpty()) {
        if (TextSniffer::isUtf8Text(shown)) {
            content.insert(QStringLiteral("text"), QString::fromUtf8(shown));
        } else {
            content.insert(QStringLiteral("text"), QString::fromLatin1(shown.toBase64()));
            content.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
        }
    }
    if (!comments.isEmpty())
        content.insert(QStringLiteral("comment"), comments.join(QStringLiteral("; ")));

    return QJsonObject{
        {QStringLiteral("status"), event.status},
        {QStringLiteral("statusText"), statusText},
        {QStringLiteral("httpVersion"), QString::fromLatin1(event.httpVersion)},
        {QStringLiteral("cookies"), responseCookies(event.responseHeaders)},
        {QStringLiteral("headers"), headers(event.responseHeaders)},
        {QStringLiteral("content"), content},
        {QStringLiteral("redirectURL"), textOf(firstValue(event.responseHeaders, "location"))},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), qint64(event.bytesDown)},
    };
}

QJsonObject HarWriter::custom(const LogEvent& event) const
{
    QJsonObject out{
        {QStringLiteral("id"), qint64(event.id)},
        {QStringLiteral("phase"), event.phase == LogPhase::Finished ? QStringLiteral("finished")
                                                                    : QStringLiteral("started")},
        {QStringLiteral("protocol"), protocolName(event.protocol)},
        {QStringLiteral("client"), event.clientAddress},
        {QStringLiteral("host"), event.host},
        {QStringLiteral("port"), event.port},
        {QStringLiteral("target"), event.target},
        {QStringLiteral("route"), event.route},
        {QStringLiteral("bytesUp"), qint64(event.bytesUp)},
        {QStringLiteral("bytesDown"), qint64(event.bytesDown)},
        {QStringLiteral("durationUs"), event.durationUs},
        {QStringLiteral("connectUs"), event.connectUs},
        {QStringLiteral("firstByteUs"), event.firstByteUs},
    };
    if (!event.rule.isEmpty())
        out.insert(QStringLiteral("rule"), event.rule);
    if (!event.error.isEmpty())
        out.insert(QStringLiteral("error"), event.error);
    if (event.protocol == LogProtocol::Socks5 || event.protocol == LogProtocol::Socks4)
        out.insert(QStringLiteral("socksReply"), event.socksReply);
    if (event.requestBodyTruncated)
        out.insert(QStringLiteral("requestBodyTruncated"), true);
    if (event.responseBodyTruncated)
        out.insert(QStringLiteral("responseBodyTruncated"), true);
    if (m_mask)
        out.insert(QStringLiteral("masked"), true);
    return out;
}

QJsonObject HarWriter::entry(const LogEvent& event) const
{
    const QString url = entryUrl(event);
    const Timings timings = timingsOf(event);
    QJsonObject custom = this->custom(event);
    QJsonObject response = this->response(event);
    // content.text holds the decoded body; keep the bytes as sent for import.
    const QJsonObject content = response.value(QStringLiteral("content")).toObject();
    if (!event.responseBody.isEmpty() && content.contains(QStringLiteral("text"))) {
        const QByteArray text = content.value(QStringLiteral("text")).toString().toUtf8();
        const bool base64 =
            content.value(QStringLiteral("encoding")).toString() == QLatin1String("base64");
        const QByteArray stored = base64 ? QByteArray::fromBase64(text) : text;
        if (stored != event.responseBody)
            custom.insert(QStringLiteral("responseBodyRaw"),
                          QString::fromLatin1(event.responseBody.toBase64()));
    }

    QJsonObject out{
        {QStringLiteral("startedDateTime"),
         QDateTime::fromMSecsSinceEpoch(event.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("time"), milliseconds(qMax<qint64>(event.durationUs, 0))},
        {QStringLiteral("request"), request(event, url)},
        {QStringLiteral("response"), response},
        {QStringLiteral("cache"), QJsonObject()},
        {QStringLiteral("timings"),
         QJsonObject{
             {QStringLiteral("blocked"), -1},
             {QStringLiteral("dns"), -1},
             {QStringLiteral("connect"),
              timings.connect < 0 ? -1.0 : milliseconds(timings.connect)},
             {QStringLiteral("send"), 0},
             {QStringLiteral("wait"), milliseconds(timings.wait)},
             {QStringLiteral("receive"), milliseconds(timings.receive)},
             {QStringLiteral("ssl"), -1},
         }},
        {QString::fromLatin1(customField), custom},
    };
    QStringList comments;
    if (event.isTunnel() && event.protocol != LogProtocol::WebSocket)
        comments.append(QStringLiteral("%1 tunnel to %2: payload not captured")
                            .arg(protocolName(event.protocol), authority(event.host, event.port)));
    if (event.phase == LogPhase::Started)
        comments.append(QStringLiteral("still running when exported"));
    if (!event.error.isEmpty())
        comments.append(event.error);
    if (!comments.isEmpty())
        out.insert(QStringLiteral("comment"), comments.join(QStringLiteral("; ")));
    return out;
}

QByteArray HarWriter::documentHead() const
{
    QJsonObject log{
        {QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"),
         QJsonObject{
             {QStringLiteral("name"), QStringLiteral("Switchyard")},
             {QStringLiteral("version"), QStringLiteral(SWITCHYARD_VERSION)},
         }},
    };
    if (m_mask)
        log.insert(QStringLiteral("comment"),
                   QStringLiteral("Authorization, Proxy-Authorization, Cookie and Set-Cookie "
                                  "values are masked"));
    // The log object without its closing brace, then the entries one per line.
    QByteArray head = QJsonDocument(log).toJson(QJsonDocument::Compact);
    head.chop(1);
    head.prepend("{\"log\":");
    head.append(",\"entries\":[\n");
    return head;
}

QByteArray HarWriter::entryLine(const LogEvent& event, bool first) const
{
    QByteArray line = QJsonDocument(entry(event)).toJson(QJsonDocument::Compact);
    if (!first)
        line.prepend(',');
    line.append('\n');
    return line;
}

QByteArray HarWriter::documentTail()
{
    return QByteArrayLiteral("]}}\n");
}

QString HarWriter::write(QIODevice* device, const QList<LogEvent>& events) const
{
    const QByteArray head = documentHead();
    if (device->write(head) != head.size())
        return writeError(device);
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QByteArray line = entryLine(events.at(i), i == 0);
        if (device->write(line) != line.size())
            return writeError(device);
    }
    const QByteArray tail = documentTail();
    if (device->write(tail) != tail.size())
        return writeError(device);
    return {};
}

QByteArray HarWriter::toJson(const QList<LogEvent>& events) const
{
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    write(&buffer, events);
    return out;
}

QString HarWriter::writeFile(const QString& path, const QList<LogEvent>& events) const
{
    // One way of writing a HAR file: entry by entry into a QSaveFile.
    HarRecorder recorder(m_mask);
    if (const QString error = recorder.open(path); !error.isEmpty())
        return error;
    for (const LogEvent& event : events)
        recorder.add(event);
    return recorder.commit();
}

} // namespace Switchyard
