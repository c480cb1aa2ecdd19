// Exits that are real squids: an HTTP proxy and an HTTPS proxy (TLS to the proxy),
// both with basic authentication. Through each: plain HTTP, CONNECT, a SOCKS client
// whose tunnel leaves by CONNECT, 50 MB byte for byte; a wrong password, an
// untrusted certificate, a stopped or silent exit (each fails closed: a readable
// 502 or the mapped SOCKS reply, nothing reaches the origin directly), and a name
// only the exit can resolve, which the engine never looks up.

#include "BlackholeListener.h"
#include "BytePattern.h"
#include "Curl.h"
#include "EngineFixture.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"
#include "TlsOrigin.h"
#include "UpstreamDnsJail.h"
#include "UpstreamLookupWatch.h"
#include "UpstreamSquid.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kLargeBytes = 50 * 1024 * 1024;
constexpr int kConnectTimeoutMs = 1000;
// Only squid's hosts_file knows it; the engine's resolver (UpstreamDnsJail) does not.
const QString kExitOnlyName = u"onlyexit.test"_s;

UpstreamProfile::Type typeOf(const QString& kind)
{
    return kind == u"https" ? UpstreamProfile::Type::Https : UpstreamProfile::Type::Http;
}

} // namespace

class TestUpstreamHttp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void plainHttp_data();
    void plainHttp();
    void connectTunnel_data();
    void connectTunnel();
    void socksClientThroughHttpExit_data();
    void socksClientThroughHttpExit();
    void tunnelEndsWithClient_data();
    void tunnelEndsWithClient();
    void largeTransfer_data();
    void largeTransfer();
    void wrongPassword_data();
    void wrongPassword();
    void untrustedCertificate();
    void exitStoppedFailsClosed();
    void silentExitTimesOut();
    void exitOnlyName_data();
    void exitOnlyName();

private:
    void verifyHttpFailure(const CurlTransfer& transfer, const UpstreamProfile& profile,
                           const QString& what, int status = 502);
    void verifyConnectFailure(quint16 enginePort, const UpstreamProfile& profile,
                              const QString& what, int status = 502);
    void verifyLogClean(EngineFixture& engine);

    LoopbackOrigin m_origin;
    TlsOrigin m_tls;
    std::unique_ptr<UpstreamSquid> m_squid;
    QTemporaryDir m_dir;
};

void TestUpstreamHttp::initTestCase()
{
    if (!UpstreamDnsJail::active())
        qWarning("no private resolver (%s): tests that need one skip",
                 qPrintable(UpstreamDnsJail::errorString()));
    QVERIFY(m_dir.isValid());
    QVERIFY(m_origin.start());
    QVERIFY2(m_tls.start(), qPrintable(m_tls.errorString()));
    UpstreamSquid::Options options;
    options.https = true;
    options.hosts = {{kExitOnlyName, u"127.0.0.1"_s}};
    m_squid = std::make_unique<UpstreamSquid>(options);
    QVERIFY2(m_squid->start(), qPrintable(m_squid->errorString()));
}

void TestUpstreamHttp::cleanupTestCase()
{
    if (m_squid)
        m_squid->stop();
}

void TestUpstreamHttp::cleanup()
{
    const QStringList originErrors = m_origin.protocolErrors();
    m_origin.clearRecords();
    QVERIFY2(originErrors.isEmpty(), qPrintable(originErrors.join(u'\n')));
    if (QTest::currentTestFailed() && m_squid)
        qWarning("%s", qPrintable(m_squid->diagnostics()));
}

void TestUpstreamHttp::verifyLogClean(EngineFixture& engine)
{
    const QStringList errors = engine.takeSequenceErrors();
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
}

void TestUpstreamHttp::verifyHttpFailure(const CurlTransfer& transfer,
                                         const UpstreamProfile& profile, const QString& what,
                                         int status)
{
    QCOMPARE(transfer.httpCode(), status);
    QVERIFY2(transfer.header(u"content-type"_s).startsWith("text/plain"),
             transfer.header(u"content-type"_s));
    const QString body = QString::fromUtf8(transfer.body);
    QVERIFY2(body.contains(profile.name), qPrintable(u"body does not name the exit: "_s + body));
    QVERIFY2(body.contains(what, Qt::CaseInsensitive),
             qPrintable(u"body does not say \"%1\": %2"_s.arg(what, body)));
    QVERIFY2(!body.contains(profile.password), "the body shows the exit's password");
    QVERIFY2(transfer.header(u"proxy-status"_s).startsWith("Switchyard; error="),
             transfer.header(u"proxy-status"_s));
}

