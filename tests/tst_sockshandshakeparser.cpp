// Unit tests for SocksHandshakeParser: every message and every error, fed whole and
// one byte at a time, with the same verdict both ways.
#include "SocksHandshakeParser.h"

#include <QTest>

using namespace Switchyard;

namespace {

using Result = SocksHandshakeParser::Result;

struct Outcome
{
    QList<Result> results;
    int errorReply = -2;
    SocksRequest request;
    QByteArray username;
    QByteArray password;
    QByteArray remaining;
};

/// Drives the parser like SocksSession: method 0x02 when auth is on, else 0x00.
Outcome drive(const QByteArray& input, bool auth, bool byteByByte)
{
    Outcome outcome;
    SocksHandshakeParser parser;
    qsizetype position = 0;
    bool over = false;
    while (position < input.size() && !over) {
        const qsizetype piece = byteByByte ? 1 : input.size();
        parser.append(input.constData() + position, piece);
        position += piece;
        for (int round = 0; round < 8 && !over; ++round) {
            const Result result = parser.next();
            if (result == Result::NeedMore)
                break;
            outcome.results.append(result);
            if (result == Result::Greeting) {
                const char wanted = auth ? '\x02' : '\x00';
                parser.chooseMethod(parser.methods().contains(wanted) ? quint8(wanted) : 0xff);
                over = !parser.methods().contains(wanted);
            } else if (result == Result::Credentials) {
                outcome.username = parser.username();
                outcome.password = parser.password();
            } else if (result == Result::Request) {
                outcome.request = parser.request();
                over = true;
            } else if (result == Result::Error) {
                outcome.errorReply = parser.errorReply();
                over = true;
            }
        }
    }
    outcome.remaining = parser.takeRemaining() + input.sliced(position);
    return outcome;
}

QByteArray b(const char* data, qsizetype size)
{
    return QByteArray(data, size);
}

} // namespace

class TestSocksHandshakeParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void messages_data();
    void messages();
    void errors_data();
    void errors();
};

void TestSocksHandshakeParser::messages_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("auth");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QByteArray>("remaining");

    QTest::newRow("SOCKS5 IPv4, early data")
        << b("\x05\x01\x00\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x50GET", 16) << false
        << QStringLiteral("127.0.0.1") << 80 << QByteArray("GET");
    QTest::newRow("SOCKS5 domain, lower-cased")
        << b("\x05\x01\x00\x05\x01\x00\x03\x07"
             "Example\x01\xbb",
             17)
        << false << QStringLiteral("example") << 443 << QByteArray();
    QTest::newRow("SOCKS5 IPv6") << b("\x05\x01\x00\x05\x01\x00\x04", 7) + QByteArray(15, '\0') +
                                        b("\x01\x00\x16", 3)
                                 << false << QStringLiteral("::1") << 22 << QByteArray();
    QTest::newRow("SOCKS5 with RFC 1929")
        << b("\x05\x02\x00\x02\x01\x01u\x01p\x05\x01\x00\x01\x0a\x00\x00\x01\x00\x50", 19) << true
        << QStringLiteral("10.0.0.1") << 80 << QByteArray();
    QTest::newRow("SOCKS4") << b("\x04\x01\x00\x50\x7f\x00\x00\x01me\x00", 11) << false
                            << QStringLiteral("127.0.0.1") << 80 << QByteArray();
    QTest::newRow("SOCKS4a") << b("\x04\x01\x00\x50\x00\x00\x00\x01\x00Host.Invalid\x00xy", 24)
                             << false << QStringLiteral("host.invalid") << 80 << QByteArray("xy");
}

void TestSocksHandshakeParser::messages()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, auth);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QByteArray, remaining);
    for (const bool byteByByte : {false, true}) {
        const Outcome outcome = drive(input, auth, byteByByte);
        QVERIFY(!outcome.results.isEmpty());
        QCOMPARE(outcome.results.last(), Result::Request);
        QCOMPARE(outcome.request.host, host);
        QCOMPARE(int(outcome.request.port), port);
        QCOMPARE(outcome.request.command, quint8(1));
        QCOMPARE(outcome.remaining, remaining);
        if (auth) {
            QCOMPARE(outcome.username, QByteArray("u"));
            QCOMPARE(outcome.password, QByteArray("p"));
        }
    }
}

void TestSocksHandshakeParser::errors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("auth");
    QTest::addColumn<int>("reply"); // -1: not SOCKS, no reply

    QTest::newRow("not SOCKS") << QByteArray("GET / HTTP/1.1\r\n") << false << -1;
    QTest::newRow("auth sub-version 5") << b("\x05\x01\x02\x05\x01u\x01p", 8) << true << 0x01;
    QTest::newRow("auth empty user") << b("\x05\x01\x02\x01\x00\x01p", 7) << true << 0x01;
    QTest::newRow("auth empty password") << b("\x05\x01\x02\x01\x01u\x00", 7) << true << 0x01;
    QTest::newRow("request version 4") << b("\x05\x01\x00\x04\x01\x00\x01", 7) << false << 0x01;
    QTest::newRow("request RSV 1") << b("\x05\x01\x00\x05\x01\x01\x01", 7) << false << 0x01;
    QTest::newRow("ATYP 5") << b("\x05\x01\x00\x05\x01\x00\x05", 7) << false << 0x08;
    QTest::newRow("empty domain") << b("\x05\x01\x00\x05\x01\x00\x03\x00\x00\x50", 10) << false
                                  << 0x01;
    QTest::newRow("SOCKS4a empty host")
        << b("\x04\x01\x00\x50\x00\x00\x00\x01\x00\x00", 10) << false << 0x5b;
    QTest::newRow("SOCKS4 user id too long")
        << b("\x04\x01\x00\x50\x7f\x00\x00\x01", 8) + QByteArray(1100, 'u') + '\0' << false << 0x5b;
    QTest::newRow("SOCKS4a host too long")
        << b("\x04\x01\x00\x50\x00\x00\x00\x01\x00", 9) + QByteArray(1100, 'h') + '\0' << false
        << 0x5b;
}

void TestSocksHandshakeParser::errors()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, auth);
    QFETCH(int, reply);
    for (const bool byteByByte : {false, true}) {
        const Outcome outcome = drive(input, auth, byteByByte);
        QVERIFY(!outcome.results.isEmpty());
        QCOMPARE(outcome.results.last(), Result::Error);
        QCOMPARE(outcome.errorReply, reply);
    }
}

QTEST_GUILESS_MAIN(TestSocksHandshakeParser)
#include "tst_sockshandshakeparser.moc"
