// Hostile input from the other side: an origin whose responses break the framing
// rules (RFC 9112) and a SOCKS5 exit that misbehaves. Both are ScriptedServers that
// answer with exact bytes and record what they received. For each case: what the
// client gets (a 502 with a readable body, or a cut-off response when the head had
// already gone out), what the origin or exit received (exactly the canonical
// request), and that a broken origin connection is discarded, never reused.

#include "EngineFixture.h"
#include "RawHttpClient.h"
#include "ScriptedServer.h"

#include <QTest>

using namespace Switchyard;
using namespace Qt::StringLiterals;

class TestHostileResponse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void brokenResponse_data();
    void brokenResponse();
    void misbehavingSocksExit_data();
    void misbehavingSocksExit();

private:
    EngineFixture m_engine;
};

void TestHostileResponse::initTestCase()
{
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.responseTimeoutMs = 3000;
    QVERIFY2(m_engine.start(settings), qPrintable(m_engine.errorString()));
}

void TestHostileResponse::init()
{
    m_engine.clearEvents();
}

void TestHostileResponse::cleanup()
{
    const QStringList logErrors = m_engine.takeSequenceErrors();
    QVERIFY2(logErrors.isEmpty(), qPrintable(logErrors.join(u'\n')));
}

void TestHostileResponse::brokenResponse_data()
{
    QTest::addColumn<QByteArray>("response");
    // 502: the defect is in the head, nothing has gone to the client yet.
    // 0: the head was fine and went out; the body breaks, so the client's response
    //    is cut off. 200: a good response (the control: its connection is reused).
    QTest::addColumn<int>("outcome");

    const QByteArray ok = "HTTP/1.1 200 OK\r\n";
    QTest::newRow("control: valid") << ok + "Content-Length: 2\r\n\r\nok" << 200;
    QTest::newRow("control: valid chunked")
        << ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
        << 200;
    QTest::newRow("CL and TE")
        << ok + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
        << 502;
    QTest::newRow("two different CLs")
        << ok + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nok!" << 502;
    QTest::newRow("two equal CLs")
        << ok + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nok" << 502;
    QTest::newRow("CL +2") << ok + "Content-Length: +2\r\n\r\nok" << 502;
    QTest::newRow("CL 0x2") << ok + "Content-Length: 0x2\r\n\r\nok" << 502;
    QTest::newRow("CL -1") << ok + "Content-Length: -1\r\n\r\nok" << 502;
    QTest::newRow("CL empty") << ok + "Content-Length: \r\n\r\nok" << 502;
    QTest::newRow("CL 2, 3") << ok + "Content-Length: 2, 3\r\n\r\nok!" << 502;
    QTest::newRow("CL 20 digits") << ok + "Content-Length: 12345678901234567890\r\n\r\nok" << 502;
    QTest::newRow("TE chunked, gzip") << ok + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"
                                      << 502;
    QTest::newRow("TE chunked, chunked")
        << ok + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"
        << 502;
    QTest::newRow("TE gzip") << ok + "Transfer-Encoding: gzip\r\n\r\nok" << 502;
    QTest::newRow("TE chunked,") << ok + "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n" << 502;
    QTest::newRow("TE ,chunked") << ok + "Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n" << 502;
    QTest::newRow("space before colon") << ok + "Content-Length : 2\r\n\r\nok" << 502;
    QTest::newRow("obs-fold") << ok + "X-A: 1\r\n 2\r\nContent-Length: 2\r\n\r\nok" << 502;
    QTest::newRow("NUL in value") << ok + QByteArray("X-A: a\0b\r\nContent-Length: 2\r\n\r\nok", 34)
                                  << 502;
    QTest::newRow("bare CR in value") << ok + "X-A: a\rb\r\nContent-Length: 2\r\n\r\nok" << 502;
    QTest::newRow("bare LF line") << ok + "X-A: a\nContent-Length: 2\r\n\r\nok" << 502;
    QTest::newRow("control byte in name") << ok + "X-\x01: a\r\nContent-Length: 2\r\n\r\nok" << 502;
    QTest::newRow("empty name") << ok + ": a\r\nContent-Length: 2\r\n\r\nok" << 502;
    QTest::newRow("line without colon") << ok + "NoColon\r\nContent-Length: 2\r\n\r\nok" << 502;
    QTest::newRow("HTTP/2.0 status line")
        << QByteArray("HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok") << 502;
    QTest::newRow("not HTTP at all") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n") << 502;
    QTest::newRow("one-digit status")
        << QByteArray("HTTP/1.1 2 OK\r\nContent-Length: 2\r\n\r\nok") << 502;
    // 204 ends with its head (RFC 9112 §6.3) whatever Content-Length says: the
    // client gets a clean 204 and never the two stray bytes, and the connection
    // they arrived on is not reused.
    QTest::newRow("204 with a body")
        << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\nok") << 204;
    QTest::newRow("unasked 101")
        << QByteArray(
               "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n")
        << 502;
    const QByteArray chunked = ok + "Transfer-Encoding: chunked\r\n\r\n";
    QTest::newRow("chunk size 0x2") << chunked + "0x2\r\nok\r\n0\r\n\r\n" << 0;
    QTest::newRow("chunk size +2") << chunked + "+2\r\nok\r\n0\r\n\r\n" << 0;
    QTest::newRow("chunk size with space") << chunked + " 2\r\nok\r\n0\r\n\r\n" << 0;
    QTest::newRow("chunk size 17 significant hex digits")
        << chunked + "10000000000000000\r\nok\r\n0\r\n\r\n"
        << 0;
    QTest::newRow("chunk data without CRLF") << chunked + "2\r\nokX0\r\n\r\n" << 0;
    QTest::newRow("chunk extension over the cap")
        << chunked + "2;" + QByteArray(400, 'e') + "\r\nok\r\n0\r\n\r\n"
        << 0;
}