void TestUpstreamHttp::verifyConnectFailure(quint16 enginePort, const UpstreamProfile& profile,
                                            const QString& what, int status)
{
    const QByteArray authority = m_origin.hostPort().toLatin1();
    RawHttpClient client;
    QVERIFY2(client.connectTo(enginePort), qPrintable(client.errorString()));
    QVERIFY(client.write("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "CONNECT", 10'000), qPrintable(client.errorString()));
    QCOMPARE(response.status, status);
    QVERIFY2(response.header("Content-Type").startsWith("text/plain"),
             response.header("Content-Type"));
    const QString body = QString::fromUtf8(response.body);
    QVERIFY2(body.contains(profile.name), qPrintable(u"body does not name the exit: "_s + body));
    QVERIFY2(body.contains(what, Qt::CaseInsensitive),
             qPrintable(u"body does not say \"%1\": %2"_s.arg(what, body)));
    QVERIFY2(!body.contains(profile.password), "the body shows the exit's password");
    QVERIFY2(response.header("Proxy-Status").startsWith("Switchyard; error="),
             response.header("Proxy-Status"));
}

void TestUpstreamHttp::plainHttp_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("http exit") << u"http"_s;
    QTest::newRow("https exit") << u"https"_s;
}

void TestUpstreamHttp::plainHttp()
{
    QFETCH(QString, kind);
    const UpstreamProfile profile = m_squid->profile(typeOf(kind));
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const QString path = u"/bytes/4096?plain-"_s + kind;
    const CurlResult result =
        Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(path), u"-H"_s, u"X-Tag: one"_s});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 4096));

    // squid forwarded it (its Via), authenticated as the profile's user.
    const auto request = m_origin.findRequest(path.toLatin1());
    QVERIFY2(request.has_value(), "the origin never saw the request");
    QVERIFY2(request->message.header("Via").contains("switchyard-test-squid"),
             request->message.rawHead);
    QCOMPARE(request->message.header("X-Tag"), QByteArray("one"));
    QVERIFY2(!request->message.hasHeader("Proxy-Authorization"), request->message.rawHead);
    QVERIFY2(m_squid->waitForAccessLog(
                 {"GET", m_origin.url(path).toLatin1(), m_squid->username().toLatin1()}),
             m_squid->accessLog());

    const auto event = engine.waitForFinished([&](const LogEvent& e) {
        return e.protocol == LogProtocol::Http && e.target.contains(path);
    });
    QVERIFY2(event.has_value(), "no finished log event");
    QCOMPARE(event->route, profile.name);
    QCOMPARE(event->status, 200);
    QVERIFY2(event->error.isEmpty(), qPrintable(event->error));
    verifyLogClean(engine);
}

void TestUpstreamHttp::connectTunnel_data()
{
    plainHttp_data();
}

void TestUpstreamHttp::connectTunnel()
{
    QFETCH(QString, kind);
    const UpstreamProfile profile = m_squid->profile(typeOf(kind));
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const int handshakes = m_tls.handshakes();
    const CurlResult result =
        Curl::run({u"--cacert"_s, m_tls.certificatePath(), u"-x"_s, engine.proxyUrl(),
                   u"https://127.0.0.1:%1/"_s.arg(m_tls.port())});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().value(u"http_connect"_s), QByteArray("200"));
    QCOMPARE(result.first().httpCode(), 200);
    QCOMPARE(result.first().body, TlsOrigin::body());
    QCOMPARE(m_tls.handshakes(), handshakes + 1);
    QVERIFY2(m_squid->waitForAccessLog({"CONNECT", "127.0.0.1:" + QByteArray::number(m_tls.port()),
                                        m_squid->username().toLatin1()}),
             m_squid->accessLog());

    const auto event = engine.waitForFinished([&](const LogEvent& e) {
        return e.protocol == LogProtocol::Connect && e.port == m_tls.port();
    });
    QVERIFY2(event.has_value(), "no finished CONNECT log event");
    QCOMPARE(event->route, profile.name);
    QCOMPARE(event->status, 200);
    verifyLogClean(engine);
}

