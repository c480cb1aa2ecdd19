// Upstream profiles written as URIs: every scheme, default ports, percent-decoded
// credentials, IPv6 hosts, readable errors for bad ones (that never repeat the
// password), and toUri round trips that give the password only when asked.
#include "UpstreamProfile.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Switchyard::UpstreamProfile;
using Type = UpstreamProfile::Type;

Q_DECLARE_METATYPE(UpstreamProfile::Type)

class TestProfileUri : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void defaultPorts();
    void typeNames();
    void roundTrip_data();
    void roundTrip();
    void passwordOnlyWhenAsked();
    void namesAndIds();
};

void TestProfileUri::parses_data()
{
    QTest::addColumn<QString>("uri");
    QTest::addColumn<Type>("type");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("resolveAtExit");

    QTest::newRow("http") << u"http://127.0.0.1:3128"_s << Type::Http << u"127.0.0.1"_s << 3128
                          << QString() << QString() << true;
    QTest::newRow("http default port")
        << u"http://proxy.example"_s << Type::Http << u"proxy.example"_s << 8080 << QString()
        << QString() << true;
    QTest::newRow("http credentials") << u"http://user:pass@127.0.0.1:3128"_s << Type::Http
                                      << u"127.0.0.1"_s << 3128 << u"user"_s << u"pass"_s << true;
    QTest::newRow("http trailing slash") << u"http://h.example:81/"_s << Type::Http
                                         << u"h.example"_s << 81 << QString() << QString() << true;
    QTest::newRow("upper-case scheme and host")
        << u"HTTP://Proxy.Example:3128"_s << Type::Http << u"proxy.example"_s << 3128 << QString()
        << QString() << true;
    QTest::newRow("surrounding blanks") << u"  http://h.example:3128 \n"_s << Type::Http
                                        << u"h.example"_s << 3128 << QString() << QString() << true;
    QTest::newRow("https") << u"https://proxy.example:8443"_s << Type::Https << u"proxy.example"_s
                           << 8443 << QString() << QString() << true;
    QTest::newRow("https default port")
        << u"https://proxy.example"_s << Type::Https << u"proxy.example"_s << 443 << QString()
        << QString() << true;
    // socks5:// resolves names locally (curl's meaning); socks5h:// at the exit.
    QTest::newRow("socks5") << u"socks5://127.0.0.1:1080"_s << Type::Socks5 << u"127.0.0.1"_s
                            << 1080 << QString() << QString() << false;
    QTest::newRow("socks5 default port")
        << u"socks5://s.example"_s << Type::Socks5 << u"s.example"_s << 1080 << QString()
        << QString() << false;
    QTest::newRow("socks5h") << u"socks5h://u:p@s.example:9050"_s << Type::Socks5 << u"s.example"_s
                             << 9050 << u"u"_s << u"p"_s << true;
    QTest::newRow("socks5h default port")
        << u"socks5h://s.example"_s << Type::Socks5 << u"s.example"_s << 1080 << QString()
        << QString() << true;
    QTest::newRow("socks4a") << u"socks4a://s.example:1081"_s << Type::Socks4a << u"s.example"_s
                             << 1081 << QString() << QString() << true;
    QTest::newRow("socks4a user id") << u"socks4a://someone@s.example"_s << Type::Socks4a
                                     << u"s.example"_s << 1080 << u"someone"_s << QString() << true;
    QTest::newRow("socks4 is socks4a") << u"socks4://s.example"_s << Type::Socks4a << u"s.example"_s
                                       << 1080 << QString() << QString() << true;
    QTest::newRow("percent-decoded password")
        << u"http://user:p%40ss%3A1@127.0.0.1:3128"_s << Type::Http << u"127.0.0.1"_s << 3128
        << u"user"_s << u"p@ss:1"_s << true;
    QTest::newRow("percent-decoded user and password")
        << u"socks5h://j%C3%BCrgen%40home:%2F%25%20x@127.0.0.1:1080"_s << Type::Socks5
        << u"127.0.0.1"_s << 1080 << u"j\u00fcrgen@home"_s << u"/% x"_s << true;
    QTest::newRow("empty password") << u"http://user:@127.0.0.1:3128"_s << Type::Http
                                    << u"127.0.0.1"_s << 3128 << u"user"_s << QString() << true;
    QTest::newRow("ipv6 loopback") << u"http://[::1]:3128"_s << Type::Http << u"::1"_s << 3128
                                   << QString() << QString() << true;
    QTest::newRow("ipv6 with credentials") << u"socks5h://u:p@[2001:db8::1]:1080"_s << Type::Socks5
                                           << u"2001:db8::1"_s << 1080 << u"u"_s << u"p"_s << true;
    QTest::newRow("ipv6 default port") << u"https://[2001:db8::2]"_s << Type::Https
                                       << u"2001:db8::2"_s << 443 << QString() << QString() << true;
    QTest::newRow("highest port") << u"socks5://127.0.0.1:65535"_s << Type::Socks5 << u"127.0.0.1"_s
                                  << 65535 << QString() << QString() << false;
}

