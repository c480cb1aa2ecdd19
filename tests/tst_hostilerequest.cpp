// Hostile input on the request side, end to end over loopback: raw bytes from a
// client, and for every case both what the client gets back and what the origin
// received (nothing, or exactly the canonical bytes). Framing defects (RFC 9112),
// requests answered locally that carry a body, absolute-form URI against Host,
// userinfo, Proxy-Authorization, Connection-nominated fields, limits at their
// default values, a trickled head, malformed CONNECT targets, loops and error pages.
// Parser-level cases are in tst_httpparser; tst_proxyerrors has the plain error paths.

#include "EngineFixture.h"
#include "FreePort.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

/// Every byte the origin received, over all its connections.
QByteArray allReceived(const LoopbackOrigin& origin)
{
    QByteArray all;
    for (const QByteArray& bytes : origin.receivedPerConnection())
        all += bytes;
    return all;
}

QByteArray withOrigin(QByteArray text, const QByteArray& authority)
{
    return text.replace("{A}", authority);
}

} // namespace

class TestHostileRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void framingDefects_data();
    void framingDefects();
    void localAnswerWithBody_data();
    void localAnswerWithBody();
    void canonicalForwarding_data();
    void canonicalForwarding();
    void userinfoNeverLogged_data();
    void userinfoNeverLogged();
    void proxyAuthorizationConsumed();
    void defaultLimits_data();
    void defaultLimits();
    void trickledHeadHitsTotalDeadline();
    void silentAndIdleConnectionsClose();
    void malformedConnectTarget_data();
    void malformedConnectTarget();
    void loopsRefused();
    void exitThatIsItselfRefused();
    void errorPageDoesNotReflectMarkup();

private:
    /// Sends request, expects one response with status, then the close; the
    /// origin must have received nothing (or a prefix of allowedPrefix).
    void expectRejected(quint16 enginePort, const QByteArray& request, int status,
                        const QByteArray& allowedPrefix = {});

    LoopbackOrigin m_origin;
    EngineFixture m_engine;
    QByteArray m_authority;
};

void TestHostileRequest::initTestCase()
{
    QVERIFY(m_origin.start());
    m_authority = m_origin.hostPort().toLatin1();
    QVERIFY2(m_engine.start(), qPrintable(m_engine.errorString()));
}

void TestHostileRequest::init()
{
    m_engine.clearEvents();
    m_origin.clearRecords();
}

void TestHostileRequest::cleanup()
{
    const QStringList logErrors = m_engine.takeSequenceErrors();
    QVERIFY2(logErrors.isEmpty(), qPrintable(logErrors.join(u'\n')));
}

void TestHostileRequest::expectRejected(quint16 enginePort, const QByteArray& request, int status,
                                        const QByteArray& allowedPrefix)
{
    RawHttpClient client;
    QVERIFY2(client.connectTo(enginePort), qPrintable(client.errorString()));
    QVERIFY(client.write(request));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, status);
    QVERIFY2(response.header("Content-Type").startsWith("text/plain"), response.rawHead);
    QVERIFY2(!response.body.trimmed().isEmpty(), "an error response without a body");
    QVERIFY2(client.waitForClosed(3000), "the proxy kept the connection open");
    // Only the one response: nothing after it was parsed as another request.
    QVERIFY2(client.takeBuffered().isEmpty(), "bytes after the error response");
    QTest::qWait(50); // a forward that should not happen would have arrived by now
    for (const QByteArray& bytes : m_origin.receivedPerConnection()) {
        if (allowedPrefix.isEmpty())
            QVERIFY2(bytes.isEmpty(), "the origin received: " + bytes.left(300));
        else
            QVERIFY2(allowedPrefix.startsWith(bytes),
                     "the origin received more than the canonical head: " + bytes.left(300));
    }
    QVERIFY(!m_origin.findRequest("smuggled").has_value());
}

