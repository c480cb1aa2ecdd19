// Plain HTTP forwarding through the engine with curl as the client.

#include "BytePattern.h"
#include "Curl.h"
#include "EngineFixture.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"
#include "ScriptedServer.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <sys/resource.h>

using namespace Switchyard;

namespace {

bool isFound(const std::optional<RecordedRequest>& request)
{
    return request.has_value();
}

qint64 processCpuMs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return (qint64(usage.ru_utime.tv_sec) + usage.ru_stime.tv_sec) * 1000 +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

} // namespace

class TestHttpForward : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void get_data();
    void get();
    void head_data();
    void head();
    void upload_data();
    void upload();
    void chunkedUpload_data();
    void chunkedUpload();
    void largeDownload_data();
    void largeDownload();
    void keepAliveReuse();
    void originClosesIdleConnection();
    void pipelining();
    void hopByHopRemoved_data();
    void hopByHopRemoved();
    void viaHeader_data();
    void viaHeader();
    void logEvent();
    void captureLimit_data();
    void captureLimit();

private:
    QStringList viaProxy(const EngineFixture& engine) const;
    QString writeFile(const QString& name, const QByteArray& data);

    LoopbackOrigin m_origin;
    EngineFixture m_engine;
    QTemporaryDir m_dir;
};

QStringList TestHttpForward::viaProxy(const EngineFixture& engine) const
{
    return {QStringLiteral("-x"), engine.proxyUrl()};
}

QString TestHttpForward::writeFile(const QString& name, const QByteArray& data)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
        return {};
    return path;
}

void TestHttpForward::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_origin.start());
    QVERIFY2(m_engine.start(), qPrintable(m_engine.errorString()));
}

void TestHttpForward::cleanup()
{
    // Whatever the test did, the origin must only ever have seen well-formed
    // origin-form requests, and the log must keep its Started/Finished contract.
    const QStringList originErrors = m_origin.protocolErrors();
    m_origin.clearRecords();
    QVERIFY2(originErrors.isEmpty(), qPrintable(originErrors.join(u'\n')));
    const QStringList logErrors = m_engine.takeSequenceErrors();
    QVERIFY2(logErrors.isEmpty(), qPrintable(logErrors.join(u'\n')));
}

void TestHttpForward::get_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("bytes-1000") << QStringLiteral("/bytes/1000") << 200
                                << BytePattern::bytes(0, 1000);
    QTest::newRow("bytes-0") << QStringLiteral("/bytes/0") << 200 << QByteArray();
    QTest::newRow("chunked-100000")
        << QStringLiteral("/chunked/100000") << 200 << BytePattern::bytes(0, 100000);
    QTest::newRow("close-100000") << QStringLiteral("/close/100000") << 200
                                  << BytePattern::bytes(0, 100000);
    QTest::newRow("status-404") << QStringLiteral("/status/404") << 404
                                << QByteArray("status 404\n");
    QTest::newRow("status-500") << QStringLiteral("/status/500") << 500
                                << QByteArray("status 500\n");
    QTest::newRow("status-204") << QStringLiteral("/status/204") << 204 << QByteArray();
    QTest::newRow("query-kept") << QStringLiteral("/bytes/10?a=1&b=%20x&c=/d") << 200
                                << BytePattern::bytes(0, 10);
}

void TestHttpForward::get()
{
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QByteArray, body);

    const CurlResult result = Curl::run(viaProxy(m_engine) + QStringList{m_origin.url(path)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), status);
    QCOMPARE(result.first().body.size(), body.size());
    QVERIFY(result.first().body == body);

    // The origin got the request in origin-form with the Host the client named.
    const auto request = m_origin.findRequest(path.toLatin1());
    QVERIFY(isFound(request));
    QCOMPARE(request->message.method, QByteArray("GET"));
    QCOMPARE(request->message.target, path.toLatin1());
    QCOMPARE(request->message.header("Host"), m_origin.hostPort().toLatin1());
}