void TestProfileUri::parses()
{
    QFETCH(QString, uri);
    QFETCH(Type, type);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, username);
    QFETCH(QString, password);
    QFETCH(bool, resolveAtExit);

    QString error = u"not cleared"_s;
    const UpstreamProfile profile = UpstreamProfile::fromUri(uri, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(profile.type, type);
    QCOMPARE(profile.host, host);
    QCOMPARE(int(profile.port), port);
    QCOMPARE(profile.username, username);
    QCOMPARE(profile.password, password);
    if (type == Type::Socks5)
        QCOMPARE(profile.resolveAtExit, resolveAtExit);
    QVERIFY2(profile.validate().isEmpty(), qPrintable(profile.validate()));
    QVERIFY(!profile.allowSelfSigned); // verifying the proxy's certificate is the default
}

void TestProfileUri::rejects_data()
{
    QTest::addColumn<QString>("uri");
    // A word the error must contain, so the user learns what is wrong.
    QTest::addColumn<QString>("mentions");

    QTest::newRow("empty") << QString() << u"empty"_s;
    QTest::newRow("blank") << u"   "_s << u"empty"_s;
    QTest::newRow("no scheme") << u"127.0.0.1:3128"_s << u"scheme"_s;
    QTest::newRow("host and port only") << u"proxy.example:3128"_s << u"scheme"_s;
    QTest::newRow("unknown scheme") << u"ftp://proxy.example:21"_s << u"ftp"_s;
    QTest::newRow("socks6") << u"socks6://proxy.example"_s << u"socks6"_s;
    QTest::newRow("no host") << u"http://"_s << u"host"_s;
    QTest::newRow("no host, port only") << u"http://:3128"_s << u"host"_s;
    QTest::newRow("port zero") << u"http://127.0.0.1:0"_s << u"port"_s;
    QTest::newRow("port too big") << u"http://127.0.0.1:65536"_s << u"port"_s;
    QTest::newRow("port not a number") << u"http://127.0.0.1:abc"_s << u"port"_s;
    QTest::newRow("path") << u"http://127.0.0.1:3128/proxy"_s << u"path"_s;
    QTest::newRow("query") << u"http://127.0.0.1:3128/?user=x"_s << u"query"_s;
    QTest::newRow("fragment") << u"http://127.0.0.1:3128#top"_s << u"fragment"_s;
    QTest::newRow("socks4a with password")
        << u"socks4a://user:pw@127.0.0.1:1080"_s << u"password"_s;
    QTest::newRow("socks5 password over 255 bytes")
        << u"socks5h://u:%1@127.0.0.1:1080"_s.arg(QString(256, u'x')) << u"255"_s;
    QTest::newRow("bad ipv6") << u"http://[::1:3128"_s << QString();
}

void TestProfileUri::rejects()
{
    QFETCH(QString, uri);
    QFETCH(QString, mentions);

    QString error;
    const UpstreamProfile profile = UpstreamProfile::fromUri(uri, &error);
    QVERIFY2(!error.isEmpty(), qPrintable(u"accepted: "_s + uri));
    QVERIFY2(profile.host.isEmpty(), qPrintable(profile.host));
    QVERIFY2(!profile.validate().isEmpty(), "a rejected URI gave a usable profile");
    if (!mentions.isEmpty())
        QVERIFY2(error.contains(mentions, Qt::CaseInsensitive),
                 qPrintable(u"error \"%1\" does not mention \"%2\""_s.arg(error, mentions)));
}

void TestProfileUri::defaultPorts()
{
    QCOMPARE(UpstreamProfile::defaultPort(Type::Http), quint16(8080));
    QCOMPARE(UpstreamProfile::defaultPort(Type::Https), quint16(443));
    QCOMPARE(UpstreamProfile::defaultPort(Type::Socks5), quint16(1080));
    QCOMPARE(UpstreamProfile::defaultPort(Type::Socks4a), quint16(1080));
}

void TestProfileUri::typeNames()
{
    QCOMPARE(UpstreamProfile::typeName(Type::Http), u"HTTP"_s);
    QCOMPARE(UpstreamProfile::typeName(Type::Https), u"HTTPS"_s);
    QCOMPARE(UpstreamProfile::typeName(Type::Socks5), u"SOCKS5"_s);
    QCOMPARE(UpstreamProfile::typeName(Type::Socks4a), u"SOCKS4a"_s);
}