void TestHostileRequest::framingDefects_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    // {A} is the origin. Every request is followed by one that must never be parsed.
    const QByteArray post = "POST http://{A}/echo?defect HTTP/1.1\r\nHost: {A}\r\n";
    const QByteArray chunked = post + "Transfer-Encoding: chunked\r\n\r\n";
    struct Row
    {
        const char* tag;
        QByteArray request;
        int status;
    };
    const QList<Row> rows{
        {"CL and TE", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         400},
        {"two different CLs", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400},
        {"CL +5", post + "Content-Length: +5\r\n\r\nhello", 400},
        {"CL 0x5", post + "Content-Length: 0x5\r\n\r\nhello", 400},
        {"CL -1", post + "Content-Length: -1\r\n\r\n", 400},
        {"CL empty", post + "Content-Length: \r\n\r\n", 400},
        {"CL 5, 6", post + "Content-Length: 5, 6\r\n\r\nhello!", 400},
        {"CL 20 digits", post + "Content-Length: 12345678901234567890\r\n\r\n", 400},
        {"TE chunked, gzip", post + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400},
        {"TE chunked, chunked", post + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400},
        {"TE gzip", post + "Transfer-Encoding: gzip\r\n\r\n", 400},
        {"TE chunked,", post + "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n", 400},
        {"TE ,chunked", post + "Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n", 400},
        {"TE two lines chunked",
         post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"TE gzip, chunked (unknown coding)",
         post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
        {"TE case-insensitive GZIP, CHUNKED",
         post + "Transfer-Encoding: GZIP, CHUNKED\r\n\r\n0\r\n\r\n", 501},
        {"space before colon", post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400},
        {"obs-fold", post + "X-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n", 400},
        {"NUL in value", post + QByteArray("X-A: a\0b\r\nContent-Length: 0\r\n\r\n", 32), 400},
        {"bare CR in value", post + "X-A: a\rb\r\nContent-Length: 0\r\n\r\n", 400},
        {"bare LF line", post + "X-A: a\nContent-Length: 0\r\n\r\n", 400},
        {"control byte in name",
         post + "X-\x01"
                "A: a\r\nContent-Length: 0\r\n\r\n",
         400},
        {"empty name", post + ": a\r\nContent-Length: 0\r\n\r\n", 400},
        {"line without colon", post + "NoColonHere\r\nContent-Length: 0\r\n\r\n", 400},
        {"no Host in HTTP/1.1", "GET http://{A}/bytes/1?defect HTTP/1.1\r\n\r\n", 400},
        {"two Hosts", "GET http://{A}/bytes/1?defect HTTP/1.1\r\nHost: {A}\r\nHost: {A}\r\n\r\n",
         400},
        {"chunk size 0x5", chunked + "0x5\r\nhello\r\n0\r\n\r\n", 400},
        {"chunk size +5", chunked + "+5\r\nhello\r\n0\r\n\r\n", 400},
        {"chunk size -5", chunked + "-5\r\nhello\r\n0\r\n\r\n", 400},
        {"chunk size with leading space", chunked + " 5\r\nhello\r\n0\r\n\r\n", 400},
        {"chunk size 17 significant hex digits",
         chunked + "10000000000000000\r\nhello\r\n0\r\n\r\n", 400},
        {"chunk data without CRLF", chunked + "5\r\nhelloX0\r\n\r\n", 400},
        {"chunk line with bare LF", chunked + "5\nhello\r\n0\r\n\r\n", 400},
        {"chunk extension over the cap",
         chunked + "5;" + QByteArray(400, 'e') + "\r\nhello\r\n0\r\n\r\n", 400},
    };
    const QByteArray smuggled = "GET http://{A}/bytes/1?smuggled HTTP/1.1\r\nHost: {A}\r\n\r\n";
    for (const Row& row : rows)
        QTest::newRow(row.tag) << withOrigin(row.request + smuggled, m_authority) << row.status;
}

void TestHostileRequest::framingDefects()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    // A bad chunk is found after the head: had the head already gone out, it may
    // only be the canonical one, never with the client's framing.
    const QByteArray canonicalHead = "POST /echo?defect HTTP/1.1\r\nHost: " + m_authority +
                                     "\r\nTransfer-Encoding: chunked\r\n\r\n";
    expectRejected(m_engine.port(), request, status, canonicalHead);
    const auto event =
        m_engine.waitForFinished([&](const LogEvent& e) { return e.status == status; });
    QVERIFY2(event.has_value(), "no finished log event with the error status");
    QVERIFY2(!event->error.isEmpty(), "the log event has no error");
}

