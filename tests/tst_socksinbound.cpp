// The mixed port's SOCKS side (direct route): SOCKS5 CONNECT to IPv4, IPv6 and
// domain-name addresses, SOCKS4 and SOCKS4a, the reply code for every failure
// (unsupported command, bad address type, refused, unresolvable, timed out,
// blocked), log events, and RFC 1929 username/password when inbound auth is on.

#include "BlackholeListener.h"
#include "BytePattern.h"
#include "Curl.h"
#include "EngineFixture.h"
#include "FreePort.h"
#include "LoopbackOrigin.h"
#include "UpstreamDnsJail.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QtEndian>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

constexpr int kConnectTimeoutMs = 1000;

/// A SOCKS client on a plain QTcpSocket for what curl cannot send. Its waits run
/// the event loop, so a server living in the test's thread keeps serving.
class SocksProbe
{
public:
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
        return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::ConnectedState; },
                               3000);
    }
    void send(const QByteArray& data)
    {
        m_socket.write(data);
        m_socket.flush();
    }
    /// Exactly n bytes, or fewer when the peer closed or the time ran out.
    QByteArray read(qsizetype n, int timeoutMs = 5000)
    {
        (void)QTest::qWaitFor(
            [&] {
                return m_socket.bytesAvailable() >= n ||
                       m_socket.state() != QAbstractSocket::ConnectedState;
            },
            timeoutMs);
        return m_socket.read(n);
    }
    bool waitForClosed(int timeoutMs = 5000)
    {
        return QTest::qWaitFor(
            [&] {
                m_socket.readAll();
                return m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
    }
    QTcpSocket& socket() { return m_socket; }

private:
    QTcpSocket m_socket;
};

/// A SOCKS5 reply as read from the wire; rep is -1 when it was cut short.
struct Socks5Reply
{
    int version = -1;
    int rep = -1;
    int atyp = -1;
};

Socks5Reply readSocks5Reply(SocksProbe& probe, int timeoutMs = 5000)
{
    Socks5Reply reply;
    const QByteArray head = probe.read(4, timeoutMs);
    if (head.size() < 2)
        return reply;
    reply.version = quint8(head[0]);
    reply.rep = quint8(head[1]);
    if (head.size() < 4)
        return reply; // a short failure reply still tells the code
    reply.atyp = quint8(head[3]);
    qsizetype rest = 0;
    if (reply.atyp == 0x01)
        rest = 4 + 2;
    else if (reply.atyp == 0x04)
        rest = 16 + 2;
    else if (reply.atyp == 0x03)
        rest = quint8(probe.read(1).leftJustified(1, '\0').at(0)) + 2;
    if (rest > 0 && probe.read(rest).size() != rest)
        reply.atyp = -1; // the bound address was cut short
    return reply;
}

QByteArray portBytes(quint16 port)
{
    QByteArray bytes(2, '\0');
    qToBigEndian(port, bytes.data());
    return bytes;
}

QByteArray socks5Request(quint8 command, quint8 atyp, const QByteArray& address, quint16 port)
{
    QByteArray request{"\x05", 1};
    request += char(command);
    request += '\0';
    request += char(atyp);
    if (atyp == 0x03)
        request += char(address.size());
    return request + address + portBytes(port);
}

QByteArray ipv4(quint32 address)
{
    QByteArray bytes(4, '\0');
    qToBigEndian(address, bytes.data());
    return bytes;
}

QByteArray loopback4()
{
    return ipv4(0x7f000001);
}

QByteArray socks4Request(quint16 port, const QByteArray& address, const QByteArray& user,
                         const QByteArray& host = {})
{
    QByteArray request{"\x04\x01", 2};
    request += portBytes(port) + address + user + '\0';
    if (!host.isEmpty())
        request += host + '\0';
    return request;
}

QByteArray userPass(const QByteArray& user, const QByteArray& password)
{
    return QByteArray(1, '\x01') + char(user.size()) + user + char(password.size()) + password;
}

bool isDirectSocks(const LogEvent& e, LogProtocol protocol, quint16 port)
{
    return e.protocol == protocol && e.port == port;
}

} // namespace

