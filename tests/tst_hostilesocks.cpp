// Hostile SOCKS clients on the mixed port: every malformed handshake gets its exact
// reply bytes and then the close, whether it arrives whole or one byte at a time,
// and nothing is dialled. Cases already in tst_socksinbound (no acceptable method,
// unknown ATYP, unsupported commands, SOCKS4 with auth on) are not repeated here.

#include "EngineFixture.h"
#include "LoopbackOrigin.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>
#include <sys/socket.h>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

/// A raw SOCKS client. Its waits run the event loop for the engine's log events.
class SocksClient
{
public:
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
        return m_socket.waitForConnected(3000);
    }
    /// Sends data whole or one byte at a time (stopping if the proxy closes).
    void send(const QByteArray& data, bool byteByByte)
    {
        if (!byteByByte) {
            m_socket.write(data);
            m_socket.flush();
            return;
        }
        for (const char byte : data) {
            if (m_socket.state() != QAbstractSocket::ConnectedState)
                return;
            m_socket.write(&byte, 1);
            m_socket.flush();
            m_socket.waitForBytesWritten(100);
            m_received += m_socket.readAll();
            QTest::qWait(2);
        }
    }
    /// Reads exactly n bytes (fewer on close or timeout).
    QByteArray read(qsizetype n, int timeoutMs = 5000)
    {
        (void)QTest::qWaitFor(
            [&] {
                m_received += m_socket.readAll();
                return m_received.size() >= n ||
                       m_socket.state() != QAbstractSocket::ConnectedState;
            },
            timeoutMs);
        m_received += m_socket.readAll();
        const QByteArray out = m_received.left(n);
        m_received.remove(0, out.size());
        return out;
    }
    /// Everything until the proxy closes; false if it did not within timeoutMs.
    bool readUntilClosed(QByteArray* all, int timeoutMs = 5000)
    {
        const bool closed = QTest::qWaitFor(
            [&] {
                m_received += m_socket.readAll();
                return m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
        m_received += m_socket.readAll();
        *all = std::exchange(m_received, QByteArray());
        return closed;
    }
    void halfClose()
    {
        m_socket.flush();
        ::shutdown(int(m_socket.socketDescriptor()), SHUT_WR);
    }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};

QByteArray bytes(const char* data, qsizetype size)
{
    return QByteArray(data, size);
}

QByteArray socks5Failure(quint8 code)
{
    return QByteArray("\x05", 1) + char(code) + QByteArray("\x00\x01\x00\x00\x00\x00\x00\x00", 8);
}

QByteArray socks4Rejected()
{
    return QByteArray("\x00\x5b", 2) + QByteArray(6, '\0');
}

} // namespace

class TestHostileSocks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void malformedHandshake_data();
    void malformedHandshake();
    void authHandshakeOneByteAtATime();
    void loopRefused();

private:
    LoopbackOrigin m_origin;
    EngineFixture m_engine;
    EngineFixture m_authEngine;
};

void TestHostileSocks::initTestCase()
{
    QVERIFY(m_origin.start());
    QVERIFY2(m_engine.start(), qPrintable(m_engine.errorString()));
    EngineSettings settings = EngineFixture::testSettings();
    settings.inboundAuth.required = true;
    settings.inboundAuth.username = u"user"_s;
    settings.inboundAuth.password = u"pass"_s;
    QVERIFY2(m_authEngine.start(settings), qPrintable(m_authEngine.errorString()));
}

void TestHostileSocks::init()
{
    m_engine.clearEvents();
    m_authEngine.clearEvents();
}

void TestHostileSocks::cleanup()
{
    for (EngineFixture* engine : {&m_engine, &m_authEngine}) {
        const QStringList logErrors = engine->takeSequenceErrors();
        QVERIFY2(logErrors.isEmpty(), qPrintable(logErrors.join(u'\n')));
    }
}