void TestHttpForward::head_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("headerName");
    QTest::addColumn<QByteArray>("headerValue");

    QTest::newRow("content-length")
        << QStringLiteral("/bytes/12345") << QByteArray("content-length") << QByteArray("12345");
    // The proxy may re-frame (drop Transfer-Encoding); what matters is that it does
    // not wait for a chunked body that a HEAD response never has.
    QTest::newRow("chunked") << QStringLiteral("/chunked/5000") << QByteArray() << QByteArray();
}

void TestHttpForward::head()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, headerName);
    QFETCH(QByteArray, headerValue);

    // HEAD, then a GET on the same client connection: had the proxy sent a body
    // after the HEAD response, the GET would read it as its own response.
    const CurlResult result =
        Curl::run(viaProxy(m_engine) +
                  QStringList{QStringLiteral("-I"), m_origin.url(path), QStringLiteral("--next")} +
                  viaProxy(m_engine) + QStringList{m_origin.url(QStringLiteral("/bytes/300"))});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.transfers.size(), 2);
    const CurlTransfer head = result.transfers.at(0);
    QCOMPARE(head.httpCode(), 200);
    if (!headerName.isEmpty())
        QCOMPARE(head.header(QString::fromLatin1(headerName)), headerValue);
    QCOMPARE(head.value(QStringLiteral("size_download")), QByteArray("0"));

    const CurlTransfer get = result.transfers.at(1);
    QCOMPARE(get.httpCode(), 200);
    QCOMPARE(get.numConnects(), 0);
    QVERIFY(get.body == BytePattern::bytes(0, 300));

    const auto request = m_origin.findRequest(path.toLatin1());
    QVERIFY(isFound(request));
    QCOMPARE(request->message.method, QByteArray("HEAD"));
}

void TestHttpForward::upload_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("size");

    QTest::newRow("post-empty") << QStringLiteral("POST") << 0;
    QTest::newRow("post-1") << QStringLiteral("POST") << 1;
    QTest::newRow("post-100000") << QStringLiteral("POST") << 100000;
    // Above 1 MB curl sends Expect: 100-continue and waits for the proxy or origin.
    QTest::newRow("post-3MB-expect") << QStringLiteral("POST") << 3 * 1024 * 1024;
    QTest::newRow("put-100000") << QStringLiteral("PUT") << 100000;
}

