// Every way a request can fail, each answered with a status, a readable body and a
// finished log event that carries the status and an error.

#include "BlackholeListener.h"
#include "Curl.h"
#include "EngineFixture.h"
#include "FreePort.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Switchyard;

namespace {

constexpr int kConnectTimeoutMs = 500;

void verifyErrorEvent(EngineFixture& engine, int status, const EngineFixture::Match& match = {})
{
    const auto event = engine.waitForFinished(
        [&](const LogEvent& e) { return e.status == status && (!match || match(e)); });
    QVERIFY2(event.has_value(),
             qPrintable(QStringLiteral("no finished log event with status %1").arg(status)));
    QVERIFY2(!event->error.isEmpty(), "the log event has no error text");
}

} // namespace

class TestProxyErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void upstreamErrors_data();
    void upstreamErrors();
    void connectErrors_data();
    void connectErrors();
    void malformedRequest_data();
    void malformedRequest();
    void headLimits_data();
    void headLimits();
    void headTimeout();
    void tooManyClients();
    void requestToProxyItself_data();
    void requestToProxyItself();
    void absoluteFormToItselfDoesNotLoop();

private:
    LoopbackOrigin m_origin;
    BlackholeListener m_blackhole;
    EngineFixture m_engine;
    quint16 m_refusedPort = 0;
};

void TestProxyErrors::initTestCase()
{
    QVERIFY(m_origin.start());
    QVERIFY2(m_blackhole.start(), "could not make a loopback port where connect() hangs");
    m_refusedPort = FreePort::refusedPort();
    QVERIFY(m_refusedPort != 0);
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.connectTimeoutMs = kConnectTimeoutMs;
    QVERIFY2(m_engine.start(settings), qPrintable(m_engine.errorString()));
}

void TestProxyErrors::init()
{
    m_engine.clearEvents();
}

void TestProxyErrors::cleanup()
{
    const QStringList originErrors = m_origin.protocolErrors();
    m_origin.clearRecords();
    QVERIFY2(originErrors.isEmpty(), qPrintable(originErrors.join(u'\n')));
    const QStringList logErrors = m_engine.takeSequenceErrors();
    QVERIFY2(logErrors.isEmpty(), qPrintable(logErrors.join(u'\n')));
}

void TestProxyErrors::upstreamErrors_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("bodyContains");
    QTest::addColumn<QByteArray>("proxyStatusError"); // RFC 9209 error type

    QTest::newRow("unknown-host") << QStringLiteral("nosuchhost.invalid") << 80 << 502
                                  << QStringList{QStringLiteral("could not resolve"),
                                                 QStringLiteral("\"nosuchhost.invalid\"")}
                                  << QByteArray("dns_error");
    QTest::newRow("connection-refused")
        << QStringLiteral("127.0.0.1") << int(m_refusedPort) << 502
        << QStringList{QStringLiteral("127.0.0.1:%1").arg(m_refusedPort),
                       QStringLiteral("connection refused")}
        << QByteArray("connection_refused");
    QTest::newRow("connect-timeout")
        << QStringLiteral("127.0.0.1") << int(m_blackhole.port()) << 504
        << QStringList{QStringLiteral("timed out")} << QByteArray("connection_timeout");
}

void TestProxyErrors::upstreamErrors()
{
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(int, status);
    QFETCH(QStringList, bodyContains);
    QFETCH(QByteArray, proxyStatusError);

    const QString url = port == 80 ? QStringLiteral("http://%1/").arg(host)
                                   : QStringLiteral("http://%1:%2/").arg(host).arg(port);
    const CurlResult result = Curl::run({QStringLiteral("-x"), m_engine.proxyUrl(), url});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    const CurlTransfer reply = result.first();
    QCOMPARE(reply.httpCode(), status);
    const QString body = QString::fromUtf8(reply.body);
    for (const QString& text : std::as_const(bodyContains))
        QVERIFY2(body.contains(text, Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("body lacks \"%1\": %2").arg(text, body)));
    const QByteArray contentType = reply.header(QStringLiteral("Content-Type")).toLower();
    QVERIFY2(contentType.startsWith("text/plain") && contentType.contains("charset=utf-8"),
             contentType);
    const QByteArray proxyStatus = reply.header(QStringLiteral("Proxy-Status"));
    QVERIFY2(proxyStatus.startsWith("Switchyard"), proxyStatus);
    QVERIFY2(proxyStatus.contains("error=" + proxyStatusError), proxyStatus);
    if (status == 504) {
        // The engine's own connect timeout fired, not some later one.
        QVERIFY2(result.elapsedMs >= kConnectTimeoutMs - 50, QByteArray::number(result.elapsedMs));
        QVERIFY2(result.elapsedMs < kConnectTimeoutMs + 3000, QByteArray::number(result.elapsedMs));
    }

    verifyErrorEvent(m_engine, status,
                     [&](const LogEvent& e) { return e.host == host && e.port == port; });
}

