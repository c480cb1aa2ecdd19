// HAR 1.2 export and import of log events: every kind of exchange survives a
// round trip, secrets are masked, tunnels and timings follow HAR's rules, and
// the npm har-validator package accepts the files.

#include "Compression.h"
#include "HarReader.h"
#include "HarValidator.h"
#include "HarWriter.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <brotli/encode.h>

using namespace Switchyard;

namespace {

constexpr qint64 someTimeMs = 1'760'000'000'123; // 2025-10-09, with milliseconds

// Brotli made here with libbrotlienc; HarWriter decodes with libbrotlidec.
QByteArray brotli(const QByteArray& data)
{
    size_t size = BrotliEncoderMaxCompressedSize(size_t(data.size()));
    QByteArray out(qsizetype(size), Qt::Uninitialized);
    if (!BrotliEncoderCompress(BROTLI_MAX_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                               size_t(data.size()),
                               reinterpret_cast<const uint8_t*>(data.constData()), &size,
                               reinterpret_cast<uint8_t*>(out.data())))
        qFatal("BrotliEncoderCompress failed");
    out.truncate(qsizetype(size));
    return out;
}

QByteArray script()
{
    QByteArray out;
    for (int i = 0; i < 200; ++i)
        out += "console.log(\"line " + QByteArray::number(i) + "\");\n";
    return out;
}

// Not UTF-8, and too random for brotli to shrink: half the compressed stream
// decodes to about half of it.
QByteArray binaryBytes()
{
    QByteArray out;
    quint32 x = 7;
    for (int i = 0; i < 4096; ++i) {
        x = x * 1103515245u + 12345u;
        out += char(x >> 24);
    }
    return out;
}

LogEvent httpGet()
{
    LogEvent e;
    e.id = 1;
    e.phase = LogPhase::Finished;
    e.startedAtMs = someTimeMs;
    e.clientAddress = QStringLiteral("127.0.0.1:50001");
    e.protocol = LogProtocol::Http;
    e.method = "GET";
    e.host = QStringLiteral("example.test");
    e.port = 80;
    e.target = QStringLiteral("http://example.test/search?q=a%20b&lang=en");
    e.httpVersion = "HTTP/1.1";
    e.status = 200;
    e.responseReason = "OK";
    e.bytesUp = 0;
    e.bytesDown = 13;
    e.durationUs = 12'345;
    e.connectUs = 1'234;
    e.firstByteUs = 10'001;
    e.route = QStringLiteral("direct");
    e.requestHeaders = {{"Host", "example.test"},
                        {"User-Agent", "curl/8"},
                        {"Authorization", "Bearer top-secret-token"},
                        {"Cookie", "session=abc123; theme=dark"}};
    e.responseHeaders = {{"Content-Type", "text/plain; charset=utf-8"},
                         {"Set-Cookie", "session=xyz789; Path=/; HttpOnly; Secure"},
                         {"Content-Length", "13"}};
    e.responseBody = "Hello, world!";
    return e;
}

LogEvent httpPostBinary()
{
    LogEvent e = httpGet();
    e.id = 2;
    e.method = "POST";
    e.target = QStringLiteral("http://example.test/upload");
    e.requestHeaders = {{"Host", "example.test"},
                        {"Content-Type", "application/octet-stream"},
                        {"Proxy-Authorization", "Basic dXNlcjpwYXNz"}};
    e.requestBody = QByteArray("\x00\x01\x02\xff\xfe binary", 13);
    e.requestBodyTruncated = true;
    e.bytesUp = 4096;
    e.status = 201;
    e.responseReason = "Created";
    e.responseHeaders = {{"Content-Type", "application/json"}};
    e.responseBody = R"({"stored":true,"name":"üñï"})";
    e.bytesDown = quint64(e.responseBody.size());
    e.rule = QStringLiteral("domain example.test -> direct");
    return e;
}

LogEvent httpGzip()
{
    LogEvent e = httpGet();
    e.id = 3;
    e.target = QStringLiteral("http://example.test/page.html");
    const QByteArray html = QByteArray("<html><body>") + QByteArray(2000, 'x') + "</body></html>";
    e.responseBody = Compression::gzip(html);
    e.bytesDown = quint64(e.responseBody.size());
    e.responseHeaders = {{"Content-Type", "text/html"}, {"Content-Encoding", "gzip"}};
    e.route = QStringLiteral("Office VPN");
    return e;
}

LogEvent connectTunnel()
{
    LogEvent e;
    e.id = 4;
    e.phase = LogPhase::Finished;
    e.startedAtMs = someTimeMs + 5;
    e.clientAddress = QStringLiteral("[::1]:50002");
    e.protocol = LogProtocol::Connect;
    e.method = "CONNECT";
    e.host = QStringLiteral("secure.example.test");
    e.port = 443;
    e.target = QStringLiteral("secure.example.test:443");
    e.httpVersion = "HTTP/1.1";
    e.status = 200;
    e.responseReason = "Connection established";
    e.bytesUp = 517;
    e.bytesDown = 4821;
    e.durationUs = 2'500'000;
    e.connectUs = 3'000;
    e.route = QStringLiteral("Office VPN");
    e.rule = QStringLiteral("domain example.test -> Office VPN");
    return e;
}

LogEvent socksTunnel()
{
    LogEvent e;
    e.id = 5;
    e.phase = LogPhase::Finished;
    e.startedAtMs = someTimeMs + 9;
    e.clientAddress = QStringLiteral("127.0.0.1:50003");
    e.protocol = LogProtocol::Socks5;
    e.host = QStringLiteral("2001:db8::1");
    e.port = 8443;
    e.target = QStringLiteral("[2001:db8::1]:8443");
    e.socksReply = 5;
    e.durationUs = 800;
    e.connectUs = 700;
    e.route = QStringLiteral("blocked");
    e.rule = QStringLiteral("cidr 2001:db8::/32 -> block");
    e.error = QStringLiteral("blocked by a rule");
    return e;
}

LogEvent webSocket()
{
    LogEvent e = httpGet();
    e.id = 6;
    e.protocol = LogProtocol::WebSocket;
    e.target = QStringLiteral("http://example.test/ws");
    e.status = 101;
    e.responseReason = "Switching Protocols";
    e.responseHeaders = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}};
    e.responseBody.clear();
    e.bytesUp = 10;
    e.bytesDown = 20;
    e.firstByteUs = 2'000;
    return e;
}