class TestSocksInbound : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void socks5Ipv4();
    void socks5Domain();
    void socks5DomainRaw();
    void socks5Ipv6();
    void socks4_data();
    void socks4();
    void mixedPort();
    void greetingInPieces();
    void noAcceptableMethod();
    void unsupportedCommand_data();
    void unsupportedCommand();
    void badAddressType();
    void failureReplies_data();
    void failureReplies();
    void socks4Refused();
    void blockedByRule_data();
    void blockedByRule();
    void authRightPassword();
    void authWrongPassword();
    void authNoAuthOfferOnly();
    void authPrefersUsernamePassword();
    void authSocks4Refused();

private:
    bool startAuthEngine(EngineFixture* engine);

    LoopbackOrigin m_origin;
    BlackholeListener m_blackhole;
    EngineFixture m_engine;
};

void TestSocksInbound::initTestCase()
{
    QVERIFY(m_origin.start());
    QVERIFY2(m_blackhole.start(), "could not make a loopback port where connect() hangs");
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.connectTimeoutMs = kConnectTimeoutMs;
    QVERIFY2(m_engine.start(settings), qPrintable(m_engine.errorString()));
}

void TestSocksInbound::init()
{
    m_engine.clearEvents();
}

void TestSocksInbound::cleanup()
{
    const QStringList originErrors = m_origin.protocolErrors();
    m_origin.clearRecords();
    QVERIFY2(originErrors.isEmpty(), qPrintable(originErrors.join(u'\n')));
    const QStringList logErrors = m_engine.takeSequenceErrors();
    QVERIFY2(logErrors.isEmpty(), qPrintable(logErrors.join(u'\n')));
}

void TestSocksInbound::socks5Ipv4()
{
    const CurlResult result = Curl::run({u"--socks5"_s, u"127.0.0.1:%1"_s.arg(m_engine.port()),
                                         m_origin.url(u"/bytes/20000?socks5-ipv4"_s)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 20000));
    QVERIFY(m_origin.findRequest("socks5-ipv4").has_value());

    const auto event = m_engine.waitForFinished(
        [&](const LogEvent& e) { return isDirectSocks(e, LogProtocol::Socks5, m_origin.port()); });
    QVERIFY2(event.has_value(), "no finished SOCKS5 log event");
    QCOMPARE(event->host, u"127.0.0.1"_s);
    QCOMPARE(event->target, m_origin.hostPort());
    QCOMPARE(int(event->socksReply), 0x00);
    QCOMPARE(event->route, u"direct"_s);
    QVERIFY(event->method.isEmpty());
    QVERIFY(event->isTunnel());
    QVERIFY2(event->clientAddress.startsWith(u"127.0.0.1:"_s), qPrintable(event->clientAddress));
    QVERIFY2(event->bytesDown >= 20000, QByteArray::number(event->bytesDown));
    QVERIFY2(event->bytesUp > 0, QByteArray::number(event->bytesUp));
    QVERIFY(event->connectUs >= 0);
    QVERIFY2(event->error.isEmpty(), qPrintable(event->error));
}

void TestSocksInbound::socks5Domain()
{
    // localhost is answered by the engine itself (RFC 6761): no DNS.
    const CurlResult result =
        Curl::run({u"--socks5-hostname"_s, u"127.0.0.1:%1"_s.arg(m_engine.port()),
                   u"http://localhost:%1/bytes/500?socks5-domain"_s.arg(m_origin.port())});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 500));

    const auto event = m_engine.waitForFinished(
        [&](const LogEvent& e) { return isDirectSocks(e, LogProtocol::Socks5, m_origin.port()); });
    QVERIFY2(event.has_value(), "no finished SOCKS5 log event");
    QCOMPARE(event->host, u"localhost"_s);
    QCOMPARE(int(event->socksReply), 0x00);
}

