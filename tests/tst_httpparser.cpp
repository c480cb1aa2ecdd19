// Unit tests for HttpParser: strict request and response framing, limits, and
// stopping at message boundaries for pipelining.
#include "HttpParser.h"

#include <QTest>

using namespace Switchyard;

namespace {

class Collector : public HttpMessageHandler
{
public:
    HeadAction onHead(HttpHead& head) override
    {
        heads.append(head);
        return action;
    }
    void onBody(const char* data, qsizetype size) override { body.append(data, size); }
    void onMessageComplete() override { ++messages; }

    HeadAction action = HeadAction::Continue;
    QList<HttpHead> heads;
    QByteArray body;
    int messages = 0;
};

struct Outcome
{
    HttpParser::Status status;
    int errorStatus = 0;
};

// Feeds everything (optionally one byte at a time), resuming after each message.
Outcome parseAll(HttpParser& parser, const QByteArray& input, bool byteByByte)
{
    qsizetype offset = 0;
    HttpParser::Status status = HttpParser::Status::NeedMore;
    while (offset < input.size()) {
        const qsizetype chunk = byteByByte ? 1 : input.size() - offset;
        qsizetype consumed = 0;
        status = parser.feed(input.constData() + offset, chunk, &consumed);
        offset += consumed;
        if (status == HttpParser::Status::Error)
            return {status, parser.errorStatus()};
        if (status == HttpParser::Status::MessageComplete || status == HttpParser::Status::Paused)
            parser.resume();
        if (status == HttpParser::Status::Upgrade)
            return {status, 0};
    }
    return {status, 0};
}

} // namespace

class TestHttpParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rejectsAmbiguousRequests_data();
    void rejectsAmbiguousRequests();
    void acceptsValidRequests_data();
    void acceptsValidRequests();
    void enforcesLimits_data();
    void enforcesLimits();
    void stopsBetweenPipelinedRequests();
    void pausesAfterHead();
    void connectIsAnUpgrade();
    void responseFraming_data();
    void responseFraming();
    void responseToHeadHasNoBody();
};

void TestHttpParser::rejectsAmbiguousRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    const QByteArray line = "POST http://example.com/ HTTP/1.1\r\nHost: example.com\r\n";
    QTest::newRow("CL and TE")
        << line + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        << 400;
    QTest::newRow("two different CLs")
        << line + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!" << 400;
    QTest::newRow("two equal CLs")
        << line + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello" << 400;
    QTest::newRow("CL with plus") << line + "Content-Length: +5\r\n\r\nhello" << 400;
    QTest::newRow("CL hex") << line + "Content-Length: 0x5\r\n\r\nhello" << 400;
    QTest::newRow("CL negative") << line + "Content-Length: -1\r\n\r\n" << 400;
    QTest::newRow("CL empty") << line + "Content-Length: \r\n\r\n" << 400;
    QTest::newRow("CL list") << line + "Content-Length: 5, 6\r\n\r\nhello!" << 400;
    QTest::newRow("CL 20 digits") << line + "Content-Length: 12345678901234567890\r\n\r\n" << 400;
    QTest::newRow("TE chunked, gzip") << line + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"
                                      << 400;
    QTest::newRow("TE chunked, chunked")
        << line + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"
        << 400;
    QTest::newRow("TE gzip") << line + "Transfer-Encoding: gzip\r\n\r\n" << 400;
    QTest::newRow("TE trailing comma") << line + "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n"
                                       << 400;
    QTest::newRow("TE leading comma") << line + "Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n"
                                      << 400;
    QTest::newRow("TE gzip, chunked") << line + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
                                      << 501;
    QTest::newRow("space before colon") << line + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"
                                        << 400;
    QTest::newRow("obs-fold") << line + "X-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n" << 400;
    QTest::newRow("NUL in value") << line + QByteArray("X-A: a\0b\r\n\r\n", 12) << 400;
    QTest::newRow("bare LF in head")
        << QByteArray("GET http://example.com/ HTTP/1.1\nHost: example.com\n\n") << 400;
    QTest::newRow("bare CR in value") << line + "X-A: a\rb\r\n\r\n" << 400;
    QTest::newRow("empty header name") << line + ": value\r\n\r\n" << 400;
    QTest::newRow("line without colon") << line + "NoColonHere\r\n\r\n" << 400;
    QTest::newRow("chunk size 0x")
        << line + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"
        << 400;
    QTest::newRow("chunk size sign")
        << line + "Transfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n"
        << 400;
    QTest::newRow("chunk size not hex")
        << line + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
        << 400;
    QTest::newRow("chunk without CRLF")
        << line + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX0\r\n\r\n"
        << 400;
    QTest::newRow("no Host in 1.1")
        << QByteArray("GET http://example.com/ HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("two Hosts") << line + "Host: other.example\r\n\r\n" << 400;
    QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << 400;
    QTest::newRow("HTTP/2.0 line")
        << QByteArray("GET http://a/ HTTP/2.0\r\nHost: a\r\n\r\n") << 505;
}

