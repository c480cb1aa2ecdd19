// Unit tests for request-target parsing (absolute-, authority- and origin-form).
#include "HttpTarget.h"

#include <QTest>

using namespace Switchyard;

class TestHttpTarget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
};

void TestHttpTarget::parses_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QString>("display");
    QTest::newRow("plain") << QByteArray("GET") << QByteArray("http://Example.COM/a/b?c=d")
                           << u"example.com"_qs << 80 << QByteArray("/a/b?c=d")
                           << u"http://example.com/a/b?c=d"_qs;
    QTest::newRow("port") << QByteArray("GET") << QByteArray("http://e:8080") << u"e"_qs << 8080
                          << QByteArray("/") << u"http://e:8080/"_qs;
    QTest::newRow("query only") << QByteArray("GET") << QByteArray("HTTP://e?x=1") << u"e"_qs << 80
                                << QByteArray("/?x=1") << u"http://e/?x=1"_qs;
    QTest::newRow("userinfo stripped") << QByteArray("GET") << QByteArray("http://user:secret@e/p")
                                       << u"e"_qs << 80 << QByteArray("/p") << u"http://e/p"_qs;
    QTest::newRow("ipv6") << QByteArray("GET") << QByteArray("http://[::1]:81/x") << u"::1"_qs << 81
                          << QByteArray("/x") << u"http://[::1]:81/x"_qs;
    QTest::newRow("fragment dropped") << QByteArray("GET") << QByteArray("http://e/p#frag")
                                      << u"e"_qs << 80 << QByteArray("/p") << u"http://e/p"_qs;
    QTest::newRow("connect") << QByteArray("CONNECT") << QByteArray("Example.com:443")
                             << u"example.com"_qs << 443 << QByteArray() << QString();
    QTest::newRow("connect ipv6") << QByteArray("CONNECT") << QByteArray("[2001:db8::1]:8443")
                                  << u"2001:db8::1"_qs << 8443 << QByteArray() << QString();
}

void TestHttpTarget::parses()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QByteArray, path);
    QFETCH(QString, display);
    HttpTarget parsed;
    QCOMPARE(parseRequestTarget(method, target, &parsed), QString());
    QCOMPARE(parsed.host, host);
    QCOMPARE(int(parsed.port), port);
    QCOMPARE(parsed.pathAndQuery, path);
    if (!display.isEmpty())
        QCOMPARE(parsed.displayUrl(), display);
}

void TestHttpTarget::rejects_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("connect without port") << QByteArray("CONNECT") << QByteArray("host");
    QTest::newRow("connect port 0") << QByteArray("CONNECT") << QByteArray("host:0");
    QTest::newRow("connect port too big") << QByteArray("CONNECT") << QByteArray(":99999");
    QTest::newRow("connect empty host") << QByteArray("CONNECT") << QByteArray(":443");
    QTest::newRow("connect bad brackets") << QByteArray("CONNECT") << QByteArray("[::1:443");
    QTest::newRow("connect brackets not v6")
        << QByteArray("CONNECT") << QByteArray("[example.com]:443");
    QTest::newRow("connect path") << QByteArray("CONNECT") << QByteArray("/x");
    QTest::newRow("https scheme") << QByteArray("GET") << QByteArray("https://e/");
    QTest::newRow("ftp scheme") << QByteArray("GET") << QByteArray("ftp://e/");
    QTest::newRow("empty host") << QByteArray("GET") << QByteArray("http:///x");
    QTest::newRow("bad host chars") << QByteArray("GET") << QByteArray("http://e<x>/");
    QTest::newRow("bad port") << QByteArray("GET") << QByteArray("http://e:8a/");
    QTest::newRow("not a url") << QByteArray("GET") << QByteArray("e/x");
}

void TestHttpTarget::rejects()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    HttpTarget parsed;
    QVERIFY(!parseRequestTarget(method, target, &parsed).isEmpty());
}

QTEST_GUILESS_MAIN(TestHttpTarget)
#include "tst_httptarget.moc"