void TestHttpForward::upload()
{
    QFETCH(QString, method);
    QFETCH(int, size);

    const QByteArray data = BytePattern::bytes(0, size);
    const QString file = writeFile(QStringLiteral("upload.bin"), data);
    QVERIFY(!file.isEmpty());
    const QString tag =
        QStringLiteral("/echo?upload=%1").arg(QString::fromLatin1(QTest::currentDataTag()));
    const CurlResult result =
        Curl::run(viaProxy(m_engine) +
                  QStringList{QStringLiteral("-X"), method, QStringLiteral("-H"),
                              QStringLiteral("Content-Type: application/octet-stream"),
                              QStringLiteral("--data-binary"), u'@' + file, m_origin.url(tag)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);

    const QJsonObject echo = QJsonDocument::fromJson(result.first().body).object();
    QCOMPARE(echo.value(QStringLiteral("method")).toString(), method);
    QCOMPARE(echo.value(QStringLiteral("bodyLength")).toInteger(), qint64(size));
    QCOMPARE(echo.value(QStringLiteral("sha256")).toString().toLatin1(),
             BytePattern::sha256Hex(size));
    QCOMPARE(result.first().header(QStringLiteral("X-Echo-Length")), QByteArray::number(size));
}

void TestHttpForward::chunkedUpload_data()
{
    QTest::addColumn<int>("size");

    QTest::newRow("empty") << 0;
    QTest::newRow("1") << 1;
    QTest::newRow("70000") << 70000;
    QTest::newRow("1MB") << 1024 * 1024;
}

void TestHttpForward::chunkedUpload()
{
    QFETCH(int, size);

    const QByteArray data = BytePattern::bytes(0, size);
    const QString file = writeFile(QStringLiteral("chunked.bin"), data);
    QVERIFY(!file.isEmpty());
    const QString tag = QStringLiteral("/echo?chunked=%1").arg(size);
    const CurlResult result =
        Curl::run(viaProxy(m_engine) +
                  QStringList{QStringLiteral("-H"), QStringLiteral("Transfer-Encoding: chunked"),
                              QStringLiteral("-H"), QStringLiteral("Expect:"),
                              QStringLiteral("--data-binary"), u'@' + file, m_origin.url(tag)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    const QJsonObject echo = QJsonDocument::fromJson(result.first().body).object();
    QCOMPARE(echo.value(QStringLiteral("bodyLength")).toInteger(), qint64(size));
    QCOMPARE(echo.value(QStringLiteral("sha256")).toString().toLatin1(),
             BytePattern::sha256Hex(size));

    // The origin must see one framing only (its parser rejects both at once).
    const auto request = m_origin.findRequest(tag.toLatin1());
    QVERIFY(isFound(request));
    QVERIFY(!(request->message.hasHeader("Content-Length") &&
              request->message.hasHeader("Transfer-Encoding")));
}

void TestHttpForward::largeDownload_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<qint64>("size");

    QTest::newRow("content-length-50MB") << QStringLiteral("/bytes/52428800") << qint64(52428800);
    QTest::newRow("chunked-8MB") << QStringLiteral("/chunked/8388608") << qint64(8388608);
    QTest::newRow("close-8MB") << QStringLiteral("/close/8388608") << qint64(8388608);
}

void TestHttpForward::largeDownload()
{
    QFETCH(QString, path);
    QFETCH(qint64, size);

    const QString file = m_dir.filePath(QStringLiteral("download.bin"));
    QFile::remove(file);
    const CurlResult result = Curl::run(
        viaProxy(m_engine) + QStringList{QStringLiteral("-o"), file, m_origin.url(path)}, 30);
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    const QString why = BytePattern::verifyFile(file, size);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QFile::remove(file);
}

void TestHttpForward::keepAliveReuse()
{
    // A fresh origin, so that no pooled connection from earlier tests counts.
    LoopbackOrigin origin;
    QVERIFY(origin.start());
    const CurlResult result =
        Curl::run(viaProxy(m_engine) + QStringList{origin.url(QStringLiteral("/bytes/100")),
                                                   origin.url(QStringLiteral("/chunked/200"))});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.transfers.size(), 2);
    QCOMPARE(result.transfers.at(0).numConnects(), 1);
    QCOMPARE(result.transfers.at(1).numConnects(), 0); // curl reused its proxy connection
    QVERIFY(result.transfers.at(0).body == BytePattern::bytes(0, 100));
    QVERIFY(result.transfers.at(1).body == BytePattern::bytes(0, 200));
    QCOMPARE(origin.requests().size(), 2);
    QCOMPARE(origin.connectionCount(), 1); // and the proxy reused its origin connection
}

void TestHttpForward::originClosesIdleConnection()
{
    // The origin answers with keep-alive, then closes the connection. The
    // client's forwarder, which put the connection in the pool and still listens
    // to it, must have the pool drop it: a closed socket nobody reads would keep
    // the engine thread busy, and the next request would be written into it.
    ScriptedServer origin({{"\r\n\r\n", 0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true}},
                          true);
    QVERIFY(origin.start());
    const QByteArray authority = "127.0.0.1:" + QByteArray::number(origin.port());
    auto request = [&](const QByteArray& path) {
        return "GET http://" + authority + path + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    };
    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write(request("/first")));
    HttpMessage reply;
    QVERIFY2(client.readResponse(&reply, "GET", 5000), qPrintable(client.errorString()));
    QCOMPARE(reply.status, 200);
    QVERIFY(origin.waitForClosed(0, 3000));
    QTest::qWait(200); // the engine sees the close

    const qint64 cpuBefore = processCpuMs();
    QTest::qWait(600);
    const qint64 idleCpuMs = processCpuMs() - cpuBefore;
    QVERIFY2(idleCpuMs < 200,
             qPrintable(QStringLiteral("%1 ms of CPU in 600 ms idle").arg(idleCpuMs)));

    QVERIFY(client.write(request("/second")));
    QVERIFY2(client.readResponse(&reply, "GET", 5000), qPrintable(client.errorString()));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("ok"));
    QCOMPARE(origin.connectionCount(), 2);
    QVERIFY(origin.received().at(1).contains("GET /second "));
    // A new connection was dialled, not the dead one taken and then retried.
    const auto event = m_engine.waitForFinished(
        [](const LogEvent& e) { return e.target.endsWith(QStringLiteral("/second")); });
    QVERIFY(event.has_value());
    QVERIFY2(event->connectUs > 0, qPrintable(QString::number(event->connectUs)));
}