void TestHostileResponse::brokenResponse()
{
    QFETCH(QByteArray, response);
    QFETCH(int, outcome);

    ScriptedServer origin({{"\r\n\r\n", 0, response, false}}, true);
    QVERIFY(origin.start());
    const QByteArray authority = "127.0.0.1:" + QByteArray::number(origin.port());
    auto request = [&](const QByteArray& path) {
        return "GET http://" + authority + path + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    };
    auto canonical = [&](const QByteArray& path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    };

    RawHttpClient client;
    QVERIFY2(client.connectTo(m_engine.port()), qPrintable(client.errorString()));
    QVERIFY(client.write(request("/first")));
    HttpMessage reply;
    const bool complete = client.readResponse(&reply, "GET", 5000);
    if (outcome == 0) {
        // The head went out before the body broke: all that is left is to cut
        // the response off, so the client can tell it is incomplete.
        QVERIFY2(!complete, "a complete response from a broken chunked body: " + reply.rawHead);
        QVERIFY2(client.waitForClosed(3000), "the client connection stayed open");
    } else {
        QVERIFY2(complete, qPrintable(client.errorString()));
        QCOMPARE(reply.status, outcome);
    }
    if (outcome == 502) {
        QVERIFY2(reply.header("Content-Type").startsWith("text/plain"), reply.rawHead);
        QVERIFY2(reply.body.contains("invalid response") ||
                     reply.body.contains("switched protocols"),
                 reply.body);
        QVERIFY2(reply.header("Proxy-Status").contains("http_protocol_error"), reply.rawHead);
        QVERIFY2(client.waitForClosed(3000), "the client connection stayed open after a 502");
        const auto event =
            m_engine.waitForFinished([](const LogEvent& e) { return e.status == 502; });
        QVERIFY2(event.has_value(), "no finished log event with 502");
        QVERIFY2(!event->error.isEmpty(), "the 502 log event has no error");
    }
    if (outcome == 200)
        QCOMPARE(reply.body, QByteArray("ok"));
    if (outcome == 204) {
        QVERIFY(reply.body.isEmpty());
        QTest::qWait(100);
        QVERIFY2(client.readExactly(1, 200).isEmpty(), "stray bytes after the 204");
    }

    // A second request for the same origin, from a new client.
    RawHttpClient second;
    QVERIFY2(second.connectTo(m_engine.port()), qPrintable(second.errorString()));
    QVERIFY(second.write(request("/second")));
    (void)second.readResponse(&reply, "GET", 5000);

    const QList<QByteArray> received = origin.received();
    if (outcome == 200) {
        // The control: the pooled connection carried both requests.
        QCOMPARE(origin.connectionCount(), 1);
        QCOMPARE(received.value(0), canonical("/first") + canonical("/second"));
        return;
    }
    // The broken connection was closed by the engine and never used again.
    QVERIFY2(origin.waitForClosed(0, 3000), "the engine kept the broken origin connection open");
    QCOMPARE(origin.connectionCount(), 2);
    QCOMPARE(received.value(0), canonical("/first"));
    QCOMPARE(received.value(1), canonical("/second"));
}