void TestSocksInbound::socks5DomainRaw()
{
    SocksProbe probe;
    QVERIFY(probe.connectTo(m_engine.port()));
    probe.send(QByteArray("\x05\x01\x00", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\x00", 2));
    probe.send(socks5Request(0x01, 0x03, "localhost", m_origin.port()));
    const Socks5Reply reply = readSocks5Reply(probe);
    QCOMPARE(reply.version, 5);
    QCOMPARE(reply.rep, 0x00);
    QVERIFY2(reply.atyp == 0x01 || reply.atyp == 0x04, QByteArray::number(reply.atyp));
    const QByteArray request = "GET /bytes/300?raw-domain HTTP/1.1\r\nHost: localhost\r\n"
                               "Connection: close\r\n\r\n";
    probe.send(request);
    QVERIFY(probe.waitForClosed());
    QVERIFY(m_origin.findRequest("raw-domain").has_value());
}

void TestSocksInbound::socks5Ipv6()
{
    QTcpServer echo;
    if (!echo.listen(QHostAddress(QHostAddress::LocalHostIPv6), 0))
        QSKIP(qPrintable(u"cannot listen on [::1]: "_s + echo.errorString()));
    QList<QTcpSocket*> accepted;
    connect(&echo, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket* socket = echo.nextPendingConnection()) {
            accepted.append(socket);
            connect(socket, &QTcpSocket::readyRead, socket,
                    [socket] { socket->write("echo:" + socket->readAll()); });
        }
    });

    SocksProbe probe;
    QVERIFY(probe.connectTo(m_engine.port()));
    probe.send(QByteArray("\x05\x01\x00", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\x00", 2));
    QByteArray address(15, '\0');
    address += '\x01'; // ::1
    probe.send(socks5Request(0x01, 0x04, address, echo.serverPort()));
    const Socks5Reply reply = readSocks5Reply(probe);
    QCOMPARE(reply.rep, 0x00);
    probe.send("hello over v6");
    QCOMPARE(probe.read(18), QByteArray("echo:hello over v6"));
    QCOMPARE(accepted.size(), 1);
    probe.socket().close();

    const auto event = m_engine.waitForFinished([&](const LogEvent& e) {
        return isDirectSocks(e, LogProtocol::Socks5, echo.serverPort());
    });
    QVERIFY2(event.has_value(), "no finished SOCKS5 log event");
    QCOMPARE(event->host, u"::1"_s);
    QCOMPARE(event->target, u"[::1]:%1"_s.arg(echo.serverPort()));
    QCOMPARE(int(event->socksReply), 0x00);
    QCOMPARE(event->bytesDown, quint64(18));
    QCOMPARE(event->bytesUp, quint64(13));
}

void TestSocksInbound::socks4_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("host");
    QTest::newRow("socks4") << u"--socks4"_s << u"127.0.0.1"_s;
    QTest::newRow("socks4a") << u"--socks4a"_s << u"localhost"_s;
}

void TestSocksInbound::socks4()
{
    QFETCH(QString, option);
    QFETCH(QString, host);
    const CurlResult result =
        Curl::run({option, u"127.0.0.1:%1"_s.arg(m_engine.port()),
                   u"http://%1:%2/bytes/4000?socks4"_s.arg(host).arg(m_origin.port())});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 4000));

    const auto event = m_engine.waitForFinished(
        [&](const LogEvent& e) { return isDirectSocks(e, LogProtocol::Socks4, m_origin.port()); });
    QVERIFY2(event.has_value(), "no finished SOCKS4 log event");
    QCOMPARE(event->host, host);
    QCOMPARE(int(event->socksReply), 0x5A);
    QCOMPARE(event->route, u"direct"_s);
    QVERIFY2(event->bytesDown >= 4000, QByteArray::number(event->bytesDown));
}