void TestHttpForward::pipelining()
{
    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    const QByteArray host = m_origin.hostPort().toLatin1();
    auto request = [&](const QByteArray& method, const QByteArray& path) {
        return method + " http://" + host + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    };
    // All in one write. The first is slow, so a proxy that answered in completion
    // order rather than request order would be caught.
    QVERIFY(client.write(request("GET", "/slow/300?pipe=1") + request("HEAD", "/bytes/100?pipe=2") +
                         request("GET", "/chunked/7000?pipe=3") +
                         request("GET", "/bytes/5?pipe=4")));

    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET"), qPrintable(client.errorString()));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("slow 300\n"));

    QVERIFY2(client.readResponse(&response, "HEAD"), qPrintable(client.errorString()));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Length"), QByteArray("100"));
    QVERIFY(response.body.isEmpty());

    QVERIFY2(client.readResponse(&response, "GET"), qPrintable(client.errorString()));
    QCOMPARE(response.status, 200);
    QVERIFY(response.body == BytePattern::bytes(0, 7000));

    QVERIFY2(client.readResponse(&response, "GET"), qPrintable(client.errorString()));
    QCOMPARE(response.status, 200);
    QVERIFY(response.body == BytePattern::bytes(0, 5));

    // The connection is still usable afterwards.
    QVERIFY(client.write(request("GET", "/bytes/50?pipe=5")));
    QVERIFY2(client.readResponse(&response, "GET"), qPrintable(client.errorString()));
    QVERIFY(response.body == BytePattern::bytes(0, 50));
    QVERIFY(client.takeBuffered().isEmpty());
}

void TestHttpForward::hopByHopRemoved_data()
{
    QTest::addColumn<QStringList>("headers");
    QTest::addColumn<QByteArrayList>("forbidden");

    QTest::newRow("proxy-connection") << QStringList{QStringLiteral("Proxy-Connection: keep-alive")}
                                      << QByteArrayList{"proxy-connection"};
    QTest::newRow("keep-alive") << QStringList{QStringLiteral("Keep-Alive: 5")}
                                << QByteArrayList{"keep-alive"};
    QTest::newRow("te") << QStringList{QStringLiteral("TE: trailers")} << QByteArrayList{"te"};
    QTest::newRow("proxy-authorization")
        << QStringList{QStringLiteral("Proxy-Authorization: Basic Zm9vOmJhcg==")}
        << QByteArrayList{"proxy-authorization"};
    QTest::newRow("connection-nominated")
        << QStringList{QStringLiteral("Connection: X-Foo"), QStringLiteral("X-Foo: 1")}
        << QByteArrayList{"x-foo"};
    QTest::newRow("all-at-once")
        << QStringList{QStringLiteral("Proxy-Connection: keep-alive"),
                       QStringLiteral("Connection: X-Foo"),
                       QStringLiteral("X-Foo: 1"),
                       QStringLiteral("Keep-Alive: 5"),
                       QStringLiteral("TE: trailers"),
                       QStringLiteral("Proxy-Authorization: Basic Zm9vOmJhcg==")}
        << QByteArrayList{"proxy-connection", "x-foo", "keep-alive", "te", "proxy-authorization"};
}