void TestHostileResponse::misbehavingSocksExit_data()
{
    QTest::addColumn<QList<ScriptedServer::Step>>("script");
    QTest::addColumn<bool>("reachesRequest"); // the exit accepted the method
    QTest::addColumn<QString>("errorText");

    using Step = ScriptedServer::Step;
    const Step greeting{{}, 3, {}, false};
    const Step acceptNoAuth{{}, 3, QByteArray("\x05\x00", 2), false};
    const Step request{{}, 10, {}, false};
    QTest::newRow("picks username/password, not offered")
        << QList<Step>{{{}, 3, QByteArray("\x05\x02", 2), false}} << false << u"not offered"_s;
    QTest::newRow("picks GSSAPI, not offered")
        << QList<Step>{{{}, 3, QByteArray("\x05\x01", 2), false}} << false << u"not offered"_s;
    QTest::newRow("no acceptable method") << QList<Step>{{{}, 3, QByteArray("\x05\xff", 2), false}}
                                          << false << u"requires a username and password"_s;
    QTest::newRow("garbage greeting reply")
        << QList<Step>{{{}, 3, QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n"), true}} << false
        << u"does not speak SOCKS5"_s;
    QTest::newRow("short greeting reply, then close")
        << QList<Step>{{{}, 3, QByteArray("\x05", 1), true}} << false
        << u"closed the connection during the handshake"_s;
    QTest::newRow("silent after the greeting") << QList<Step>{greeting} << false << u"timed out"_s;
    QTest::newRow("short request reply, then close")
        << QList<Step>{acceptNoAuth, {{}, 10, QByteArray("\x05\x00\x00", 3), true}} << true
        << u"closed the connection during the handshake"_s;
    QTest::newRow("request reply with wrong version")
        << QList<Step>{acceptNoAuth,
                       {{}, 10, QByteArray("\x04\x00\x00\x01\x7f\x00\x00\x01\x00\x50", 10), false}}
        << true << u"invalid SOCKS5 reply"_s;
    QTest::newRow("request reply with RSV set")
        << QList<Step>{acceptNoAuth,
                       {{}, 10, QByteArray("\x05\x00\x07\x01\x7f\x00\x00\x01\x00\x50", 10), false}}
        << true << u"invalid SOCKS5 reply"_s;
    QTest::newRow("request reply with unknown address type")
        << QList<Step>{acceptNoAuth,
                       {{}, 10, QByteArray("\x05\x00\x00\x09\x7f\x00\x00\x01\x00\x50", 10), false}}
        << true << u"unknown address type"_s;
    QTest::newRow("request refused")
        << QList<Step>{acceptNoAuth,
                       {{}, 10, QByteArray("\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00", 10), true}}
        << true << u"refused"_s;
    QTest::newRow("silent after the request")
        << QList<Step>{acceptNoAuth, request} << true << u"timed out"_s;
}

void TestHostileResponse::misbehavingSocksExit()
{
    QFETCH(QList<ScriptedServer::Step>, script);
    QFETCH(bool, reachesRequest);
    QFETCH(QString, errorText);

    ScriptedServer exitServer(script);
    QVERIFY(exitServer.start());
    UpstreamProfile profile;
    profile.id = u"broken-socks"_s;
    profile.name = u"broken"_s;
    profile.type = UpstreamProfile::Type::Socks5;
    profile.host = u"127.0.0.1"_s;
    profile.port = exitServer.port();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, 1000)),
             qPrintable(engine.errorString()));

    // The destination is never contacted: the exit is asked for it, that is all.
    const QByteArray destination = "127.0.0.1:9";
    QByteArray expected("\x05\x01\x00", 3);
    if (reachesRequest)
        expected += QByteArray("\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x09", 10);

    for (const QByteArray& method : {QByteArray("GET"), QByteArray("CONNECT")}) {
        const int before = exitServer.connectionCount();
        RawHttpClient client;
        QVERIFY2(client.connectTo(engine.port()), qPrintable(client.errorString()));
        const QByteArray target = method == "GET" ? "http://" + destination + "/x" : destination;
        QVERIFY(
            client.write(method + ' ' + target + " HTTP/1.1\r\nHost: " + destination + "\r\n\r\n"));
        HttpMessage reply;
        QVERIFY2(client.readResponse(&reply, method, 5000), qPrintable(client.errorString()));
        QVERIFY2(reply.status == 502, reply.rawHead + reply.body);
        QVERIFY2(QString::fromUtf8(reply.body).contains(errorText, Qt::CaseInsensitive),
                 reply.body);
        QVERIFY2(reply.body.contains("\"broken\""), reply.body); // names the exit
        QVERIFY2(client.waitForClosed(3000), "the client connection stayed open");
        QCOMPARE(exitServer.connectionCount(), before + 1);
        QCOMPARE(exitServer.received().value(before).toHex(), expected.toHex());
        QVERIFY2(exitServer.waitForClosed(before, 3000),
                 "the engine kept the exit connection open");
    }
}

QTEST_GUILESS_MAIN(TestHostileResponse)
#include "tst_hostileresponse.moc"