void TestHostileRequest::localAnswerWithBody_data()
{
    QTest::addColumn<QString>("setup"); // "", "auth", "block"
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("keepsConnection");

    const QByteArray smuggled = "GET http://{A}/bytes/1?smuggled HTTP/1.1\r\nHost: {A}\r\n\r\n";
    const QByteArray body = withOrigin(smuggled, m_authority);
    const QByteArray bodyLength = QByteArray::number(body.size());
    const QByteArray chunkedBody =
        QByteArray::number(body.size(), 16) + "\r\n" + body + "\r\n0\r\n\r\n";
    // The proxy's own pages take GET and HEAD only: a POST gets 405, its body drained.
    QTest::newRow("405 own page, Content-Length body")
        << QString()
        << "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + bodyLength + "\r\n\r\n" + body << 405
        << true;
    QTest::newRow("405 own page, chunked body")
        << QString()
        << "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody << 405
        << true;
    const QByteArray toOrigin =
        withOrigin("POST http://{A}/echo?local HTTP/1.1\r\nHost: {A}\r\n", m_authority);
    QTest::newRow("407 with a body")
        << u"auth"_s << toOrigin + "Content-Length: " + bodyLength + "\r\n\r\n" + body << 407
        << false;
    QTest::newRow("403 blocked, with a body")
        << u"block"_s << toOrigin + "Content-Length: " + bodyLength + "\r\n\r\n" + body << 403
        << false;
    QTest::newRow("403 blocked, chunked body")
        << u"block"_s << toOrigin + "Transfer-Encoding: chunked\r\n\r\n" + chunkedBody << 403
        << false;
}

void TestHostileRequest::localAnswerWithBody()
{
    QFETCH(QString, setup);
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(bool, keepsConnection);

    EngineSettings settings = EngineFixture::testSettings();
    if (setup == u"auth") {
        settings.inboundAuth.required = true;
        settings.inboundAuth.username = u"user"_s;
        settings.inboundAuth.password = u"pass"_s;
    } else if (setup == u"block") {
        Rule rule;
        rule.matcher = Rule::Matcher::Port;
        rule.pattern = QString::number(m_origin.port());
        rule.action = RouteAction::block();
        settings.routing.rules = {rule};
    }
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    RawHttpClient client;
    QVERIFY2(client.connectTo(engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write(request));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "POST", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, status);
    if (keepsConnection) {
        // The body was drained by its framing: the next bytes are a new request,
        // answered normally, and the one inside the body never is.
        const QByteArray next = withOrigin(
            "GET http://{A}/bytes/3?after-local HTTP/1.1\r\nHost: {A}\r\n\r\n", m_authority);
        QVERIFY(client.write(next));
        QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body.size(), 3);
        QCOMPARE(allReceived(m_origin),
                 "GET /bytes/3?after-local HTTP/1.1\r\nHost: " + m_authority + "\r\n\r\n");
    } else {
        QVERIFY2(client.waitForClosed(3000), "the proxy kept the connection open");
        QVERIFY2(client.takeBuffered().isEmpty(), "a second response: the body was parsed");
        QTest::qWait(50);
        QCOMPARE(allReceived(m_origin), QByteArray());
    }
    QVERIFY(!m_origin.findRequest("smuggled").has_value());
}