void TestHttpForward::hopByHopRemoved()
{
    QFETCH(QStringList, headers);
    QFETCH(QByteArrayList, forbidden);

    QStringList args = viaProxy(m_engine);
    for (const QString& header : std::as_const(headers))
        args << QStringLiteral("-H") << header;
    args << QStringLiteral("-H") << QStringLiteral("X-Keep-Me: yes");
    const QString path =
        QStringLiteral("/bytes/10?hop=%1").arg(QString::fromLatin1(QTest::currentDataTag()));
    args << m_origin.url(path);
    const CurlResult result = Curl::run(args);
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);

    const auto request = m_origin.findRequest(path.toLatin1());
    QVERIFY(isFound(request));
    const HttpMessage& seen = request->message;
    const QByteArrayList names = seen.headerNames();
    // Never forwarded in any row: privacy first, no Via unless asked for.
    forbidden << "via"
              << "x-forwarded-for"
              << "forwarded";
    for (const QByteArray& name : std::as_const(forbidden))
        QVERIFY2(!names.contains(name), "origin received " + name + ":\n" + seen.rawHead);
    QVERIFY2(!seen.hasToken("Connection", "x-foo"), seen.rawHead);
    QVERIFY2(!seen.rawHead.toLower().contains("zm9vomjhcg=="), seen.rawHead); // the credentials
    QCOMPARE(seen.header("X-Keep-Me"), QByteArray("yes"));
}

void TestHttpForward::viaHeader_data()
{
    QTest::addColumn<bool>("addVia");

    QTest::newRow("off") << false;
    QTest::newRow("on") << true;
}

void TestHttpForward::viaHeader()
{
    QFETCH(bool, addVia);

    EngineSettings settings = EngineFixture::testSettings();
    settings.addViaHeader = addVia;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));
    const QString path = QStringLiteral("/bytes/10?via=%1").arg(addVia);
    const CurlResult result = Curl::run(viaProxy(engine) + QStringList{m_origin.url(path)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());

    const auto request = m_origin.findRequest(path.toLatin1());
    QVERIFY(isFound(request));
    const QByteArray via = request->message.header("Via");
    if (addVia) {
        QVERIFY2(via.startsWith("1.1 "), request->message.rawHead);
    } else {
        QVERIFY2(!request->message.hasHeader("Via"), request->message.rawHead);
    }
}

