// WebSocket: an absolute-form GET with Upgrade through the proxy, 101, then the
// connection is a byte tunnel to the origin's echo.

#include "BytePattern.h"
#include "EngineFixture.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"

#include <QTest>

using namespace Switchyard;

namespace {

// A masked client text frame (RFC 6455 section 5.2) carrying payload.
QByteArray maskedFrame(const QByteArray& payload)
{
    QByteArray frame;
    frame.append(char(0x81)); // FIN + text
    const qsizetype n = payload.size();
    if (n < 126) {
        frame.append(char(0x80 | n));
    } else if (n < 65536) {
        frame.append(char(0x80 | 126));
        frame.append(char((n >> 8) & 0xFF));
        frame.append(char(n & 0xFF));
    } else {
        frame.append(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((quint64(n) >> shift) & 0xFF));
    }
    const QByteArray mask = QByteArrayLiteral("\x12\x34\x56\x78");
    frame.append(mask);
    for (qsizetype i = 0; i < n; ++i)
        frame.append(char(payload.at(i) ^ mask.at(i % 4)));
    return frame;
}

} // namespace

class TestWebSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void upgradeAndEcho_data();
    void upgradeAndEcho();

private:
    LoopbackOrigin m_origin;
    EngineFixture m_engine;
};

void TestWebSocket::initTestCase()
{
    QVERIFY(m_origin.start());
    QVERIFY2(m_engine.start(), qPrintable(m_engine.errorString()));
}

void TestWebSocket::cleanup()
{
    const QStringList originErrors = m_origin.protocolErrors();
    m_origin.clearRecords();
    QVERIFY2(originErrors.isEmpty(), qPrintable(originErrors.join(u'\n')));
    const QStringList logErrors = m_engine.takeSequenceErrors();
    QVERIFY2(logErrors.isEmpty(), qPrintable(logErrors.join(u'\n')));
}

void TestWebSocket::upgradeAndEcho_data()
{
    QTest::addColumn<QByteArray>("payload");

    QTest::newRow("text-frame") << maskedFrame(QByteArrayLiteral("hello through the proxy"));
    QTest::newRow("large-frame") << maskedFrame(BytePattern::bytes(0, 70000));
    QTest::newRow("1MB-raw") << BytePattern::bytes(0, 1024 * 1024);
}

void TestWebSocket::upgradeAndEcho()
{
    QFETCH(QByteArray, payload);

    m_engine.clearEvents();
    const QByteArray authority = m_origin.hostPort().toLatin1();
    const QByteArray path = "/ws?case=" + QByteArray(QTest::currentDataTag());
    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    // The RFC 6455 sample key, whose accept value the RFC gives.
    QVERIFY(client.write("GET http://" + authority + path + " HTTP/1.1\r\nHost: " + authority +
                         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response), qPrintable(client.errorString()));
    QCOMPARE(response.status, 101);
    QCOMPARE(response.header("Sec-WebSocket-Accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    QVERIFY(response.hasToken("Upgrade", "websocket"));
    QVERIFY(response.hasToken("Connection", "upgrade"));

    // The proxy must forward the upgrade fields even though they are hop-by-hop.
    const auto request = m_origin.findRequest(path);
    QVERIFY(request.has_value());
    QCOMPARE(request->message.target, path);
    QVERIFY(request->message.hasToken("Upgrade", "websocket"));
    QVERIFY(request->message.hasToken("Connection", "upgrade"));

    QVERIFY(client.write(payload));
    const QByteArray echoed = client.readExactly(payload.size(), 10'000);
    QCOMPARE(echoed.size(), payload.size());
    QVERIFY(echoed == payload);

    // A second round trip on the same tunnel.
    QVERIFY(client.write("ping"));
    QCOMPARE(client.readExactly(4), QByteArray("ping"));

    client.socket().close();
    const auto event = m_engine.waitForFinished(
        [&](const LogEvent& e) { return e.protocol == LogProtocol::WebSocket; });
    QVERIFY2(event.has_value(), "no finished WebSocket log event");
    QCOMPARE(event->method, QByteArray("GET"));
    QCOMPARE(event->host, QStringLiteral("127.0.0.1"));
    QCOMPARE(event->port, m_origin.port());
    QCOMPARE(event->status, 101);
    QVERIFY(event->isTunnel());
    const quint64 tunnelled = payload.size() + 4;
    QVERIFY2(event->bytesUp >= tunnelled, QByteArray::number(event->bytesUp));
    QVERIFY2(event->bytesDown >= tunnelled, QByteArray::number(event->bytesDown));
}

QTEST_GUILESS_MAIN(TestWebSocket)
#include "tst_websocket.moc"