void TestHostileRequest::canonicalForwarding_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("expected"); // exactly what the origin must receive

    // The URI wins over a Host header that disagrees (RFC 9112 §3.2.2).
    QTest::newRow("absolute-form URI beats Host")
        << QByteArray("GET http://{A}/bytes/1?uri-wins HTTP/1.1\r\nHost: elsewhere.invalid\r\n\r\n")
        << QByteArray("GET /bytes/1?uri-wins HTTP/1.1\r\nHost: {A}\r\n\r\n");
    // Connection naming other fields, itself, Content-Length and Host: the named
    // fields go, the framing stays, and the body is not turned into a request.
    QTest::newRow("Connection names fields, itself, Content-Length and Host")
        << QByteArray("POST http://{A}/echo?conn HTTP/1.1\r\nHost: {A}\r\n"
                      "Connection: X-A, Connection, Content-Length, keep-alive, Host, close\r\n"
                      "X-A: 1\r\nKeep-Alive: 5\r\nX-Keep: yes\r\nContent-Length: 17\r\n\r\n"
                      "GET /smuggled HTT")
        << QByteArray("POST /echo?conn HTTP/1.1\r\nHost: {A}\r\nX-Keep: yes\r\n"
                      "Content-Length: 17\r\n\r\nGET /smuggled HTT");
    QTest::newRow("Proxy-Authorization and Proxy-Connection dropped")
        << QByteArray(
               "GET http://{A}/bytes/1?pa HTTP/1.1\r\nHost: {A}\r\n"
               "Proxy-Authorization: Basic dXNlcjpwYXNz\r\nProxy-Connection: keep-alive\r\n\r\n")
        << QByteArray("GET /bytes/1?pa HTTP/1.1\r\nHost: {A}\r\n\r\n");
    QTest::newRow("chunked body re-chunked canonically")
        << QByteArray("POST http://{A}/echo?rechunk HTTP/1.1\r\nHost: {A}\r\n"
                      "Transfer-Encoding: cHuNkEd\r\n\r\n"
                      "005;name=value\r\nhello\r\n0\r\n\r\n")
        << QByteArray(
               "POST /echo?rechunk HTTP/1.1\r\nHost: {A}\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n0\r\n\r\n");
}

void TestHostileRequest::canonicalForwarding()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, expected);
    request = withOrigin(request, m_authority);
    expected = withOrigin(expected, m_authority);

    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write(request));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, 200);
    QVERIFY(!response.hasHeader("Proxy-Authenticate"));
    QCOMPARE(allReceived(m_origin), expected);
    QVERIFY(m_origin.protocolErrors().isEmpty());
}

void TestHostileRequest::userinfoNeverLogged_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("forwarded") << QByteArray("http://alice:s3cr3t@{A}/bytes/2?userinfo") << 200;
    QTest::newRow("rejected: bad port")
        << QByteArray("http://alice:s3cr3t@127.0.0.1:99999/bytes/2?userinfo") << 400;
    QTest::newRow("rejected: no host")
        << QByteArray("http://alice:s3cr3t@/bytes/2?userinfo") << 400;
}

void TestHostileRequest::userinfoNeverLogged()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    target = withOrigin(target, m_authority);

    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write("GET " + target + " HTTP/1.1\r\nHost: " + m_authority + "\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, status);
    QVERIFY2(!response.body.contains("s3cr3t"), response.body);
    const auto event =
        m_engine.waitForFinished([&](const LogEvent& e) { return e.status == status; });
    QVERIFY2(event.has_value(), "no finished log event");
    QVERIFY2(!event->target.contains(u"s3cr3t"_s) && !event->target.contains(u"alice"_s),
             qPrintable(event->target));
    QVERIFY2(!event->error.contains(u"s3cr3t"_s), qPrintable(event->error));
    QVERIFY2(!allReceived(m_origin).contains("s3cr3t"), allReceived(m_origin));
    if (status == 200)
        QCOMPARE(allReceived(m_origin),
                 "GET /bytes/2?userinfo HTTP/1.1\r\nHost: " + m_authority + "\r\n\r\n");
}