void TestHttpForward::logEvent()
{
    m_engine.clearEvents();
    const QString path = QStringLiteral("/bytes/2000?log=get");
    const CurlResult result = Curl::run(
        viaProxy(m_engine) +
        QStringList{QStringLiteral("-H"), QStringLiteral("X-Log-Test: yes"), m_origin.url(path)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());

    const QString url = m_origin.url(path);
    const auto event = m_engine.waitForFinished([&](const LogEvent& e) { return e.target == url; });
    QVERIFY2(event.has_value(), "no finished log event for the request");
    QCOMPARE(event->protocol, LogProtocol::Http);
    QCOMPARE(event->method, QByteArray("GET"));
    QCOMPARE(event->host, QStringLiteral("127.0.0.1"));
    QCOMPARE(event->port, m_origin.port());
    QCOMPARE(event->httpVersion, QByteArray("HTTP/1.1"));
    QCOMPARE(event->status, 200);
    QCOMPARE(event->route, QStringLiteral("direct"));
    QVERIFY2(event->error.isEmpty(), qPrintable(event->error));
    QVERIFY(event->clientAddress.startsWith(QStringLiteral("127.0.0.1:")));
    QVERIFY2(event->bytesDown >= 2000, QByteArray::number(event->bytesDown));
    QVERIFY(event->durationUs >= 0);
    QVERIFY(event->startedAtMs > 0);

    bool sawHeader = false;
    for (const HeaderField& field : event->requestHeaders)
        sawHeader = sawHeader || (field.first.toLower() == "x-log-test" && field.second == "yes");
    QVERIFY(sawHeader);
    bool sawLength = false;
    for (const HeaderField& field : event->responseHeaders)
        sawLength =
            sawLength || (field.first.toLower() == "content-length" && field.second == "2000");
    QVERIFY(sawLength);
    QVERIFY(event->responseBody == BytePattern::bytes(0, 2000));
    QVERIFY(!event->responseBodyTruncated);

    // A request body is captured too.
    const QString postPath = QStringLiteral("/echo?log=post");
    const QString file = writeFile(QStringLiteral("log.bin"), BytePattern::bytes(0, 500));
    const CurlResult post =
        Curl::run(viaProxy(m_engine) + QStringList{QStringLiteral("--data-binary"), u'@' + file,
                                                   m_origin.url(postPath)});
    QVERIFY2(post.finished && post.exitCode == 0, post.describe());
    const QString postUrl = m_origin.url(postPath);
    const auto postEvent =
        m_engine.waitForFinished([&](const LogEvent& e) { return e.target == postUrl; });
    QVERIFY(postEvent.has_value());
    QCOMPARE(postEvent->method, QByteArray("POST"));
    QVERIFY(postEvent->requestBody == BytePattern::bytes(0, 500));
    QVERIFY(!postEvent->requestBodyTruncated);
    QVERIFY(postEvent->bytesUp >= 500);
}

void TestHttpForward::captureLimit_data()
{
    QTest::addColumn<bool>("enabled");
    QTest::addColumn<qint64>("maxBodyBytes");

    QTest::newRow("cap-100") << true << qint64(100);
    QTest::newRow("cap-0-headers-only") << true << qint64(0);
    QTest::newRow("cap-1MB") << true << qint64(1024 * 1024);
    QTest::newRow("capture-off") << false << qint64(1024 * 1024);
}

void TestHttpForward::captureLimit()
{
    QFETCH(bool, enabled);
    QFETCH(qint64, maxBodyBytes);
    constexpr int kResponseSize = 5000;
    constexpr int kRequestSize = 300;

    EngineSettings settings = EngineFixture::testSettings();
    settings.capture.enabled = enabled;
    settings.capture.maxBodyBytes = maxBodyBytes;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    const QString getUrl =
        m_origin.url(QStringLiteral("/bytes/%1?cap=%2").arg(kResponseSize).arg(tag));
    const QString postUrl = m_origin.url(QStringLiteral("/echo?cap=%1").arg(tag));
    const QString file = writeFile(QStringLiteral("cap.bin"), BytePattern::bytes(0, kRequestSize));
    const CurlResult get = Curl::run(viaProxy(engine) + QStringList{getUrl});
    QVERIFY2(get.finished && get.exitCode == 0, get.describe());
    const CurlResult post = Curl::run(
        viaProxy(engine) + QStringList{QStringLiteral("--data-binary"), u'@' + file, postUrl});
    QVERIFY2(post.finished && post.exitCode == 0, post.describe());

    const auto getEvent =
        engine.waitForFinished([&](const LogEvent& e) { return e.target == getUrl; });
    const auto postEvent =
        engine.waitForFinished([&](const LogEvent& e) { return e.target == postUrl; });
    QVERIFY(getEvent.has_value());
    QVERIFY(postEvent.has_value());
    QCOMPARE(getEvent->status, 200);

    if (!enabled) {
        QVERIFY(getEvent->requestHeaders.isEmpty());
        QVERIFY(getEvent->responseHeaders.isEmpty());
        QVERIFY(getEvent->responseBody.isEmpty());
        QVERIFY(postEvent->requestBody.isEmpty());
        return;
    }
    QVERIFY(!getEvent->requestHeaders.isEmpty());
    QVERIFY(!getEvent->responseHeaders.isEmpty());
    const qint64 responseKept = qMin<qint64>(maxBodyBytes, kResponseSize);
    const qint64 requestKept = qMin<qint64>(maxBodyBytes, kRequestSize);
    QCOMPARE(getEvent->responseBody.size(), responseKept);
    QVERIFY(getEvent->responseBody == BytePattern::bytes(0, responseKept));
    QCOMPARE(postEvent->requestBody.size(), requestKept);
    QVERIFY(postEvent->requestBody == BytePattern::bytes(0, requestKept));
    if (maxBodyBytes > 0) {
        QCOMPARE(getEvent->responseBodyTruncated, maxBodyBytes < kResponseSize);
        QCOMPARE(postEvent->requestBodyTruncated, maxBodyBytes < kRequestSize);
    }
}

QTEST_GUILESS_MAIN(TestHttpForward)
#include "tst_httpforward.moc"