void TestUpstreamHttp::socksClientThroughHttpExit_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("curlOption");
    QTest::newRow("socks5 via http exit") << u"http"_s << u"--socks5"_s;
    QTest::newRow("socks5 via https exit") << u"https"_s << u"--socks5"_s;
    QTest::newRow("socks4 via http exit") << u"http"_s << u"--socks4"_s;
}

void TestUpstreamHttp::socksClientThroughHttpExit()
{
    QFETCH(QString, kind);
    QFETCH(QString, curlOption);
    const UpstreamProfile profile = m_squid->profile(typeOf(kind));
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const QString path = u"/bytes/70000?socks-"_s + kind + curlOption;
    const CurlResult result =
        Curl::run({curlOption, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(path)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 70000));
    // The tunnel left through squid as a CONNECT: origin-form reached the origin.
    const auto request = m_origin.findRequest(path.toLatin1());
    QVERIFY(request.has_value());
    QCOMPARE(request->message.target, path.toLatin1());
    QVERIFY2(m_squid->waitForAccessLog(
                 {"CONNECT", m_origin.hostPort().toLatin1(), m_squid->username().toLatin1()}),
             m_squid->accessLog());

    const bool socks4 = curlOption == u"--socks4";
    const auto event = engine.waitForFinished([&](const LogEvent& e) {
        return e.protocol == (socks4 ? LogProtocol::Socks4 : LogProtocol::Socks5) &&
               e.port == m_origin.port();
    });
    QVERIFY2(event.has_value(), "no finished SOCKS log event");
    QCOMPARE(event->route, profile.name);
    QCOMPARE(int(event->socksReply), socks4 ? 0x5A : 0x00);
    QVERIFY2(event->bytesDown >= 70000, QByteArray::number(event->bytesDown));
    verifyLogClean(engine);
}

void TestUpstreamHttp::tunnelEndsWithClient_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("client");
    for (const QString& kind : {u"http"_s, u"https"_s}) {
        for (const QString& client : {u"connect"_s, u"socks5"_s})
            QTest::newRow(qPrintable(kind + u" exit, "_s + client)) << kind << client;
    }
}

void TestUpstreamHttp::tunnelEndsWithClient()
{
    // The origin keeps its connection open (keep-alive): only the client's close
    // can end the tunnel, and it must, through the exit to the origin.
    QFETCH(QString, kind);
    QFETCH(QString, client);
    const UpstreamProfile profile = m_squid->profile(typeOf(kind));
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    // Idle connections other exchanges left open (squid pools its own) stay.
    const int openBefore = m_origin.openConnectionCount();
    const QString path = u"/bytes/100?tunnel-ends-%1-%2"_s.arg(kind, client);
    const CurlResult result =
        client == u"connect"
            ? Curl::run({u"-p"_s, u"-x"_s, engine.proxyUrl(), m_origin.url(path)})
            : Curl::run({u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(path)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    const auto request = m_origin.findRequest(path.toLatin1());
    QVERIFY(request.has_value());

    const auto event = engine.waitForFinished(
        [&](const LogEvent& e) { return e.isTunnel() && e.port == m_origin.port(); });
    QVERIFY2(event.has_value(), "the tunnel did not end within 5 s of the client's close");
    QCOMPARE(event->route, profile.name);
    QTRY_VERIFY2_WITH_TIMEOUT(m_origin.openConnectionCount() <= openBefore,
                              "the origin's side of the tunnel stayed open", 5000);
    verifyLogClean(engine);
}

void TestUpstreamHttp::largeTransfer_data()
{
    plainHttp_data();
}

void TestUpstreamHttp::largeTransfer()
{
    QFETCH(QString, kind);
    const UpstreamProfile profile = m_squid->profile(typeOf(kind));
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const QString file = m_dir.filePath(u"large-"_s + kind);
    const CurlResult result =
        Curl::run({u"-x"_s, engine.proxyUrl(), u"-o"_s, file,
                   m_origin.url(u"/bytes/%1?large-%2"_s.arg(kLargeBytes).arg(kind))},
                  60);
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    const QString mismatch = BytePattern::verifyFile(file, kLargeBytes);
    QFile::remove(file);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QVERIFY(m_origin.findRequest("large-" + kind.toLatin1()).has_value());
    verifyLogClean(engine);
}

void TestUpstreamHttp::wrongPassword_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("client");
    for (const QString& kind : {u"http"_s, u"https"_s}) {
        for (const QString& client : {u"plain"_s, u"connect"_s, u"socks5"_s})
            QTest::newRow(qPrintable(kind + u' ' + client)) << kind << client;
    }
}

void TestUpstreamHttp::wrongPassword()
{
    QFETCH(QString, kind);
    QFETCH(QString, client);
    UpstreamProfile profile = m_squid->profile(typeOf(kind));
    profile.password = u"not-the-password-4711"_s;
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));
    const int originConnections = m_origin.connectionCount();

    if (client == u"plain") {
        const CurlResult result =
            Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(u"/bytes/10?wrong"_s)});
        QVERIFY2(result.finished && result.exitCode == 0, result.describe());
        verifyHttpFailure(result.first(), profile, u"authentication"_s);
        if (QTest::currentTestFailed())
            return;
    } else if (client == u"connect") {
        verifyConnectFailure(engine.port(), profile, u"authentication"_s);
        if (QTest::currentTestFailed())
            return;
    } else {
        const CurlResult result = Curl::run(
            {u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(u"/bytes/10"_s)});
        QVERIFY2(result.finished && result.exitCode != 0, result.describe());
        QVERIFY2(result.socksReply() == 0x01, result.describe());
    }

    const auto event = engine.waitForFinished([](const LogEvent&) { return true; });
    QVERIFY2(event.has_value(), "no finished log event");
    QCOMPARE(event->route, profile.name);
    QVERIFY2(!event->error.isEmpty(), "the log event has no error");
    QVERIFY2(!event->error.contains(profile.password), qPrintable(event->error));
    if (client == u"socks5")
        QCOMPARE(int(event->socksReply), 0x01);
    else
        QCOMPARE(event->status, 502);
    // Fail closed: nothing went around the exit.
    QCOMPARE(m_origin.connectionCount(), originConnections);
    verifyLogClean(engine);
}