LogEvent stillRunning()
{
    LogEvent e = httpGet();
    e.id = 7;
    e.phase = LogPhase::Started;
    e.status = 0;
    e.responseReason.clear();
    e.responseHeaders.clear();
    e.responseBody.clear();
    e.durationUs = -1;
    e.firstByteUs = -1;
    e.bytesDown = 0;
    return e;
}

LogEvent refusedAtCap()
{
    LogEvent e;
    e.id = 8;
    e.phase = LogPhase::Finished;
    e.startedAtMs = someTimeMs + 20;
    e.clientAddress = QStringLiteral("127.0.0.1:50004");
    e.status = 503;
    e.durationUs = 0;
    e.route = QStringLiteral("refused");
    e.error = QStringLiteral("connection limit (10) reached");
    return e;
}

LogEvent brotliScript()
{
    LogEvent e = httpGet();
    e.id = 9;
    e.target = QStringLiteral("http://example.test/app.js");
    e.responseHeaders = {{"Content-Type", "application/javascript"}, {"Content-Encoding", "br"}};
    e.responseBody = brotli(script());
    e.bytesDown = quint64(e.responseBody.size());
    return e;
}

// Binary, brotli, and cut off by the capture cap.
LogEvent brotliBinaryCutOff()
{
    LogEvent e = httpGet();
    e.id = 10;
    e.target = QStringLiteral("http://example.test/blob.bin");
    e.responseHeaders = {{"Content-Type", "application/octet-stream"}, {"Content-Encoding", "br"}};
    const QByteArray whole = brotli(binaryBytes());
    e.responseBody = whole.left(whole.size() / 2);
    e.bytesDown = quint64(whole.size());
    e.responseBodyTruncated = true;
    return e;
}