void TestHttpParser::rejectsAmbiguousRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    for (const bool byteByByte : {false, true}) {
        Collector collector;
        HttpParser parser(HttpParser::Type::Request, &collector, {});
        const Outcome outcome = parseAll(parser, request, byteByByte);
        QCOMPARE(outcome.status, HttpParser::Status::Error);
        QCOMPARE(outcome.errorStatus, status);
        QVERIFY(!parser.error().isEmpty());
    }
}

void TestHttpParser::acceptsValidRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("GET")
        << QByteArray("GET http://example.com/a?b=c HTTP/1.1\r\nHost: example.com\r\n\r\n")
        << QByteArray("GET") << QByteArray();
    QTest::newRow("POST with length")
        << QByteArray("POST http://e/ HTTP/1.1\r\nHost: e\r\nContent-Length: 5\r\n\r\nhello")
        << QByteArray("POST") << QByteArray("hello");
    QTest::newRow("chunked upload")
        << QByteArray("PUT http://e/ HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: ChUnKeD\r\n\r\n"
                      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        << QByteArray("PUT") << QByteArray("hello world");
    QTest::newRow("HTTP/1.0 without Host")
        << QByteArray("GET http://e/ HTTP/1.0\r\n\r\n") << QByteArray("GET") << QByteArray();
    QTest::newRow("custom method")
        << QByteArray("PATCH http://e/ HTTP/1.1\r\nHost: e\r\nContent-Length: 2\r\n\r\n{}")
        << QByteArray("PATCH") << QByteArray("{}");
    QTest::newRow("OPTIONS") << QByteArray("OPTIONS http://e/ HTTP/1.1\r\nHost: e\r\n\r\n")
                             << QByteArray("OPTIONS") << QByteArray();
}

void TestHttpParser::acceptsValidRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);
    for (const bool byteByByte : {false, true}) {
        Collector collector;
        HttpParser parser(HttpParser::Type::Request, &collector, {});
        const Outcome outcome = parseAll(parser, request, byteByByte);
        QVERIFY2(outcome.status != HttpParser::Status::Error, qPrintable(parser.error()));
        QCOMPARE(collector.messages, 1);
        QCOMPARE(collector.heads.size(), 1);
        QCOMPARE(collector.heads.first().method, method);
        QCOMPARE(collector.body, body);
    }
}

void TestHttpParser::enforcesLimits_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("head over 64 KiB")
        << "GET http://e/ HTTP/1.1\r\nHost: e\r\nX-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n"
        << 431;
    QTest::newRow("URI over 8 KiB")
        << "GET http://e/" + QByteArray(10 * 1024, 'a') + " HTTP/1.1\r\nHost: e\r\n\r\n"
        << 414;
    QByteArray many = "GET http://e/ HTTP/1.1\r\nHost: e\r\n";
    for (int i = 0; i < 101; ++i)
        many += "X-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("101 header fields") << many + "\r\n" << 431;
}

void TestHttpParser::enforcesLimits()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    Collector collector;
    HttpParser parser(HttpParser::Type::Request, &collector, {});
    const Outcome outcome = parseAll(parser, request, false);
    QCOMPARE(outcome.status, HttpParser::Status::Error);
    QCOMPARE(outcome.errorStatus, status);
}