void TestHostileSocks::malformedHandshake_data()
{
    QTest::addColumn<bool>("auth");          // the engine requires RFC 1929
    QTest::addColumn<QByteArray>("input");   // what the client sends
    QTest::addColumn<bool>("halfClose");     // then the client stops sending
    QTest::addColumn<QByteArray>("replies"); // everything it must get before the close

    const QByteArray noAuth = bytes("\x05\x01\x00", 3);
    const QByteArray chosenNoAuth = bytes("\x05\x00", 2);
    const QByteArray userPass = bytes("\x05\x01\x02", 3);
    const QByteArray chosenUserPass = bytes("\x05\x02", 2);
    const QByteArray port9 = bytes("\x00\x09", 2);
    const QByteArray loopback = bytes("\x7f\x00\x00\x01", 4);

    for (const bool byteByByte : {false, true}) {
        const char* how = byteByByte ? " (byte by byte)" : " (whole)";
        auto row = [&](const char* name) -> QTestData& {
            return QTest::newRow(qPrintable(QString::fromLatin1(name) + QLatin1String(how)));
        };
        // (A first byte other than 4 or 5 makes the mixed port speak HTTP: a SOCKS
        // version error can only show in a later message.)
        row("zero methods") << false << bytes("\x05\x00", 2) << false << bytes("\x05\xff", 2);
        row("zero methods, auth on")
            << true << bytes("\x05\x00", 2) << false << bytes("\x05\xff", 2);
        row("RFC 1929 empty username") << true << userPass + bytes("\x01\x00\x04pass", 7) << false
                                       << chosenUserPass + bytes("\x01\x01", 2);
        row("RFC 1929 empty password") << true << userPass + bytes("\x01\x04user\x00", 7) << false
                                       << chosenUserPass + bytes("\x01\x01", 2);
        row("RFC 1929 wrong sub-version") << true << userPass + bytes("\x05\x04user\x04pass", 11)
                                          << false << chosenUserPass + bytes("\x01\x01", 2);
        row("RFC 1929 truncated, then EOF")
            << true << userPass + bytes("\x01\x04us", 4) << true << chosenUserPass;
        row("RFC 1929 wrong password") << true << userPass + bytes("\x01\x04user\x04nope", 11)
                                       << false << chosenUserPass + bytes("\x01\x01", 2);
        row("zero-length domain") << false << noAuth + bytes("\x05\x01\x00\x03\x00", 5) + port9
                                  << false << chosenNoAuth + socks5Failure(0x01);
        row("request with RSV set")
            << false << noAuth + bytes("\x05\x01\x01\x01", 4) + loopback + port9 << false
            << chosenNoAuth + socks5Failure(0x01);
        row("request with version 4")
            << false << noAuth + bytes("\x04\x01\x00\x01", 4) + loopback + port9 << false
            << chosenNoAuth + socks5Failure(0x01);
        row("request truncated, then EOF")
            << false << noAuth + bytes("\x05\x01\x00\x03\x09local", 10) << true << chosenNoAuth;
        row("port 0") << false
                      << noAuth + bytes("\x05\x01\x00\x01", 4) + loopback + bytes("\0\0", 2)
                      << false << chosenNoAuth + socks5Failure(0x04);
        row("SOCKS4 BIND") << false << bytes("\x04\x02\x00\x09", 4) + loopback + bytes("id\0", 3)
                           << false << socks4Rejected();
        row("SOCKS4a empty host") << false
                                  << bytes("\x04\x01\x00\x09\x00\x00\x00\x01id\x00\x00", 12)
                                  << false << socks4Rejected();
        if (!byteByByte) // a thousand round trips prove nothing more
            row("SOCKS4 user id without end")
                << false << bytes("\x04\x01\x00\x09", 4) + loopback + QByteArray(1500, 'u') << false
                << socks4Rejected();
        row("request with version 6")
            << false << noAuth + bytes("\x06\x01\x00\x01", 4) + loopback + port9 << false
            << chosenNoAuth + socks5Failure(0x01);
        row("SOCKS4 port 0") << false << bytes("\x04\x01\x00\x00", 4) + loopback + bytes("\0", 1)
                             << false << socks4Rejected();
    }
}