LogEvent zstdBinary()
{
    LogEvent e = httpGet();
    e.id = 11;
    e.target = QStringLiteral("http://example.test/app.wasm");
    e.responseHeaders = {{"Content-Type", "application/wasm"}, {"Content-Encoding", "zstd"}};
    e.responseBody = QByteArray("\x28\xb5\x2f\xfd\x00\x58\x31\x00", 8);
    e.bytesDown = 8;
    e.responseBodyTruncated = true;
    return e;
}

QList<LogEvent> allSamples()
{
    return {httpGet(),      httpPostBinary(),     httpGzip(),     connectTunnel(),
            socksTunnel(),  webSocket(),          stillRunning(), refusedAtCap(),
            brotliScript(), brotliBinaryCutOff(), zstdBinary()};
}

QJsonObject parseSingleEntry(const QByteArray& har)
{
    const QJsonObject log = QJsonDocument::fromJson(har).object().value(u"log").toObject();
    return log.value(u"entries").toArray().at(0).toObject();
}

QString headerValue(const QJsonArray& headers, const QString& name)
{
    for (const QJsonValue& header : headers) {
        if (header[u"name"].toString().compare(name, Qt::CaseInsensitive) == 0)
            return header[u"value"].toString();
    }
    return {};
}

} // namespace

class TestHarWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip_data();
    void roundTrip();
    void documentShape();
    void masksSecrets();
    void unmaskedKeepsSecrets();
    void tunnelsAreConnectEntries_data();
    void tunnelsAreConnectEntries();
    void timingsAddUp_data();
    void timingsAddUp();
    void decodedContentKeepsRawBytes();
    void brotliContentIsDecoded();
    void cutOffBrotliDecodesInPart();
    void undecodableContentIsBase64();
    void readsForeignHar();
    void readErrors();
    void writeFileFailsCleanly();
    void passesHarValidator_data();
    void passesHarValidator();

private:
    QTemporaryDir m_dir;
};

void TestHarWriter::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestHarWriter::roundTrip_data()
{
    QTest::addColumn<LogEvent>("event");
    for (const LogEvent& event : allSamples())
        QTest::addRow("#%llu %s", event.id, qPrintable(protocolName(event.protocol))) << event;
}

void TestHarWriter::roundTrip()
{
    QFETCH(LogEvent, event);
    const HarWriter writer(false);
    const HarImport imported = HarReader::read(writer.toJson({event}));
    QVERIFY2(imported.ok(), qPrintable(imported.error));
    QCOMPARE(imported.events.size(), 1);
    const LogEvent& back = imported.events.constFirst();
    QCOMPARE(back.id, event.id);
    QCOMPARE(back.phase, event.phase);
    QCOMPARE(back.startedAtMs, event.startedAtMs);
    QCOMPARE(back.clientAddress, event.clientAddress);
    QCOMPARE(back.protocol, event.protocol);
    QCOMPARE(back.method, event.method);
    QCOMPARE(back.host, event.host);
    QCOMPARE(back.port, event.port);
    QCOMPARE(back.target, event.target);
    QCOMPARE(back.httpVersion, event.httpVersion);
    QCOMPARE(back.status, event.status);
    QCOMPARE(back.socksReply, event.socksReply);
    QCOMPARE(back.bytesUp, event.bytesUp);
    QCOMPARE(back.bytesDown, event.bytesDown);
    QCOMPARE(back.durationUs, event.durationUs);
    QCOMPARE(back.connectUs, event.connectUs);
    QCOMPARE(back.firstByteUs, event.firstByteUs);
    QCOMPARE(back.route, event.route);
    QCOMPARE(back.rule, event.rule);
    QCOMPARE(back.error, event.error);
    QCOMPARE(back.requestHeaders, event.requestHeaders);
    QCOMPARE(back.responseHeaders, event.responseHeaders);
    QCOMPARE(back.requestBody, event.requestBody);
    QCOMPARE(back.responseBody, event.responseBody);
    QCOMPARE(back.requestBodyTruncated, event.requestBodyTruncated);
    QCOMPARE(back.responseBodyTruncated, event.responseBodyTruncated);
    if (!(event.isTunnel() && event.protocol != LogProtocol::WebSocket))
        QCOMPARE(back.responseReason, event.responseReason);
}