void TestHostileRequest::proxyAuthorizationConsumed()
{
    // Inbound authentication on: the client's credentials are checked and
    // consumed, never passed on to the origin.
    EngineSettings settings = EngineFixture::testSettings();
    settings.inboundAuth.required = true;
    settings.inboundAuth.username = u"user"_s;
    settings.inboundAuth.password = u"pass"_s;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    const QByteArray credentials = QByteArray("user:pass").toBase64();
    RawHttpClient client;
    QVERIFY2(client.connectTo(engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write("GET http://" + m_authority +
                         "/bytes/4?auth HTTP/1.1\r\nHost: " + m_authority +
                         "\r\nProxy-Authorization: Basic " + credentials + "\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, 200);
    QCOMPARE(allReceived(m_origin),
             "GET /bytes/4?auth HTTP/1.1\r\nHost: " + m_authority + "\r\n\r\n");
}

void TestHostileRequest::defaultLimits_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    const QByteArray line = "GET http://{A}/bytes/1?limits HTTP/1.1\r\nHost: {A}\r\n";
    QTest::newRow("70 KiB of headers")
        << withOrigin(line + "X-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n", m_authority)
        << 431;
    QTest::newRow("10 KiB URI") << withOrigin("GET http://{A}/bytes/1?" +
                                                  QByteArray(10 * 1024, 'q') +
                                                  " HTTP/1.1\r\nHost: {A}\r\n\r\n",
                                              m_authority)
                                << 414;
    QByteArray fields;
    for (int i = 0; i < 101; ++i)
        fields += "X-F" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("101 header fields") << withOrigin(line + fields + "\r\n", m_authority) << 431;
}

void TestHostileRequest::defaultLimits()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    // The engine here runs with the default limits (64 KiB, 8 KiB, 100 fields).
    const ProxyLimits defaults;
    QCOMPARE(defaults.maxHeadBytes, 64 * 1024);
    QCOMPARE(defaults.maxUriBytes, 8 * 1024);
    QCOMPARE(defaults.maxHeaderFields, 100);
    expectRejected(m_engine.port(), request, status);
}

void TestHostileRequest::trickledHeadHitsTotalDeadline()
{
    // One byte every 100 ms: a per-read timeout would never fire; the total one must.
    constexpr int kHeadTimeoutMs = 1000;
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.headTimeoutMs = kHeadTimeoutMs;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    const QByteArray head = "GET http://" + m_authority +
                            "/bytes/1?trickle HTTP/1.1\r\nHost: " + m_authority +
                            "\r\nX-Padding: " + QByteArray(60, 'p') + "\r\n\r\n";
    RawHttpClient client;
    QVERIFY2(client.connectTo(engine.port()), qPrintable(client.errorString()));
    QElapsedTimer timer;
    timer.start();
    qsizetype sent = 0;
    while (sent < head.size() && client.socket().state() == QAbstractSocket::ConnectedState &&
           client.socket().bytesAvailable() == 0 && timer.elapsed() < 10'000) {
        client.socket().write(head.mid(sent, 1));
        client.socket().flush();
        ++sent;
        client.socket().waitForReadyRead(100);
    }
    QVERIFY2(sent < head.size(), "the whole trickled head got through");
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(response.status, 408);
    qInfo("408 after %lld ms and %lld of %lld head bytes", elapsed, qint64(sent),
          qint64(head.size()));
    QVERIFY2(elapsed >= kHeadTimeoutMs - 50 && elapsed < kHeadTimeoutMs + 1500,
             QByteArray::number(elapsed));
    QVERIFY2(client.waitForClosed(3000), "the connection stayed open after the 408");
    QCOMPARE(allReceived(m_origin), QByteArray());
}

void TestHostileRequest::silentAndIdleConnectionsClose()
{
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.headTimeoutMs = 500;
    settings.limits.idleTimeoutMs = 500;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    // A client that never says anything.
    RawHttpClient silent;
    QVERIFY2(silent.connectTo(engine.port()), qPrintable(silent.errorString()));
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(silent.waitForClosed(3000), "a silent connection stayed open");
    QVERIFY2(timer.elapsed() >= 400, QByteArray::number(timer.elapsed()));

    // A keep-alive client that goes quiet after one exchange.
    RawHttpClient idle;
    QVERIFY2(idle.connectTo(engine.port()), qPrintable(idle.errorString()));
    QVERIFY(idle.write("GET http://" + m_authority +
                       "/bytes/1?idle HTTP/1.1\r\nHost: " + m_authority + "\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(idle.readResponse(&response, "GET", 5000), qPrintable(idle.errorString()));
    QCOMPARE(response.status, 200);
    timer.restart();
    QVERIFY2(idle.waitForClosed(3000), "an idle keep-alive connection stayed open");
    QVERIFY2(timer.elapsed() >= 400, QByteArray::number(timer.elapsed()));
    QVERIFY(idle.takeBuffered().isEmpty());
}

void TestHostileRequest::malformedConnectTarget_data()
{
    QTest::addColumn<QByteArray>("authority");
    QTest::newRow("no port") << QByteArray("127.0.0.1");
    QTest::newRow("port 0") << QByteArray("127.0.0.1:0");
    QTest::newRow("no host") << QByteArray(":443");
    QTest::newRow("port 99999") << QByteArray("127.0.0.1:99999");
    QTest::newRow("port with sign") << QByteArray("127.0.0.1:+443");
    QTest::newRow("empty port") << QByteArray("127.0.0.1:");
    QTest::newRow("IPv6 without brackets") << QByteArray("::1:443");
    QTest::newRow("IPv6 unclosed bracket") << QByteArray("[::1:443");
    QTest::newRow("IPv6 stray bracket") << QByteArray("::1]:443");
    QTest::newRow("IPv6 no colon after bracket") << QByteArray("[::1]443");
    QTest::newRow("userinfo") << QByteArray("user@127.0.0.1:443");
    QTest::newRow("path") << QByteArray("127.0.0.1:443/path");
}

void TestHostileRequest::malformedConnectTarget()
{
    QFETCH(QByteArray, authority);
    expectRejected(m_engine.port(),
                   "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n", 400);
}

void TestHostileRequest::loopsRefused()
{
    // CONNECT to the proxy's own port (plain requests to itself: tst_proxyerrors).
    const QByteArray self = "127.0.0.1:" + QByteArray::number(m_engine.port());
    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write("CONNECT " + self + " HTTP/1.1\r\nHost: " + self + "\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "CONNECT", 5000), qPrintable(client.errorString()));
    QCOMPARE(response.status, 400);
    QVERIFY2(response.body.contains("loop"), response.body);
    QVERIFY2(client.waitForClosed(3000), "the connection stayed open");
    QTest::qWait(100);
    QVERIFY2(m_engine.finishedEvents().size() == 1,
             QByteArray::number(m_engine.finishedEvents().size()) + " log events for one CONNECT");
}

void TestHostileRequest::exitThatIsItselfRefused()
{
    // An exit whose address is Switchyard's own listening port.
    const quint16 port = FreePort::refusedPort();
    QVERIFY(port != 0);
    UpstreamProfile self;
    self.id = u"self"_s;
    self.name = u"myself"_s;
    self.type = UpstreamProfile::Type::Http;
    self.host = u"127.0.0.1"_s;
    self.port = port;
    EngineSettings settings = EngineFixture::routedThrough(self, 1000);
    settings.listenPort = port;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));
    QCOMPARE(engine.port(), port);
    expectRejected(engine.port(),
                   "GET http://" + m_authority + "/bytes/1?loop HTTP/1.1\r\nHost: " + m_authority +
                       "\r\n\r\n",
                   403);
    const auto event = engine.waitForFinished([](const LogEvent& e) { return e.status == 403; });
    QVERIFY2(event.has_value(), "no finished log event");
    QVERIFY2(event->error.contains(u"loop"_s), qPrintable(event->error));
    QVERIFY2(engine.finishedEvents().size() == 1,
             QByteArray::number(engine.finishedEvents().size()) + " log events for one request");
}

void TestHostileRequest::errorPageDoesNotReflectMarkup()
{
    // A blocked request whose target carries markup: the refusal names the target,
    // as text/plain with nosniff, so no browser renders it.
    EngineSettings settings = EngineFixture::testSettings();
    Rule rule;
    rule.matcher = Rule::Matcher::Port;
    rule.pattern = QString::number(m_origin.port());
    rule.action = RouteAction::block();
    settings.routing.rules = {rule};
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    RawHttpClient client;
    QVERIFY2(client.connectTo(engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write("GET http://" + m_authority +
                         "/%3Cscript%3E/<b>x</b>?q=<img/src=x> HTTP/1.1\r\nHost: " + m_authority +
                         "\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "GET", 5000), qPrintable(client.errorString()));
    QVERIFY2(response.status == 403 || response.status == 400, QByteArray::number(response.status));
    QVERIFY2(response.header("Content-Type").startsWith("text/plain"), response.rawHead);
    QCOMPARE(response.header("X-Content-Type-Options"), QByteArray("nosniff"));
    // The reflected target stays in the body, never in a header.
    QVERIFY2(!response.rawHead.contains('<'), response.rawHead);
    QCOMPARE(allReceived(m_origin), QByteArray());
}

QTEST_GUILESS_MAIN(TestHostileRequest)
#include "tst_hostilerequest.moc"