void TestUpstreamHttp::untrustedCertificate()
{
    // The default: the HTTPS exit's certificate must verify. squid's is self-signed.
    UpstreamProfile profile = m_squid->profile(UpstreamProfile::Type::Https);
    profile.allowSelfSigned = false;
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));
    const int originConnections = m_origin.connectionCount();

    const CurlResult result =
        Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(u"/bytes/10?untrusted"_s)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 502);
    const QString body = QString::fromUtf8(result.first().body);
    QVERIFY2(body.contains(profile.name), qPrintable(body));
    QVERIFY2(body.contains(u"TLS"_s) || body.contains(u"certificate"_s, Qt::CaseInsensitive),
             qPrintable(body));
    QVERIFY2(result.first().header(u"proxy-status"_s).startsWith("Switchyard; error="),
             result.first().header(u"proxy-status"_s));

    const CurlResult socks = Curl::run(
        {u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(u"/bytes/10"_s)});
    QVERIFY2(socks.finished && socks.exitCode != 0, socks.describe());
    QVERIFY2(socks.socksReply() > 0, socks.describe());

    QCOMPARE(m_origin.connectionCount(), originConnections);
    verifyLogClean(engine);
}

void TestUpstreamHttp::exitStoppedFailsClosed()
{
    // A squid of its own, stopped while the engine still has a pooled connection to it.
    UpstreamSquid squid;
    QVERIFY2(squid.start(), qPrintable(squid.errorString()));
    const UpstreamProfile profile = squid.profile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const CurlResult before =
        Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(u"/bytes/100?before-stop"_s)});
    QVERIFY2(before.finished && before.exitCode == 0, before.describe());
    QCOMPARE(before.first().httpCode(), 200);

    squid.stop();
    QVERIFY(!squid.isRunning());
    const int originConnections = m_origin.connectionCount();

    const CurlResult plain =
        Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(u"/bytes/100?after-stop"_s)});
    QVERIFY2(plain.finished && plain.exitCode == 0, plain.describe());
    verifyHttpFailure(plain.first(), profile, u"refused"_s);
    if (QTest::currentTestFailed())
        return;

    verifyConnectFailure(engine.port(), profile, u"refused"_s);
    if (QTest::currentTestFailed())
        return;

    const CurlResult socks = Curl::run(
        {u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(u"/bytes/10"_s)});
    QVERIFY2(socks.finished && socks.exitCode != 0, socks.describe());
    QVERIFY2(socks.socksReply() == 0x05, socks.describe());

    QCOMPARE(m_origin.connectionCount(), originConnections);
    QVERIFY(!m_origin.findRequest("after-stop").has_value());
    const auto event = engine.waitForFinished(
        [](const LogEvent& e) { return e.protocol == LogProtocol::Socks5 && e.socksReply != 0; });
    QVERIFY2(event.has_value(), "no finished SOCKS5 log event");
    QCOMPARE(int(event->socksReply), 0x05);
    QCOMPARE(event->route, profile.name);
    verifyLogClean(engine);
}

