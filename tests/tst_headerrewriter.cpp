// Unit tests for HeaderRewriter: hop-by-hop removal and Via.
#include "HeaderRewriter.h"

#include <QTest>

using namespace Switchyard;

class TestHeaderRewriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stripsHopByHop_data();
    void stripsHopByHop();
    void keepsUpgradeForWebSocket();
    void addsViaOnlyWhenAsked();
};

void TestHeaderRewriter::stripsHopByHop_data()
{
    QTest::addColumn<HeaderList>("input");
    QTest::addColumn<QList<QByteArray>>("kept");
    auto field = [](const char* n, const char* v) {
        return HeaderField(n, v);
    };
    QTest::newRow("standard hop-by-hop")
        << HeaderList{field("Host", "e"),
                      field("Connection", "keep-alive"),
                      field("Keep-Alive", "timeout=5"),
                      field("Proxy-Connection", "keep-alive"),
                      field("TE", "trailers"),
                      field("Trailer", "X"),
                      field("Transfer-Encoding", "chunked"),
                      field("Upgrade", "h2c"),
                      field("Proxy-Authorization", "Basic Zm9vOmJhcg=="),
                      field("Proxy-Authenticate", "Basic"),
                      field("Accept", "*/*")}
        << QList<QByteArray>{"Host", "Accept"};
    QTest::newRow("connection names others")
        << HeaderList{field("Connection", "X-Foo, x-bar"), field("X-Foo", "1"), field("X-Bar", "2"),
                      field("X-Baz", "3")}
        << QList<QByteArray>{"X-Baz"};
    QTest::newRow("connection names itself and Host")
        << HeaderList{field("Connection", "Connection, close"), field("Close", "x"),
                      field("Accept", "a")}
        << QList<QByteArray>{"Accept"};
    QTest::newRow("proxy-connection names a field")
        << HeaderList{field("Proxy-Connection", "X-Secret"), field("X-Secret", "s"),
                      field("Cookie", "c=1")}
        << QList<QByteArray>{"Cookie"};
    QTest::newRow("case insensitive")
        << HeaderList{field("CONNECTION", "x-FOO"), field("x-foo", "1"), field("via", "1.1 a")}
        << QList<QByteArray>{"via"};
    QTest::newRow("empty tokens") << HeaderList{field("Connection", ", ,"), field("A", "1")}
                                  << QList<QByteArray>{"A"};
}

void TestHeaderRewriter::stripsHopByHop()
{
    QFETCH(HeaderList, input);
    QFETCH(QList<QByteArray>, kept);
    HttpHead head;
    head.headers = input;
    HeaderRewriter::stripHopByHop(head, {});
    QList<QByteArray> names;
    for (const HeaderField& f : head.headers)
        names.append(f.first);
    QCOMPARE(names, kept);
}

void TestHeaderRewriter::keepsUpgradeForWebSocket()
{
    HttpHead head;
    head.headers = {{"Host", "e"},
                    {"Connection", "Upgrade"},
                    {"Upgrade", "websocket"},
                    {"Sec-WebSocket-Key", "k"}};
    HeaderRewriter::stripHopByHop(head, {false, true});
    QCOMPARE(head.value("upgrade"), QByteArray("websocket"));
    QCOMPARE(head.value("connection"), QByteArray("Upgrade"));
    QCOMPARE(head.count("connection"), 1);
    QCOMPARE(head.value("sec-websocket-key"), QByteArray("k"));
}

void TestHeaderRewriter::addsViaOnlyWhenAsked()
{
    HttpHead head;
    head.headers = {{"Host", "e"}};
    HeaderRewriter::stripHopByHop(head, {});
    QVERIFY(!head.contains("via"));
    QVERIFY(!head.contains("x-forwarded-for"));
    HeaderRewriter::stripHopByHop(head, {true, false});
    QCOMPARE(head.value("via"), QByteArray("1.1 switchyard"));
    head.versionMinor = 0;
    head.set("Via", "1.1 upstream");
    HeaderRewriter::stripHopByHop(head, {true, false});
    QCOMPARE(head.value("via"), QByteArray("1.1 upstream, 1.0 switchyard"));
}

QTEST_GUILESS_MAIN(TestHeaderRewriter)
#include "tst_headerrewriter.moc"
