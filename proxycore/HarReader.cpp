#include "HarReader.h"

#include "HarWriter.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace Switchyard {

namespace {

HeaderList headersOf(const QJsonValue& value)
{
    HeaderList out;
    const QJsonArray fields = value.toArray();
    for (const QJsonValue& field : fields) {
        const QJsonObject object = field.toObject();
        out.append({object.value(QStringLiteral("name")).toString().toUtf8(),
                    object.value(QStringLiteral("value")).toString().toUtf8()});
    }
    return out;
}

QByteArray bodyOf(const QJsonObject& holder, const QString& encodingKey)
{
    const QByteArray text = holder.value(QStringLiteral("text")).toString().toUtf8();
    if (holder.value(encodingKey).toString() == QLatin1String("base64"))
        return QByteArray::fromBase64(text);
    return text;
}

LogProtocol protocolFromName(const QString& name, bool* known)
{
    *known = true;
    for (const LogProtocol protocol :
         {LogProtocol::Http, LogProtocol::Connect, LogProtocol::WebSocket, LogProtocol::Socks5,
          LogProtocol::Socks4, LogProtocol::Local}) {
        if (name.compare(protocolName(protocol), Qt::CaseInsensitive) == 0)
            return protocol;
    }
    *known = false;
    return LogProtocol::Http;
}

// Microseconds from a HAR timing in milliseconds; -1 stays "not applicable".
qint64 microseconds(const QJsonValue& value)
{
    const double ms = value.toDouble(-1);
    return ms < 0 ? -1 : qRound64(ms * 1000.0);
}

qint64 customNumber(const QJsonObject& custom, const QString& key, qint64 fallback)
{
    const QJsonValue value = custom.value(key);
    return value.isDouble() ? qint64(value.toDouble()) : fallback;
}

} // namespace

