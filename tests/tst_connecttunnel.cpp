// CONNECT tunnels: TLS end to end through the proxy, plain HTTP over a tunnel,
// and a client that half-closes its side of the tunnel.

#include "BytePattern.h"
#include "Curl.h"
#include "EngineFixture.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"
#include "TlsOrigin.h"

#include <QTest>

using namespace Switchyard;

class TestConnectTunnel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void tlsThroughTunnel_data();
    void tlsThroughTunnel();
    void plainHttpThroughTunnel();
    void halfClose_data();
    void halfClose();

private:
    LoopbackOrigin m_origin;
    TlsOrigin m_tls;
    EngineFixture m_engine;
};

void TestConnectTunnel::initTestCase()
{
    QVERIFY(m_origin.start());
    QVERIFY2(m_tls.start(), qPrintable(m_tls.errorString()));
    QVERIFY2(m_engine.start(), qPrintable(m_engine.errorString()));
}

void TestConnectTunnel::cleanup()
{
    const QStringList originErrors = m_origin.protocolErrors();
    m_origin.clearRecords();
    QVERIFY2(originErrors.isEmpty(), qPrintable(originErrors.join(u'\n')));
    const QStringList logErrors = m_engine.takeSequenceErrors();
    QVERIFY2(logErrors.isEmpty(), qPrintable(logErrors.join(u'\n')));
}

void TestConnectTunnel::tlsThroughTunnel_data()
{
    QTest::addColumn<QString>("host");

    // "localhost" is resolved by the engine (the origin listens on 127.0.0.1 only,
    // so an engine that tries ::1 first must fall back to the next address).
    QTest::newRow("localhost") << QStringLiteral("localhost");
    QTest::newRow("ipv4-literal") << QStringLiteral("127.0.0.1");
}

void TestConnectTunnel::tlsThroughTunnel()
{
    QFETCH(QString, host);

    m_engine.clearEvents();
    const int handshakesBefore = m_tls.handshakes();
    const CurlResult result = Curl::run(
        {QStringLiteral("--cacert"), m_tls.certificatePath(), QStringLiteral("-x"),
         m_engine.proxyUrl(), QStringLiteral("https://%1:%2/").arg(host).arg(m_tls.port())});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().value(QStringLiteral("http_connect")), QByteArray("200"));
    QCOMPARE(result.first().httpCode(), 200);
    QCOMPARE(result.first().body, TlsOrigin::body());
    QCOMPARE(m_tls.handshakes(), handshakesBefore + 1);

    const auto event = m_engine.waitForFinished(
        [&](const LogEvent& e) { return e.protocol == LogProtocol::Connect && e.host == host; });
    QVERIFY2(event.has_value(), "no finished CONNECT log event");
    QCOMPARE(event->method, QByteArray("CONNECT"));
    QCOMPARE(event->port, m_tls.port());
    QCOMPARE(event->target, QStringLiteral("%1:%2").arg(host).arg(m_tls.port()));
    QCOMPARE(event->status, 200);
    QCOMPARE(event->route, QStringLiteral("direct"));
    // No check of event->error: curl closes without reading the origin's TLS
    // close_notify, so its kernel may answer with a reset that the engine reports.
    // The tunnel carried a TLS handshake both ways plus the request and response.
    QVERIFY2(event->bytesUp > 200, QByteArray::number(event->bytesUp));
    QVERIFY2(event->bytesDown > quint64(500 + TlsOrigin::body().size()),
             QByteArray::number(event->bytesDown));
    QVERIFY(event->connectUs >= 0);
    QVERIFY(event->isTunnel());
}

void TestConnectTunnel::plainHttpThroughTunnel()
{
    m_engine.clearEvents();
    const CurlResult result =
        Curl::run({QStringLiteral("-p"), QStringLiteral("-x"), m_engine.proxyUrl(),
                   m_origin.url(QStringLiteral("/bytes/100000?tunnel=1"))});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 100000));

    // Through a tunnel the origin sees exactly what curl wrote: origin-form.
    const auto request = m_origin.findRequest("tunnel=1");
    QVERIFY(request.has_value());
    QCOMPARE(request->message.target, QByteArray("/bytes/100000?tunnel=1"));

    const auto event = m_engine.waitForFinished([&](const LogEvent& e) {
        return e.protocol == LogProtocol::Connect && e.port == m_origin.port();
    });
    QVERIFY2(event.has_value(), "no finished CONNECT log event");
    QCOMPARE(event->host, QStringLiteral("127.0.0.1"));
    QCOMPARE(event->status, 200);
    QVERIFY2(event->bytesDown >= 100000, QByteArray::number(event->bytesDown));
    QVERIFY2(event->bytesUp >= quint64(request->message.rawSize),
             QByteArray::number(event->bytesUp));
}

void TestConnectTunnel::halfClose_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");

    // The FIN reaches the origin before it answers…
    QTest::newRow("fin-before-response") << QByteArray("/slow/300") << QByteArray("slow 300\n");
    // …or while a long response is still flowing.
    QTest::newRow("fin-during-response")
        << QByteArray("/bytes/3000000") << BytePattern::bytes(0, 3000000);
}

void TestConnectTunnel::halfClose()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);

    const QByteArray authority = m_origin.hostPort().toLatin1();
    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    HttpMessage established;
    QVERIFY2(client.readResponse(&established, "CONNECT"), qPrintable(client.errorString()));
    QCOMPARE(established.status, 200);

    QVERIFY(client.write("GET " + path + "?halfclose HTTP/1.1\r\nHost: " + authority +
                         "\r\nConnection: close\r\n\r\n"));
    QVERIFY(client.shutdownWrite());

    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 10'000), qPrintable(client.errorString()));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body.size(), body.size());
    QVERIFY(response.body == body);
    QVERIFY2(client.waitForClosed(), "the proxy did not close the tunnel after the origin did");

    const auto request = m_origin.findRequest(path + "?halfclose");
    QVERIFY(request.has_value());
}

QTEST_GUILESS_MAIN(TestConnectTunnel)
#include "tst_connecttunnel.moc"