void TestHttpParser::stopsBetweenPipelinedRequests()
{
    const QByteArray two =
        "GET http://e/1 HTTP/1.1\r\nHost: e\r\n\r\nGET http://e/2 HTTP/1.1\r\nHost: e\r\n\r\n";
    Collector collector;
    HttpParser parser(HttpParser::Type::Request, &collector, {});
    qsizetype consumed = 0;
    QCOMPARE(parser.feed(two.constData(), two.size(), &consumed),
             HttpParser::Status::MessageComplete);
    QCOMPARE(consumed, two.indexOf("GET http://e/2"));
    QCOMPARE(collector.messages, 1);
    parser.resume();
    qsizetype rest = 0;
    QCOMPARE(parser.feed(two.constData() + consumed, two.size() - consumed, &rest),
             HttpParser::Status::MessageComplete);
    QCOMPARE(consumed + rest, two.size());
    QCOMPARE(collector.heads.at(1).target, QByteArray("http://e/2"));
}

void TestHttpParser::pausesAfterHead()
{
    const QByteArray request = "POST http://e/ HTTP/1.1\r\nHost: e\r\nContent-Length: 3\r\n\r\nabc";
    Collector collector;
    collector.action = HttpMessageHandler::HeadAction::Pause;
    HttpParser parser(HttpParser::Type::Request, &collector, {});
    qsizetype consumed = 0;
    QCOMPARE(parser.feed(request.constData(), request.size(), &consumed),
             HttpParser::Status::Paused);
    QCOMPARE(consumed, request.size() - 3);
    QVERIFY(collector.body.isEmpty());
    QCOMPARE(parser.contentLength(), 3);
    parser.resume();
    qsizetype rest = 0;
    QCOMPARE(parser.feed(request.constData() + consumed, 3, &rest),
             HttpParser::Status::MessageComplete);
    QCOMPARE(collector.body, QByteArray("abc"));
}

void TestHttpParser::connectIsAnUpgrade()
{
    const QByteArray request =
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01";
    Collector collector;
    HttpParser parser(HttpParser::Type::Request, &collector, {});
    qsizetype consumed = 0;
    QCOMPARE(parser.feed(request.constData(), request.size(), &consumed),
             HttpParser::Status::Upgrade);
    QCOMPARE(consumed, request.size() - 3); // the tunnel bytes are left for the caller
    QCOMPARE(collector.heads.first().target, QByteArray("example.com:443"));
}

void TestHttpParser::responseFraming_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc") << true
                            << QByteArray("abc");
    QTest::newRow("chunked")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        << true << QByteArray("abc");
    QTest::newRow("CL and TE")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
        << false << QByteArray();
    QTest::newRow("two CLs")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")
        << false << QByteArray();
    QTest::newRow("bad chunk")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n")
        << false << QByteArray();
    QTest::newRow("space before colon")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length : 3\r\n\r\nabc") << false << QByteArray();
}

void TestHttpParser::responseFraming()
{
    QFETCH(QByteArray, response);
    QFETCH(bool, valid);
    QFETCH(QByteArray, body);
    Collector collector;
    HttpParser parser(HttpParser::Type::Response, &collector, {});
    const Outcome outcome = parseAll(parser, response, false);
    if (!valid) {
        QCOMPARE(outcome.status, HttpParser::Status::Error);
        return;
    }
    QCOMPARE(outcome.status, HttpParser::Status::MessageComplete);
    QCOMPARE(collector.body, body);
    QCOMPARE(collector.heads.first().status, 200);
}

void TestHttpParser::responseToHeadHasNoBody()
{
    const QByteArray response = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    Collector collector;
    collector.action = HttpMessageHandler::HeadAction::SkipBody;
    HttpParser parser(HttpParser::Type::Response, &collector, {});
    qsizetype consumed = 0;
    QCOMPARE(parser.feed(response.constData(), response.size(), &consumed),
             HttpParser::Status::MessageComplete);
    QCOMPARE(collector.messages, 1);
    QVERIFY(parser.shouldKeepAlive());
}

QTEST_GUILESS_MAIN(TestHttpParser)
#include "tst_httpparser.moc"