void TestUpstreamHttp::silentExitTimesOut()
{
    BlackholeListener blackhole;
    QVERIFY2(blackhole.start(), "could not make a loopback port where connect() hangs");
    UpstreamProfile profile = m_squid->profile();
    profile.name = u"Silent exit"_s;
    profile.port = blackhole.port();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));
    const int originConnections = m_origin.connectionCount();

    const CurlResult plain =
        Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(u"/bytes/10?silent"_s)});
    QVERIFY2(plain.finished && plain.exitCode == 0, plain.describe());
    QVERIFY2(plain.elapsedMs < kConnectTimeoutMs + 3000, QByteArray::number(plain.elapsedMs));
    verifyHttpFailure(plain.first(), profile, u"timed out"_s);
    if (QTest::currentTestFailed())
        return;

    const CurlResult socks = Curl::run(
        {u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(u"/bytes/10"_s)});
    QVERIFY2(socks.finished && socks.exitCode != 0, socks.describe());
    QVERIFY2(socks.socksReply() == 0x06, socks.describe());
    QCOMPARE(m_origin.connectionCount(), originConnections);
    verifyLogClean(engine);
}

void TestUpstreamHttp::exitOnlyName_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("client");
    QTest::newRow("http exit, plain") << u"http"_s << u"plain"_s;
    QTest::newRow("http exit, connect") << u"http"_s << u"connect"_s;
    QTest::newRow("http exit, socks5h client") << u"http"_s << u"socks5h"_s;
    QTest::newRow("https exit, plain") << u"https"_s << u"plain"_s;
    QTest::newRow("https exit, socks5h client") << u"https"_s << u"socks5h"_s;
}

void TestUpstreamHttp::exitOnlyName()
{
    QFETCH(QString, kind);
    QFETCH(QString, client);
    if (!UpstreamDnsJail::active())
        QSKIP(qPrintable(u"the engine's lookups cannot be kept off the real resolver here: "_s +
                         UpstreamDnsJail::errorString()));
    const UpstreamProfile profile = m_squid->profile(typeOf(kind));
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));
    UpstreamLookupWatch lookups(&engine.engine());
    const int sinkQueries = UpstreamDnsJail::queriesSeen();

    const QString path = u"/bytes/1000?exit-only-%1-%2"_s.arg(kind, client);
    const QString url = u"http://%1:%2%3"_s.arg(kExitOnlyName).arg(m_origin.port()).arg(path);
    QStringList args;
    if (client == u"plain")
        args = {u"-x"_s, engine.proxyUrl(), url};
    else if (client == u"connect")
        args = {u"-p"_s, u"-x"_s, engine.proxyUrl(), url};
    else
        args = {u"--socks5-hostname"_s, u"127.0.0.1:%1"_s.arg(engine.port()), url};
    const CurlResult result = Curl::run(args);
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 1000));
    const auto request = m_origin.findRequest(path.toLatin1());
    QVERIFY2(request.has_value(), "the origin never saw the request");
    QCOMPARE(request->message.header("Host"),
             u"%1:%2"_s.arg(kExitOnlyName).arg(m_origin.port()).toLatin1());

    const auto event = engine.waitForFinished(
        [&](const LogEvent& e) { return e.host == kExitOnlyName && e.port == m_origin.port(); });
    QVERIFY2(event.has_value(), "no finished log event");
    QCOMPARE(event->route, profile.name);

    // The engine handed no name to the system resolver, and no DNS query left
    // any process of this test (squid answered from its hosts_file).
    QCOMPARE(lookups.current(), qint64(0));
    QCOMPARE(UpstreamDnsJail::queriesSeen(), sinkQueries);
    verifyLogClean(engine);
}

int main(int argc, char* argv[])
{
    // First, while there is one thread: every lookup of this process (the engine's
    // too) and of what it starts stays on loopback.
    UpstreamDnsJail::enter();
    QCoreApplication app(argc, argv);
    TestUpstreamHttp test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_upstreamhttp.moc"