void TestProxyErrors::connectErrors_data()
{
    QTest::addColumn<QByteArray>("authority");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("bodyContains");

    QTest::newRow("unknown-host") << QByteArray("nosuchhost.invalid:443") << 502
                                  << QStringLiteral("nosuchhost.invalid");
    QTest::newRow("connection-refused")
        << QByteArray("127.0.0.1:" + QByteArray::number(m_refusedPort)) << 502
        << QStringLiteral("connection refused");
    QTest::newRow("connect-timeout")
        << QByteArray("127.0.0.1:" + QByteArray::number(m_blackhole.port())) << 504
        << QStringLiteral("timed out");
}

void TestProxyErrors::connectErrors()
{
    QFETCH(QByteArray, authority);
    QFETCH(int, status);
    QFETCH(QString, bodyContains);

    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "CONNECT", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, status);
    QVERIFY2(QString::fromUtf8(response.body).contains(bodyContains, Qt::CaseInsensitive),
             response.body);
    QVERIFY(response.hasHeader("Proxy-Status"));
    verifyErrorEvent(m_engine, status,
                     [](const LogEvent& e) { return e.protocol == LogProtocol::Connect; });
}

void TestProxyErrors::malformedRequest_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("mustNotReachOrigin"); // empty: the head may have gone out

    const QByteArray a = m_origin.hostPort().toLatin1();
    QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << QByteArray();
    QTest::newRow("content-length-and-chunked")
        << QByteArray("POST http://" + a + "/echo?bad=clte HTTP/1.1\r\nHost: " + a +
                      "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        << QByteArray("bad=clte");
    QTest::newRow("two-content-lengths")
        << QByteArray("POST http://" + a + "/echo?bad=twocl HTTP/1.1\r\nHost: " + a +
                      "\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")
        << QByteArray("bad=twocl");
    QTest::newRow("bad-chunk-size")
        << QByteArray("POST http://" + a + "/echo?bad=chunk HTTP/1.1\r\nHost: " + a +
                      "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
        << QByteArray();
    // RFC 9112 section 5.1: whitespace between a field name and the colon is a 400.
    QTest::newRow("space-before-colon")
        << QByteArray("GET http://" + a + "/bytes/1?bad=space HTTP/1.1\r\nHost : " + a + "\r\n\r\n")
        << QByteArray("bad=space");
}

void TestProxyErrors::malformedRequest()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, mustNotReachOrigin);

    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write(request));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, 400);
    QVERIFY2(response.body.startsWith("Bad request"), response.body);
    QVERIFY2(response.header("Content-Type").toLower().startsWith("text/plain"),
             response.header("Content-Type"));
    QVERIFY2(client.waitForClosed(3000), "the proxy kept the connection open after a 400");
    if (!mustNotReachOrigin.isEmpty())
        QVERIFY2(!m_origin.findRequest(mustNotReachOrigin).has_value(),
                 "the malformed request reached the origin");
    verifyErrorEvent(m_engine, 400);
}

void TestProxyErrors::headLimits_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const QByteArray a = m_origin.hostPort().toLatin1();
    const QByteArray line = "GET http://" + a + "/bytes/1 HTTP/1.1\r\nHost: " + a + "\r\n";
    QTest::newRow("head-too-large")
        << QByteArray(line + "X-Big: " + QByteArray(10000, 'a') + "\r\n\r\n") << 431;
    QByteArray fields;
    for (int i = 0; i < 150; ++i)
        fields += "X-Field-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("too-many-fields") << QByteArray(line + fields + "\r\n") << 431;
    QTest::newRow("uri-too-long") << QByteArray("GET http://" + a + "/bytes/1?" +
                                                QByteArray(2000, 'q') + " HTTP/1.1\r\nHost: " + a +
                                                "\r\n\r\n")
                                  << 414;
}

void TestProxyErrors::headLimits()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.maxHeadBytes = 8192;
    settings.limits.maxUriBytes = 1024;
    settings.limits.maxHeaderFields = 100;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    RawHttpClient client;
    QVERIFY2(client.connectTo(engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write(request));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, status);
    QVERIFY2(!response.body.trimmed().isEmpty(), "error response without a body");
    QVERIFY2(client.waitForClosed(3000), "the proxy kept the connection open");
    QCOMPARE(m_origin.requests().size(), 0);
    verifyErrorEvent(engine, status);
}