void TestSocksInbound::mixedPort()
{
    // One port, three protocols, one after the other and at once.
    const QString engine = u"127.0.0.1:%1"_s.arg(m_engine.port());
    const CurlResult result =
        Curl::run({u"-x"_s, m_engine.proxyUrl(), m_origin.url(u"/bytes/10?mixed-http"_s),
                   u"--next"_s, u"--socks5"_s, engine, m_origin.url(u"/bytes/11?mixed-socks5"_s),
                   u"--next"_s, u"--socks4"_s, engine, m_origin.url(u"/bytes/12?mixed-socks4"_s)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.transfers.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(result.transfers[i].httpCode(), 200);
        QCOMPARE(result.transfers[i].body, BytePattern::bytes(0, 10 + i));
    }
    for (const char* tag : {"mixed-http", "mixed-socks5", "mixed-socks4"})
        QVERIFY2(m_origin.findRequest(tag).has_value(), tag);
}

void TestSocksInbound::greetingInPieces()
{
    // The first byte alone must not make the engine guess: the rest trickles in.
    SocksProbe probe;
    QVERIFY(probe.connectTo(m_engine.port()));
    for (const char byte : QByteArray("\x05\x01\x00", 3)) {
        probe.send(QByteArray(1, byte));
        QTest::qWait(30);
    }
    QCOMPARE(probe.read(2), QByteArray("\x05\x00", 2));
    const QByteArray request = socks5Request(0x01, 0x01, loopback4(), m_origin.port());
    for (const char byte : request) {
        probe.send(QByteArray(1, byte));
        QTest::qWait(5);
    }
    QCOMPARE(readSocks5Reply(probe).rep, 0x00);
}

void TestSocksInbound::noAcceptableMethod()
{
    SocksProbe probe;
    QVERIFY(probe.connectTo(m_engine.port()));
    probe.send(QByteArray("\x05\x01\x01", 3)); // GSSAPI only
    QCOMPARE(probe.read(2), QByteArray("\x05\xff", 2));
    QVERIFY2(probe.waitForClosed(), "the connection stayed open after 0xFF");
}

void TestSocksInbound::unsupportedCommand_data()
{
    QTest::addColumn<int>("command");
    QTest::newRow("BIND") << 0x02;
    QTest::newRow("UDP ASSOCIATE") << 0x03;
    QTest::newRow("unknown 0x09") << 0x09;
}

void TestSocksInbound::unsupportedCommand()
{
    QFETCH(int, command);
    const int connections = m_origin.connectionCount();
    SocksProbe probe;
    QVERIFY(probe.connectTo(m_engine.port()));
    probe.send(QByteArray("\x05\x01\x00", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\x00", 2));
    probe.send(socks5Request(quint8(command), 0x01, loopback4(), m_origin.port()));
    const Socks5Reply reply = readSocks5Reply(probe);
    QCOMPARE(reply.version, 5);
    QCOMPARE(reply.rep, 0x07);
    QVERIFY2(probe.waitForClosed(), "the connection stayed open after the failure reply");
    QCOMPARE(m_origin.connectionCount(), connections);
}

void TestSocksInbound::badAddressType()
{
    SocksProbe probe;
    QVERIFY(probe.connectTo(m_engine.port()));
    probe.send(QByteArray("\x05\x01\x00", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\x00", 2));
    probe.send(QByteArray("\x05\x01\x00\x05", 4) + loopback4() + portBytes(m_origin.port()));
    const Socks5Reply reply = readSocks5Reply(probe);
    QCOMPARE(reply.version, 5);
    QCOMPARE(reply.rep, 0x08);
    QVERIFY2(probe.waitForClosed(), "the connection stayed open after the failure reply");
}

void TestSocksInbound::failureReplies_data()
{
    QTest::addColumn<int>("atyp");
    QTest::addColumn<QByteArray>("address");
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("expected");

    QTest::newRow("refused") << 0x01 << loopback4() << int(FreePort::refusedPort()) << 0x05;
    // *.invalid never resolves (RFC 6761), and the engine knows it without DNS.
    QTest::newRow("name does not resolve")
        << 0x03 << QByteArray("nothing-here.invalid") << 80 << 0x04;
    QTest::newRow("timed out") << 0x01 << loopback4() << int(m_blackhole.port()) << 0x06;
}

void TestSocksInbound::failureReplies()
{
    QFETCH(int, atyp);
    QFETCH(QByteArray, address);
    QFETCH(int, port);
    QFETCH(int, expected);

    SocksProbe probe;
    QVERIFY(probe.connectTo(m_engine.port()));
    probe.send(QByteArray("\x05\x01\x00", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\x00", 2));
    probe.send(socks5Request(0x01, quint8(atyp), address, quint16(port)));
    const Socks5Reply reply = readSocks5Reply(probe, kConnectTimeoutMs + 5000);
    QCOMPARE(reply.version, 5);
    QCOMPARE(reply.rep, expected);
    QVERIFY2(probe.waitForClosed(), "the connection stayed open after the failure reply");

    const auto event = m_engine.waitForFinished(
        [&](const LogEvent& e) { return isDirectSocks(e, LogProtocol::Socks5, quint16(port)); });
    QVERIFY2(event.has_value(), "no finished SOCKS5 log event");
    QCOMPARE(int(event->socksReply), expected);
    QVERIFY2(!event->error.isEmpty(), "the log event has no error");
}

void TestSocksInbound::socks4Refused()
{
    const quint16 refused = FreePort::refusedPort();
    SocksProbe probe;
    QVERIFY(probe.connectTo(m_engine.port()));
    probe.send(socks4Request(refused, loopback4(), "someone"));
    const QByteArray reply = probe.read(8);
    QCOMPARE(reply.size(), 8);
    QCOMPARE(int(quint8(reply[0])), 0x00);
    QCOMPARE(int(quint8(reply[1])), 0x5B);
    QVERIFY2(probe.waitForClosed(), "the connection stayed open after the failure reply");
    const auto event = m_engine.waitForFinished(
        [&](const LogEvent& e) { return isDirectSocks(e, LogProtocol::Socks4, refused); });
    QVERIFY2(event.has_value(), "no finished SOCKS4 log event");
    QCOMPARE(int(event->socksReply), 0x5B);
}

void TestSocksInbound::blockedByRule_data()
{
    QTest::addColumn<bool>("byDefault");
    QTest::newRow("default action") << true;
    QTest::newRow("port rule") << false;
}

void TestSocksInbound::blockedByRule()
{
    QFETCH(bool, byDefault);
    EngineSettings settings = EngineFixture::testSettings();
    if (byDefault) {
        settings.routing.defaultAction = RouteAction::block();
    } else {
        Rule rule;
        rule.matcher = Rule::Matcher::Port;
        rule.pattern = QString::number(m_origin.port());
        rule.action = RouteAction::block();
        settings.routing.rules = {rule};
    }
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));
    const int connections = m_origin.connectionCount();

    SocksProbe probe;
    QVERIFY(probe.connectTo(engine.port()));
    probe.send(QByteArray("\x05\x01\x00", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\x00", 2));
    probe.send(socks5Request(0x01, 0x01, loopback4(), m_origin.port()));
    QCOMPARE(readSocks5Reply(probe).rep, 0x02);
    QVERIFY2(probe.waitForClosed(), "the connection stayed open after the failure reply");
    QCOMPARE(m_origin.connectionCount(), connections);

    const auto event = engine.waitForFinished(
        [&](const LogEvent& e) { return isDirectSocks(e, LogProtocol::Socks5, m_origin.port()); });
    QVERIFY2(event.has_value(), "no finished SOCKS5 log event");
    QCOMPARE(int(event->socksReply), 0x02);
    QCOMPARE(event->route, u"blocked"_s);
}

bool TestSocksInbound::startAuthEngine(EngineFixture* engine)
{
    EngineSettings settings = EngineFixture::testSettings();
    settings.inboundAuth.required = true;
    settings.inboundAuth.username = u"sockuser"_s;
    settings.inboundAuth.password = u"p@ss w0rd:1"_s;
    return engine->start(settings);
}

void TestSocksInbound::authRightPassword()
{
    EngineFixture engine;
    QVERIFY2(startAuthEngine(&engine), qPrintable(engine.errorString()));

    SocksProbe probe;
    QVERIFY(probe.connectTo(engine.port()));
    probe.send(QByteArray("\x05\x01\x02", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\x02", 2));
    probe.send(userPass("sockuser", "p@ss w0rd:1"));
    QCOMPARE(probe.read(2), QByteArray("\x01\x00", 2));
    probe.send(socks5Request(0x01, 0x01, loopback4(), m_origin.port()));
    QCOMPARE(readSocks5Reply(probe).rep, 0x00);
    probe.send("GET /bytes/100?auth-raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QVERIFY(probe.waitForClosed());
    QVERIFY(m_origin.findRequest("auth-raw").has_value());

    const CurlResult result =
        Curl::run({u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), u"--proxy-user"_s,
                   u"sockuser:p@ss w0rd:1"_s, m_origin.url(u"/bytes/100?auth-curl"_s)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(m_origin.findRequest("auth-curl").has_value());
}

void TestSocksInbound::authWrongPassword()
{
    EngineFixture engine;
    QVERIFY2(startAuthEngine(&engine), qPrintable(engine.errorString()));
    const int connections = m_origin.connectionCount();

    SocksProbe probe;
    QVERIFY(probe.connectTo(engine.port()));
    probe.send(QByteArray("\x05\x01\x02", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\x02", 2));
    probe.send(userPass("sockuser", "wrong"));
    const QByteArray status = probe.read(2);
    QCOMPARE(status.size(), 2);
    QCOMPARE(int(quint8(status[0])), 0x01);
    QCOMPARE(int(quint8(status[1])), 0x01);
    QVERIFY2(probe.waitForClosed(), "the connection stayed open after a failed login");

    const CurlResult result =
        Curl::run({u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), u"--proxy-user"_s,
                   u"sockuser:nope"_s, m_origin.url(u"/bytes/100?auth-wrong"_s)});
    QVERIFY2(result.finished && result.exitCode != 0, result.describe());
    QVERIFY2(result.stdErr.contains("rejected"), result.describe());
    QCOMPARE(m_origin.connectionCount(), connections);
}

void TestSocksInbound::authNoAuthOfferOnly()
{
    EngineFixture engine;
    QVERIFY2(startAuthEngine(&engine), qPrintable(engine.errorString()));
    SocksProbe probe;
    QVERIFY(probe.connectTo(engine.port()));
    probe.send(QByteArray("\x05\x01\x00", 3));
    QCOMPARE(probe.read(2), QByteArray("\x05\xff", 2));
    QVERIFY2(probe.waitForClosed(), "the connection stayed open after 0xFF");

    // curl without credentials gets nowhere either.
    const CurlResult result = Curl::run(
        {u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(u"/bytes/1"_s)});
    QVERIFY2(result.finished && result.exitCode != 0, result.describe());
}

void TestSocksInbound::authPrefersUsernamePassword()
{
    // A client offering both must be made to log in.
    EngineFixture engine;
    QVERIFY2(startAuthEngine(&engine), qPrintable(engine.errorString()));
    SocksProbe probe;
    QVERIFY(probe.connectTo(engine.port()));
    probe.send(QByteArray("\x05\x02\x00\x02", 4));
    QCOMPARE(probe.read(2), QByteArray("\x05\x02", 2));
}

void TestSocksInbound::authSocks4Refused()
{
    // SOCKS4 carries no password: with inbound auth on it must not get through.
    EngineFixture engine;
    QVERIFY2(startAuthEngine(&engine), qPrintable(engine.errorString()));
    const int connections = m_origin.connectionCount();
    SocksProbe probe;
    QVERIFY(probe.connectTo(engine.port()));
    probe.send(socks4Request(m_origin.port(), loopback4(), "sockuser"));
    const QByteArray reply = probe.read(8, 3000);
    QVERIFY2(reply.size() < 2 || quint8(reply[1]) != 0x5A, reply.toHex().constData());
    QVERIFY2(probe.waitForClosed(), "the connection stayed open");
    QCOMPARE(m_origin.connectionCount(), connections);
}

int main(int argc, char* argv[])
{
    // First, while there is one thread: no lookup of this process (the engine's
    // too) can reach a real resolver, whatever name a test hands the engine.
    UpstreamDnsJail::enter();
    QCoreApplication app(argc, argv);
    TestSocksInbound test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_socksinbound.moc"