void TestHostileSocks::malformedHandshake()
{
    QFETCH(bool, auth);
    QFETCH(QByteArray, input);
    QFETCH(bool, halfClose);
    QFETCH(QByteArray, replies);
    const bool byteByByte =
        QString::fromLatin1(QTest::currentDataTag()).endsWith(u"(byte by byte)");

    EngineFixture& engine = auth ? m_authEngine : m_engine;
    const int originConnections = m_origin.connectionCount();
    SocksClient client;
    QVERIFY(client.connectTo(engine.port()));
    client.send(input, byteByByte);
    if (halfClose)
        client.halfClose();
    QByteArray received;
    QVERIFY2(client.readUntilClosed(&received), "the proxy kept the connection open");
    QCOMPARE(received.toHex(), replies.toHex());
    QCOMPARE(m_origin.connectionCount(), originConnections);
}

void TestHostileSocks::authHandshakeOneByteAtATime()
{
    // The whole RFC 1929 handshake and the first tunnel bytes, one byte at a time:
    // the engine must neither guess early nor lose a byte.
    // A fresh engine: the malformed logins above have this address throttled.
    EngineSettings settings = EngineFixture::testSettings();
    settings.inboundAuth.required = true;
    settings.inboundAuth.username = u"user"_s;
    settings.inboundAuth.password = u"pass"_s;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));
    SocksClient client;
    QVERIFY(client.connectTo(engine.port()));
    const QByteArray httpRequest =
        "GET /bytes/7?trickled-socks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    QByteArray request = bytes("\x05\x01\x00\x01\x7f\x00\x00\x01", 8);
    request += char(m_origin.port() >> 8);
    request += char(m_origin.port() & 0xff);
    client.send(bytes("\x05\x02\x00\x02", 4) + bytes("\x01\x04user\x04pass", 11) + request, true);
    QCOMPARE(client.read(4).toHex(), bytes("\x05\x02\x01\x00", 4).toHex());
    const QByteArray reply = client.read(10);
    QCOMPARE(reply.left(3).toHex(), bytes("\x05\x00\x00", 3).toHex());
    client.send(httpRequest, true);
    QByteArray response;
    QVERIFY(client.readUntilClosed(&response));
    QVERIFY2(response.startsWith("HTTP/1.1 200"), response);
    const auto recorded = m_origin.findRequest("trickled-socks");
    QVERIFY2(recorded.has_value(), "the origin never saw the request");
    QCOMPARE(m_origin.receivedPerConnection().value(recorded->connection), httpRequest);
}

void TestHostileSocks::loopRefused()
{
    SocksClient client;
    QVERIFY(client.connectTo(m_engine.port()));
    QByteArray request = bytes("\x05\x01\x00\x05\x01\x00\x01\x7f\x00\x00\x01", 11);
    request += char(m_engine.port() >> 8);
    request += char(m_engine.port() & 0xff);
    client.send(request, false);
    QByteArray received;
    QVERIFY2(client.readUntilClosed(&received), "the proxy kept the connection open");
    QCOMPARE(received.toHex(), (bytes("\x05\x00", 2) + socks5Failure(0x02)).toHex());
    const auto event =
        m_engine.waitForFinished([](const LogEvent& e) { return e.socksReply == 0x02; });
    QVERIFY2(event.has_value(), "no finished log event");
    QVERIFY2(event->error.contains(u"loop"_s), qPrintable(event->error));
    QTest::qWait(100);
    QCOMPARE(m_engine.finishedEvents().size(), 1);
}

QTEST_GUILESS_MAIN(TestHostileSocks)
#include "tst_hostilesocks.moc"