void TestProxyErrors::headTimeout()
{
    constexpr int kHeadTimeoutMs = 300;
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.headTimeoutMs = kHeadTimeoutMs;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    RawHttpClient client;
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(client.connectTo(engine.port()), qPrintable(client.errorString()));
    QVERIFY(
        client.write("GET http://" + m_origin.hostPort().toLatin1() + "/bytes/1 HTTP/1.1\r\nHo"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(response.status, 408);
    QVERIFY2(!response.body.trimmed().isEmpty(), "408 without a body");
    QVERIFY2(elapsed >= kHeadTimeoutMs - 50, QByteArray::number(elapsed));
    QVERIFY2(elapsed < kHeadTimeoutMs + 2000, QByteArray::number(elapsed));
    QVERIFY2(client.waitForClosed(3000), "the proxy kept the connection open after a 408");
    verifyErrorEvent(engine, 408);
}

void TestProxyErrors::tooManyClients()
{
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.maxClientConnections = 2;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    const QByteArray a = m_origin.hostPort().toLatin1();
    const QByteArray request = "GET http://" + a + "/bytes/10 HTTP/1.1\r\nHost: " + a + "\r\n\r\n";
    auto served = [&](RawHttpClient& client) {
        HttpMessage response;
        return client.write(request) && client.readResponse(&response, "GET", 3000) &&
               response.status == 200;
    };

    RawHttpClient first;
    RawHttpClient second;
    QVERIFY(first.connectTo(engine.port()));
    QVERIFY(served(first));
    QVERIFY(second.connectTo(engine.port()));
    QVERIFY(served(second));

    // One too many: a 503 (or a plain close), never a forwarded response.
    RawHttpClient third;
    QVERIFY(third.connectTo(engine.port()));
    HttpMessage response;
    third.write(request);
    if (third.readResponse(&response, "GET", 3000)) {
        QCOMPARE(response.status, 503);
        QVERIFY2(!response.body.trimmed().isEmpty(), "503 without a body");
        verifyErrorEvent(engine, 503);
    }
    QVERIFY2(third.waitForClosed(3000), "the connection over the limit was not closed");

    // The existing clients keep working.
    QVERIFY(served(first));
    QVERIFY(served(second));

    // Once one leaves, a newcomer gets in.
    second.socket().close();
    const bool admitted = QTest::qWaitFor(
        [&] {
            RawHttpClient newcomer;
            return newcomer.connectTo(engine.port()) && served(newcomer);
        },
        3000);
    QVERIFY2(admitted, "a freed slot was not given to a new client");
}

void TestProxyErrors::requestToProxyItself_data()
{
    QTest::addColumn<bool>("useCurl");

    QTest::newRow("origin-form-raw") << false;
    QTest::newRow("curl-without-proxy") << true;
}

void TestProxyErrors::requestToProxyItself()
{
    QFETCH(bool, useCurl);

    int status = 0;
    QByteArray body;
    const QByteArray authority = "127.0.0.1:" + QByteArray::number(m_engine.port());
    if (useCurl) {
        const CurlResult result = Curl::run({QString::fromLatin1("http://" + authority + "/")});
        QVERIFY2(result.finished && result.exitCode == 0, result.describe());
        status = result.first().httpCode();
        body = result.first().body;
    } else {
        RawHttpClient client;
        QVERIFY(client.connectTo(m_engine.port()));
        QVERIFY(client.write("GET / HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
        HttpMessage response;
        QVERIFY2(client.readResponse(&response), qPrintable(client.errorString()));
        status = response.status;
        body = response.body;
    }
    QCOMPARE(status, 200);
    QVERIFY2(body.contains("Switchyard"), body.left(500));
    const auto event = m_engine.waitForFinished(
        [](const LogEvent& e) { return e.protocol == LogProtocol::Local && e.status == 200; });
    QVERIFY2(event.has_value(), "no finished Local log event for the status page");
}

void TestProxyErrors::absoluteFormToItselfDoesNotLoop()
{
    // Forwarding a request for the proxy's own address to itself would recurse
    // until every connection slot is used up.
    const QString self = QStringLiteral("http://127.0.0.1:%1/").arg(m_engine.port());
    const CurlResult result = Curl::run({QStringLiteral("-x"), m_engine.proxyUrl(), self}, 5);
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QVERIFY(result.first().httpCode() != 0);
    QTest::qWait(200);
    const QList<LogEvent> events = m_engine.events();
    QVERIFY2(events.size() < 10, QByteArray::number(events.size()) + " log events for one request");
    // The engine still works.
    const CurlResult after = Curl::run(
        {QStringLiteral("-x"), m_engine.proxyUrl(), m_origin.url(QStringLiteral("/bytes/1"))});
    QVERIFY2(after.finished && after.exitCode == 0, after.describe());
    QCOMPARE(after.first().httpCode(), 200);
}

QTEST_GUILESS_MAIN(TestProxyErrors)
#include "tst_proxyerrors.moc"