void TestProfileUri::roundTrip_data()
{
    QTest::addColumn<QString>("uri");

    QTest::newRow("http") << u"http://127.0.0.1:3128"_s;
    QTest::newRow("http credentials") << u"http://user:pass@127.0.0.1:3128"_s;
    QTest::newRow("http default port") << u"http://proxy.example"_s;
    QTest::newRow("https") << u"https://u:p@proxy.example:8443"_s;
    QTest::newRow("socks5") << u"socks5://127.0.0.1:1080"_s;
    QTest::newRow("socks5h") << u"socks5h://u:p@127.0.0.1:1081"_s;
    QTest::newRow("socks4a") << u"socks4a://someone@127.0.0.1:1082"_s;
    QTest::newRow("odd characters") << u"http://a%20b%40c:p%40ss%3A1%2F%25%20%3F%23@127.0.0.1:1"_s;
    QTest::newRow("ipv6") << u"socks5h://u:p@[::1]:1080"_s;
    QTest::newRow("non-ascii") << u"https://j%C3%BCrgen:%E2%82%AC@127.0.0.1:443"_s;
}

void TestProfileUri::roundTrip()
{
    QFETCH(QString, uri);

    QString error;
    const UpstreamProfile original = UpstreamProfile::fromUri(uri, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const QString printed = original.toUri(true);
    const UpstreamProfile again = UpstreamProfile::fromUri(printed, &error);
    QVERIFY2(error.isEmpty(), qPrintable(printed + u": "_s + error));
    QCOMPARE(again.type, original.type);
    QCOMPARE(again.host, original.host);
    QCOMPARE(again.port, original.port);
    QCOMPARE(again.username, original.username);
    QCOMPARE(again.password, original.password);
    QCOMPARE(again.resolveAtExit, original.resolveAtExit);
    // And the printed form is stable.
    QCOMPARE(again.toUri(true), printed);

    const QString withoutPassword = original.toUri();
    const UpstreamProfile stripped = UpstreamProfile::fromUri(withoutPassword, &error);
    QVERIFY2(error.isEmpty(), qPrintable(withoutPassword + u": "_s + error));
    QCOMPARE(stripped.host, original.host);
    QCOMPARE(stripped.port, original.port);
    QCOMPARE(stripped.username, original.username);
    QVERIFY(stripped.password.isEmpty());
}

void TestProfileUri::passwordOnlyWhenAsked()
{
    UpstreamProfile profile;
    profile.type = Type::Http;
    profile.host = u"127.0.0.1"_s;
    profile.port = 3128;
    profile.username = u"alice"_s;
    profile.password = u"s3cret p@ss:1"_s;

    const QString plain = profile.toUri();
    QVERIFY2(!plain.contains(u"s3cret"_s), qPrintable(plain));
    QVERIFY2(plain.contains(u"alice"_s), qPrintable(plain));
    QVERIFY2(plain.startsWith(u"http://"_s), qPrintable(plain));

    const QString full = profile.toUri(true);
    QVERIFY2(full.contains(u"s3cret"_s), qPrintable(full));
    // Percent-encoded, so the @ and : in it do not end the userinfo early.
    QVERIFY2(!full.contains(u"p@ss"_s), qPrintable(full));
    QString error;
    QCOMPARE(UpstreamProfile::fromUri(full, &error).password, profile.password);

    profile.type = Type::Socks5;
    profile.resolveAtExit = true;
    QVERIFY2(profile.toUri().startsWith(u"socks5h://"_s), qPrintable(profile.toUri()));
    profile.resolveAtExit = false;
    QVERIFY2(profile.toUri().startsWith(u"socks5://"_s), qPrintable(profile.toUri()));

    // Errors repeat what the user typed, but never the password in it.
    for (const QString& bad :
         {u"http://alice:s3cretpw@127.0.0.1:99999"_s, u"http://alice:s3cretpw@127.0.0.1:3128/x"_s,
          u"http://alice:s3cretpw@127.0.0.1:3128?q"_s, u"gopher://alice:s3cretpw@127.0.0.1"_s,
          u"socks4a://alice:s3cretpw@127.0.0.1"_s, u"http://alice:s3cretpw@[::1:3128"_s}) {
        UpstreamProfile::fromUri(bad, &error);
        QVERIFY2(!error.isEmpty(), qPrintable(bad));
        QVERIFY2(!error.contains(u"s3cretpw"_s),
                 qPrintable(u"the error for %1 shows the password: %2"_s.arg(bad, error)));
    }
}

void TestProfileUri::namesAndIds()
{
    QString error;
    const UpstreamProfile a = UpstreamProfile::fromUri(u"http://u:p@127.0.0.1:3128"_s, &error);
    const UpstreamProfile b = UpstreamProfile::fromUri(u"http://u:p@127.0.0.1:3128"_s, &error);
    QVERIFY(!a.id.isEmpty());
    QVERIFY2(a.id != b.id, "every parsed profile gets its own id");
    QVERIFY(!a.name.isEmpty());
    QVERIFY2(!a.name.contains(u"p@"_s) && !a.name.contains(u":p"_s), qPrintable(a.name));
    QVERIFY2(a.name.contains(u"127.0.0.1"_s), qPrintable(a.name));
}

QTEST_GUILESS_MAIN(TestProfileUri)
#include "tst_profileuri.moc"