LogEvent HarReader::event(const QJsonObject& entry, quint64 fallbackId)
{
    const QJsonObject custom = entry.value(QString::fromLatin1(HarWriter::customField)).toObject();
    const QJsonObject request = entry.value(QStringLiteral("request")).toObject();
    const QJsonObject response = entry.value(QStringLiteral("response")).toObject();
    const QJsonObject content = response.value(QStringLiteral("content")).toObject();
    const QJsonObject timings = entry.value(QStringLiteral("timings")).toObject();

    LogEvent event;
    event.id = quint64(customNumber(custom, QStringLiteral("id"), qint64(fallbackId)));
    event.phase = custom.value(QStringLiteral("phase")).toString() == QLatin1String("started")
                      ? LogPhase::Started
                      : LogPhase::Finished;
    const QDateTime started = QDateTime::fromString(
        entry.value(QStringLiteral("startedDateTime")).toString(), Qt::ISODateWithMs);
    event.startedAtMs = started.isValid() ? started.toMSecsSinceEpoch() : 0;
    event.method = request.value(QStringLiteral("method")).toString().toLatin1();
    event.httpVersion = request.value(QStringLiteral("httpVersion")).toString().toLatin1();

    const QString url = request.value(QStringLiteral("url")).toString();
    const QUrl parsed(url);
    const QString scheme = parsed.scheme().toLower();
    bool known = false;
    event.protocol = protocolFromName(custom.value(QStringLiteral("protocol")).toString(), &known);
    if (!known) {
        if (scheme == QLatin1String("socks5"))
            event.protocol = LogProtocol::Socks5;
        else if (scheme == QLatin1String("socks4"))
            event.protocol = LogProtocol::Socks4;
        else if (event.method == "CONNECT")
            event.protocol = LogProtocol::Connect;
        else if (scheme == QLatin1String("ws") || scheme == QLatin1String("wss"))
            event.protocol = LogProtocol::WebSocket;
    }
    if (event.protocol == LogProtocol::Socks5 || event.protocol == LogProtocol::Socks4)
        event.method.clear(); // "CONNECT" in the file stands for the SOCKS command

    const int defaultPort = scheme == QLatin1String("https") || scheme == QLatin1String("wss") ||
                                    event.protocol == LogProtocol::Connect
                                ? 443
                                : 80;
    event.host = custom.value(QStringLiteral("host")).toString(parsed.host());
    event.port = quint16(customNumber(custom, QStringLiteral("port"), parsed.port(defaultPort)));
    if (custom.contains(QStringLiteral("target"))) {
        event.target = custom.value(QStringLiteral("target")).toString();
    } else if (url == QLatin1String("about:blank")) {
        event.target.clear();
    } else if (event.isTunnel() && event.protocol != LogProtocol::WebSocket) {
        event.target = parsed.authority();
    } else {
        event.target = url;
    }
    event.clientAddress = custom.value(QStringLiteral("client")).toString();
    event.route = custom.value(QStringLiteral("route")).toString();
    event.rule = custom.value(QStringLiteral("rule")).toString();
    event.error = custom.value(QStringLiteral("error"))
                      .toString(response.value(QStringLiteral("_error")).toString());
    event.socksReply = quint8(customNumber(custom, QStringLiteral("socksReply"), 0));

    event.status = response.value(QStringLiteral("status")).toInt();
    if (!event.isTunnel() || event.protocol == LogProtocol::Connect ||
        event.protocol == LogProtocol::WebSocket)
        event.responseReason = response.value(QStringLiteral("statusText")).toString().toLatin1();
    event.requestHeaders = headersOf(request.value(QStringLiteral("headers")));
    event.responseHeaders = headersOf(response.value(QStringLiteral("headers")));

    const QJsonObject postData = request.value(QStringLiteral("postData")).toObject();
    event.requestBody = bodyOf(postData, QStringLiteral("_encoding"));
    if (custom.contains(QStringLiteral("responseBodyRaw")))
        event.responseBody = QByteArray::fromBase64(
            custom.value(QStringLiteral("responseBodyRaw")).toString().toLatin1());
    else
        event.responseBody = bodyOf(content, QStringLiteral("encoding"));
    event.requestBodyTruncated = custom.value(QStringLiteral("requestBodyTruncated")).toBool();
    event.responseBodyTruncated = custom.value(QStringLiteral("responseBodyTruncated")).toBool();

    const qint64 requestBodySize = request.value(QStringLiteral("bodySize")).toInteger(-1);
    const qint64 responseBodySize = response.value(QStringLiteral("bodySize")).toInteger(-1);
    event.bytesUp =
        quint64(customNumber(custom, QStringLiteral("bytesUp"),
                             requestBodySize >= 0 ? requestBodySize : event.requestBody.size()));
    event.bytesDown = quint64(
        customNumber(custom, QStringLiteral("bytesDown"),
                     responseBodySize >= 0 ? responseBodySize
                                           : content.value(QStringLiteral("size")).toInteger(0)));

    const qint64 connect = microseconds(timings.value(QStringLiteral("connect")));
    qint64 firstByte = -1;
    if (event.status > 0) {
        // Everything before receiving began is the time to the first byte.
        firstByte = 0;
        for (const char* key : {"blocked", "dns", "connect", "ssl", "send", "wait"}) {
            const qint64 part = microseconds(timings.value(QString::fromLatin1(key)));
            // ssl is part of connect in HAR, so it is not counted twice.
            if (part > 0 && qstrcmp(key, "ssl") != 0)
                firstByte += part;
        }
    }
    event.durationUs = customNumber(custom, QStringLiteral("durationUs"),
                                    microseconds(entry.value(QStringLiteral("time"))));
    event.connectUs = customNumber(custom, QStringLiteral("connectUs"), connect);
    event.firstByteUs = customNumber(custom, QStringLiteral("firstByteUs"), firstByte);
    return event;
}

HarImport HarReader::read(const QByteArray& json)
{
    HarImport out;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        out.error = tr("not valid JSON at byte %1: %2")
                        .arg(parseError.offset)
                        .arg(parseError.errorString());
        return out;
    }
    const QJsonValue entries =
        document.object().value(QStringLiteral("log")).toObject().value(QStringLiteral("entries"));
    if (!entries.isArray()) {
        out.error = tr("not a HAR file: no log.entries");
        return out;
    }
    const QJsonArray array = entries.toArray();
    out.events.reserve(array.size());
    quint64 index = 0;
    for (const QJsonValue& value : array) {
        ++index;
        const QJsonObject entry = value.toObject();
        if (!value.isObject() || !entry.value(QStringLiteral("request")).isObject()) {
            out.warnings.append(tr("entry %1 skipped: it has no request").arg(index));
            continue;
        }
        out.events.append(event(entry, index));
    }
    return out;
}

HarImport HarReader::readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        HarImport out;
        out.error = tr("cannot open %1: %2").arg(path, file.errorString());
        return out;
    }
    if (file.size() > maxFileBytes) {
        HarImport out;
        out.error = tr("%1 is larger than %2 MiB").arg(path).arg(maxFileBytes >> 20);
        return out;
    }
    return read(file.readAll());
}

} // namespace Switchyard