void TestHarWriter::documentShape()
{
    const QByteArray har = HarWriter().toJson(allSamples());
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(har, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject log = document.object().value(u"log").toObject();
    QCOMPARE(log.value(u"version").toString(), QStringLiteral("1.2"));
    QCOMPARE(log.value(u"creator").toObject().value(u"name").toString(),
             QStringLiteral("Switchyard"));
    QCOMPARE(log.value(u"entries").toArray().size(), allSamples().size());
    const QJsonObject entry = log.value(u"entries").toArray().at(0).toObject();
    QCOMPARE(entry.value(u"startedDateTime").toString(),
             QStringLiteral("2025-10-09T08:53:20.123Z"));
    const QJsonArray query = entry[u"request"][u"queryString"].toArray();
    QCOMPARE(query.size(), 2);
    QCOMPARE(query.at(0)[u"name"].toString(), QStringLiteral("q"));
    QCOMPARE(query.at(0)[u"value"].toString(), QStringLiteral("a b"));
    const QJsonObject setCookie = entry[u"response"][u"cookies"].toArray().at(0).toObject();
    QCOMPARE(setCookie.value(u"name").toString(), QStringLiteral("session"));
    QCOMPARE(setCookie.value(u"path").toString(), QStringLiteral("/"));
    QVERIFY(setCookie.value(u"httpOnly").toBool());
    QVERIFY(setCookie.value(u"secure").toBool());
    // Empty input is still a valid document.
    const QJsonObject empty = QJsonDocument::fromJson(HarWriter().toJson({})).object();
    QVERIFY(empty.value(u"log").toObject().value(u"entries").isArray());
}

void TestHarWriter::masksSecrets()
{
    const QByteArray har = HarWriter(true).toJson({httpGet(), httpPostBinary()});
    for (const char* secret : {"top-secret-token", "abc123", "xyz789", "dXNlcjpwYXNz"})
        QVERIFY2(!har.contains(secret), secret);
    const QJsonObject entry = parseSingleEntry(har);
    const QJsonArray requestHeaders = entry[u"request"][u"headers"].toArray();
    QCOMPARE(headerValue(requestHeaders, QStringLiteral("Authorization")),
             QStringLiteral("Bearer ********"));
    QCOMPARE(headerValue(requestHeaders, QStringLiteral("Cookie")),
             QStringLiteral("session=********; theme=********"));
    QCOMPARE(headerValue(requestHeaders, QStringLiteral("User-Agent")), QStringLiteral("curl/8"));
    QCOMPARE(headerValue(entry[u"response"][u"headers"].toArray(), QStringLiteral("Set-Cookie")),
             QStringLiteral("session=********; Path=/; HttpOnly; Secure"));
    const QJsonArray cookies = entry[u"request"][u"cookies"].toArray();
    QCOMPARE(cookies.size(), 2);
    QCOMPARE(cookies.at(0)[u"name"].toString(), QStringLiteral("session"));
    QCOMPARE(cookies.at(0)[u"value"].toString(), QStringLiteral("********"));
}

void TestHarWriter::unmaskedKeepsSecrets()
{
    const QByteArray har = HarWriter(false).toJson({httpGet()});
    QVERIFY(har.contains("Bearer top-secret-token"));
    const QJsonObject entry = parseSingleEntry(har);
    QCOMPARE(entry[u"request"][u"cookies"].toArray().at(1)[u"value"].toString(),
             QStringLiteral("dark"));
}

void TestHarWriter::tunnelsAreConnectEntries_data()
{
    QTest::addColumn<LogEvent>("event");
    QTest::addColumn<QString>("url");
    QTest::newRow("http connect") << connectTunnel()
                                  << QStringLiteral("connect://secure.example.test:443");
    QTest::newRow("socks5 ipv6") << socksTunnel() << QStringLiteral("socks5://[2001:db8::1]:8443");
}

void TestHarWriter::tunnelsAreConnectEntries()
{
    QFETCH(LogEvent, event);
    QFETCH(QString, url);
    const QJsonObject entry = parseSingleEntry(HarWriter().toJson({event}));
    QCOMPARE(entry[u"request"][u"method"].toString(), QStringLiteral("CONNECT"));
    QCOMPARE(entry[u"request"][u"url"].toString(), url);
    QCOMPARE(entry[u"request"][u"bodySize"].toInteger(), qint64(event.bytesUp));
    QCOMPARE(entry[u"response"][u"bodySize"].toInteger(), qint64(event.bytesDown));
    QVERIFY(!entry[u"response"][u"content"].toObject().contains(u"text"));
    QVERIFY(entry[u"comment"].toString().contains(u"tunnel"));
    QCOMPARE(entry[u"time"].toDouble(), double(event.durationUs) / 1000.0);
}

void TestHarWriter::timingsAddUp_data()
{
    QTest::addColumn<LogEvent>("event");
    for (const LogEvent& event : allSamples())
        QTest::addRow("#%llu", event.id) << event;
    LogEvent odd = httpGet();
    odd.connectUs = 20'000; // longer than the first byte took: clamped
    odd.firstByteUs = 5'000;
    QTest::newRow("connect after first byte") << odd;
    LogEvent noConnect = httpGet();
    noConnect.connectUs = -1;
    noConnect.firstByteUs = -1;
    QTest::newRow("failed before connecting") << noConnect;
}

void TestHarWriter::timingsAddUp()
{
    QFETCH(LogEvent, event);
    const QJsonObject entry = parseSingleEntry(HarWriter().toJson({event}));
    const QJsonObject timings = entry[u"timings"].toObject();
    double sum = 0;
    for (const char* key : {"blocked", "dns", "connect", "send", "wait", "receive"}) {
        const double value = timings.value(QLatin1String(key)).toDouble();
        QVERIFY2(value >= -1, key);
        if (value > 0)
            sum += value;
    }
    for (const char* key : {"send", "wait", "receive"})
        QVERIFY2(timings.value(QLatin1String(key)).toDouble() >= 0, key);
    QVERIFY2(qAbs(sum - entry[u"time"].toDouble()) < 0.0005,
             qPrintable(QStringLiteral("sum %1, time %2").arg(sum).arg(entry[u"time"].toDouble())));
}

void TestHarWriter::decodedContentKeepsRawBytes()
{
    const LogEvent event = httpGzip();
    const QJsonObject entry = parseSingleEntry(HarWriter().toJson({event}));
    const QJsonObject content = entry[u"response"][u"content"].toObject();
    QVERIFY(content.value(u"text").toString().startsWith(u"<html><body>xxx"));
    QVERIFY(!content.contains(u"encoding"));
    QCOMPARE(content.value(u"size").toInteger(), qint64(2000 + 26));
    QCOMPARE(content.value(u"compression").toInteger(),
             qint64(2000 + 26) - qint64(event.bytesDown));
    QCOMPARE(
        QByteArray::fromBase64(entry[u"_switchyard"][u"responseBodyRaw"].toString().toLatin1()),
        event.responseBody);
}

void TestHarWriter::brotliContentIsDecoded()
{
    const LogEvent event = brotliScript();
    const QJsonObject entry = parseSingleEntry(HarWriter().toJson({event}));
    const QJsonObject content = entry[u"response"][u"content"].toObject();
    QCOMPARE(content.value(u"text").toString().toUtf8(), script());
    QVERIFY(!content.contains(u"encoding"));
    QVERIFY(!content.contains(u"comment"));
    QCOMPARE(content.value(u"size").toInteger(), qint64(script().size()));
    QCOMPARE(content.value(u"compression").toInteger(),
             qint64(script().size()) - qint64(event.bytesDown));
    QCOMPARE(
        QByteArray::fromBase64(entry[u"_switchyard"][u"responseBodyRaw"].toString().toLatin1()),
        event.responseBody);
}

void TestHarWriter::cutOffBrotliDecodesInPart()
{
    const LogEvent event = brotliBinaryCutOff();
    const QJsonObject entry = parseSingleEntry(HarWriter().toJson({event}));
    const QJsonObject content = entry[u"response"][u"content"].toObject();
    QCOMPARE(content.value(u"encoding").toString(), QStringLiteral("base64"));
    const QByteArray decoded = QByteArray::fromBase64(content.value(u"text").toString().toLatin1());
    QVERIFY(!decoded.isEmpty());
    QVERIFY(decoded.size() < binaryBytes().size());
    QCOMPARE(decoded, binaryBytes().left(decoded.size()));
    QCOMPARE(content.value(u"size").toInteger(), qint64(decoded.size()));
    QVERIFY(!content.contains(u"compression"));
    const QString comment = content.value(u"comment").toString();
    QVERIFY2(comment.contains(u"decoded in part: compressed data ends early"), qPrintable(comment));
    QVERIFY2(comment.contains(u"capture holds the first"), qPrintable(comment));
    QCOMPARE(
        QByteArray::fromBase64(entry[u"_switchyard"][u"responseBodyRaw"].toString().toLatin1()),
        event.responseBody);
}

void TestHarWriter::undecodableContentIsBase64()
{
    const LogEvent event = zstdBinary();
    const QJsonObject entry = parseSingleEntry(HarWriter().toJson({event}));
    const QJsonObject content = entry[u"response"][u"content"].toObject();
    QCOMPARE(content.value(u"encoding").toString(), QStringLiteral("base64"));
    QCOMPARE(QByteArray::fromBase64(content.value(u"text").toString().toLatin1()),
             event.responseBody);
    QVERIFY(content.value(u"comment").toString().contains(u"Content-Encoding zstd not decoded"));
    QVERIFY(!entry[u"_switchyard"].toObject().contains(u"responseBodyRaw"));
}

void TestHarWriter::readsForeignHar()
{
    // The shape browsers write: no _switchyard, base64 content, Chrome's _error.
    const QByteArray har =
        R"({"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},
      "entries":[
       {"startedDateTime":"2024-03-01T10:00:00.500+01:00","time":50.5,
        "request":{"method":"GET","url":"https://example.test:8443/a?b=c","httpVersion":"http/2.0",
                   "headers":[{"name":"accept","value":"*/*"}],"queryString":[],"cookies":[],
                   "headersSize":-1,"bodySize":0},
        "response":{"status":404,"statusText":"Not Found","httpVersion":"http/2.0",
                    "headers":[{"name":"content-type","value":"image/png"}],"cookies":[],
                    "content":{"size":4,"mimeType":"image/png","text":"iVBORw==","encoding":"base64"},
                    "redirectURL":"","headersSize":-1,"bodySize":-1,"_error":"net::ERR_FAILED"},
        "cache":{},"timings":{"blocked":1,"dns":2,"connect":3,"ssl":1,"send":0.5,"wait":40,"receive":4}},
       "not an entry",
       {"startedDateTime":"2024-03-01T10:00:01Z","time":1,"request":{"method":"CONNECT",
        "url":"https://tunnel.example.test:443","httpVersion":"HTTP/1.1","headers":[],
        "queryString":[],"cookies":[],"headersSize":-1,"bodySize":-1},
        "response":{"status":200,"statusText":"","httpVersion":"HTTP/1.1","headers":[],
        "cookies":[],"content":{"size":0,"mimeType":""},"redirectURL":"","headersSize":-1,
        "bodySize":-1},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}})";
    const HarImport imported = HarReader::read(har);
    QVERIFY2(imported.ok(), qPrintable(imported.error));
    QCOMPARE(imported.events.size(), 2);
    QCOMPARE(imported.warnings.size(), 1);
    const LogEvent& get = imported.events.at(0);
    QCOMPARE(get.id, quint64(1));
    QCOMPARE(get.phase, LogPhase::Finished);
    QCOMPARE(get.startedAtMs,
             QDateTime(QDate(2024, 3, 1), QTime(9, 0, 0, 500), Qt::UTC).toMSecsSinceEpoch());
    QCOMPARE(get.protocol, LogProtocol::Http);
    QCOMPARE(get.host, QStringLiteral("example.test"));
    QCOMPARE(get.port, quint16(8443));
    QCOMPARE(get.target, QStringLiteral("https://example.test:8443/a?b=c"));
    QCOMPARE(get.status, 404);
    QCOMPARE(get.responseReason, QByteArray("Not Found"));
    QCOMPARE(get.responseBody, QByteArray("\x89PNG"));
    QCOMPARE(get.bytesDown, quint64(4));
    QCOMPARE(get.error, QStringLiteral("net::ERR_FAILED"));
    QCOMPARE(get.durationUs, qint64(50'500));
    QCOMPARE(get.connectUs, qint64(3'000));
    QCOMPARE(get.firstByteUs, qint64(46'500)); // blocked + dns + connect + send + wait
    QVERIFY(get.route.isEmpty());
    const LogEvent& tunnel = imported.events.at(1);
    QCOMPARE(tunnel.id, quint64(3));
    QCOMPARE(tunnel.protocol, LogProtocol::Connect);
    QCOMPARE(tunnel.target, QStringLiteral("tunnel.example.test:443"));
    QCOMPARE(tunnel.port, quint16(443));
}

void TestHarWriter::readErrors()
{
    QVERIFY(!HarReader::read("{ not json").ok());
    QVERIFY(!HarReader::read(R"({"log":{"version":"1.2"}})").ok());
    QVERIFY(!HarReader::read(R"([1,2,3])").ok());
    const HarImport missing = HarReader::readFile(m_dir.filePath(QStringLiteral("absent.har")));
    QVERIFY(!missing.ok());
    QVERIFY(missing.error.contains(u"absent.har"));
}

void TestHarWriter::writeFileFailsCleanly()
{
    const QString path = m_dir.filePath(QStringLiteral("no/such/dir/out.har"));
    const QString error = HarWriter().writeFile(path, allSamples());
    QVERIFY(!error.isEmpty());
    QVERIFY(!QFile::exists(path));

    // A failed write leaves an existing file as it was.
    const QString existing = m_dir.filePath(QStringLiteral("existing.har"));
    QVERIFY(HarWriter().writeFile(existing, {httpGet()}).isEmpty());
    const QByteArray before = [&] {
        QFile file(existing);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();
    QVERIFY(!before.isEmpty());
    QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner);
    const bool readOnlyDirectory = !QFileInfo(m_dir.path()).isWritable();
    const QString readOnlyError = HarWriter().writeFile(existing, allSamples());
    QFile::setPermissions(m_dir.path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (readOnlyDirectory) // root writes anyway
        QVERIFY(!readOnlyError.isEmpty());
    QFile file(existing);
    QVERIFY(file.open(QIODevice::ReadOnly));
    if (readOnlyDirectory)
        QCOMPARE(file.readAll(), before);
}

void TestHarWriter::passesHarValidator_data()
{
    QTest::addColumn<bool>("mask");
    QTest::newRow("masked") << true;
    QTest::newRow("unmasked") << false;
}

void TestHarWriter::passesHarValidator()
{
    QFETCH(bool, mask);
    const QString path =
        m_dir.filePath(QStringLiteral("samples-%1.har").arg(mask ? u"masked" : u"unmasked"));
    QList<LogEvent> events = allSamples();
    // A larger body and many entries, as a real session has.
    for (quint64 id = 100; id < 150; ++id) {
        LogEvent event = httpGzip();
        event.id = id;
        events.append(event);
    }
    QCOMPARE(HarWriter(mask).writeFile(path, events), QString());
    const HarValidator::Result result = HarValidator::validate(path);
    QVERIFY2(result.ran, qPrintable(result.output));
    QVERIFY2(result.valid, qPrintable(result.output));
    const HarImport back = HarReader::readFile(path);
    QVERIFY2(back.ok(), qPrintable(back.error));
    QCOMPARE(back.events.size(), events.size());
}

QTEST_GUILESS_MAIN(TestHarWriter)
#include "tst_harwriter.moc"
