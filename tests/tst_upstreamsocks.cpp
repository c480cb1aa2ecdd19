// Exits that are real SOCKS servers: microsocks with RFC 1929 authentication,
// microsocks without, and dante. Through each: plain HTTP and CONNECT from HTTP
// clients, SOCKS clients, 50 MB byte for byte; a wrong password, a stopped exit and
// an exit that cannot reach the target (each fails closed with a readable 502 or the
// mapped SOCKS reply); names resolved at the exit (socks5h: the engine looks nothing
// up) and locally (socks5: the engine resolves, the exit only ever sees addresses).

#include "BytePattern.h"
#include "Curl.h"
#include "EngineFixture.h"
#include "FreePort.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"
#include "TlsOrigin.h"
#include "UpstreamDnsJail.h"
#include "UpstreamLookupWatch.h"
#include "UpstreamSocksServer.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kLargeBytes = 50 * 1024 * 1024;
constexpr int kConnectTimeoutMs = 2000;
// Only the exits' private /etc/hosts knows it.
const QString kExitOnlyName = u"onlyexit.test"_s;
// Only the engine's private /etc/hosts (UpstreamDnsJail) knows it.
const QString kLocalOnlyName = u"localonly.test"_s;
// Only the engine's hostsOverride knows it.
const QString kOverrideName = u"override.test"_s;

} // namespace

class TestUpstreamSocks : public QObject
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
    void socksClient_data();
    void socksClient();
    void socks4aExit();
    void tunnelEndsWithClient_data();
    void tunnelEndsWithClient();
    void largeTransfer_data();
    void largeTransfer();
    void wrongPassword_data();
    void wrongPassword();
    void exitStoppedFailsClosed();
    void exitCannotReachTarget_data();
    void exitCannotReachTarget();
    void namesResolvedAtExit_data();
    void namesResolvedAtExit();
    void namesResolvedLocally_data();
    void namesResolvedLocally();
    void localResolutionNeverSendsTheName();

private:
    UpstreamSocksServer* exit(const QString& name) const;
    void verifyHttpFailure(const CurlTransfer& transfer, const UpstreamProfile& profile,
                           const QString& what);
    void verifyConnectFailure(quint16 enginePort, const QByteArray& authority,
                              const UpstreamProfile& profile, const QString& what);
    void verifyLogClean(EngineFixture& engine);

    LoopbackOrigin m_origin;
    TlsOrigin m_tls;
    std::unique_ptr<UpstreamSocksServer> m_microsocksAuth;
    std::unique_ptr<UpstreamSocksServer> m_microsocks;
    std::unique_ptr<UpstreamSocksServer> m_dante;
    QTemporaryDir m_dir;
};

void TestUpstreamSocks::initTestCase()
{
    if (!UpstreamDnsJail::active())
        qWarning("no private resolver (%s): tests that need one skip",
                 qPrintable(UpstreamDnsJail::errorString()));
    QVERIFY(m_dir.isValid());
    QVERIFY(m_origin.start());
    QVERIFY2(m_tls.start(), qPrintable(m_tls.errorString()));

    const QList<UpstreamDnsJail::HostsEntry> hosts{{kExitOnlyName, u"127.0.0.1"_s}};
    UpstreamSocksServer::Options options;
    options.hosts = hosts;
    options.username = u"socksuser"_s;
    options.password = u"s0cks:p@ss w%rd"_s;
    m_microsocksAuth = std::make_unique<UpstreamSocksServer>(options);
    options.username.clear();
    options.password.clear();
    m_microsocks = std::make_unique<UpstreamSocksServer>(options);
    options.kind = UpstreamSocksServer::Kind::Dante;
    m_dante = std::make_unique<UpstreamSocksServer>(options);
    for (UpstreamSocksServer* server : {m_microsocksAuth.get(), m_microsocks.get(), m_dante.get()})
        QVERIFY2(server->start(), qPrintable(server->errorString()));
}

void TestUpstreamSocks::cleanupTestCase()
{
    for (UpstreamSocksServer* server :
         {m_microsocksAuth.get(), m_microsocks.get(), m_dante.get()}) {
        if (server)
            server->stop();
    }
}

void TestUpstreamSocks::cleanup()
{
    const QStringList originErrors = m_origin.protocolErrors();
    m_origin.clearRecords();
    QVERIFY2(originErrors.isEmpty(), qPrintable(originErrors.join(u'\n')));
}

UpstreamSocksServer* TestUpstreamSocks::exit(const QString& name) const
{
    if (name == u"microsocks auth")
        return m_microsocksAuth.get();
    if (name == u"microsocks")
        return m_microsocks.get();
    return m_dante.get();
}

void TestUpstreamSocks::verifyLogClean(EngineFixture& engine)
{
    const QStringList errors = engine.takeSequenceErrors();
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
}

void TestUpstreamSocks::verifyHttpFailure(const CurlTransfer& transfer,
                                          const UpstreamProfile& profile, const QString& what)
{
    QCOMPARE(transfer.httpCode(), 502);
    QVERIFY2(transfer.header(u"content-type"_s).startsWith("text/plain"),
             transfer.header(u"content-type"_s));
    const QString body = QString::fromUtf8(transfer.body);
    QVERIFY2(body.contains(profile.name), qPrintable(u"body does not name the exit: "_s + body));
    QVERIFY2(body.contains(what, Qt::CaseInsensitive),
             qPrintable(u"body does not say \"%1\": %2"_s.arg(what, body)));
    QVERIFY2(profile.password.isEmpty() || !body.contains(profile.password),
             "the body shows the exit's password");
    QVERIFY2(transfer.header(u"proxy-status"_s).startsWith("Switchyard; error="),
             transfer.header(u"proxy-status"_s));
}

void TestUpstreamSocks::verifyConnectFailure(quint16 enginePort, const QByteArray& authority,
                                             const UpstreamProfile& profile, const QString& what)
{
    RawHttpClient client;
    QVERIFY2(client.connectTo(enginePort), qPrintable(client.errorString()));
    QVERIFY(client.write("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    HttpMessage response;
    QVERIFY2(client.readResponse(&response, "CONNECT", 10'000), qPrintable(client.errorString()));
    QCOMPARE(response.status, 502);
    const QString body = QString::fromUtf8(response.body);
    QVERIFY2(body.contains(profile.name), qPrintable(u"body does not name the exit: "_s + body));
    QVERIFY2(body.contains(what, Qt::CaseInsensitive),
             qPrintable(u"body does not say \"%1\": %2"_s.arg(what, body)));
    QVERIFY2(response.header("Proxy-Status").startsWith("Switchyard; error="),
             response.header("Proxy-Status"));
}

void TestUpstreamSocks::plainHttp_data()
{
    QTest::addColumn<QString>("exitName");
    QTest::newRow("microsocks auth") << u"microsocks auth"_s;
    QTest::newRow("microsocks") << u"microsocks"_s;
    QTest::newRow("dante") << u"dante"_s;
}

void TestUpstreamSocks::plainHttp()
{
    QFETCH(QString, exitName);
    UpstreamSocksServer* server = exit(exitName);
    const UpstreamProfile profile = server->profile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const QString path = u"/bytes/5000?plain-"_s + QString(exitName).replace(u' ', u'-');
    const CurlResult result = Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(path)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 5000));
    const auto request = m_origin.findRequest(path.toUtf8());
    QVERIFY2(request.has_value(), "the origin never saw the request");
    // Through a SOCKS exit the origin gets origin-form, as from any client.
    QCOMPARE(request->message.target, path.toLatin1());
    QVERIFY2(server->waitForConnectionTo(u"127.0.0.1"_s, m_origin.port()),
             qPrintable(server->diagnostics()));

    const auto event = engine.waitForFinished([&](const LogEvent& e) {
        return e.protocol == LogProtocol::Http && e.port == m_origin.port();
    });
    QVERIFY2(event.has_value(), "no finished log event");
    QCOMPARE(event->route, profile.name);
    QCOMPARE(event->status, 200);
    verifyLogClean(engine);
}

void TestUpstreamSocks::connectTunnel_data()
{
    plainHttp_data();
}

void TestUpstreamSocks::connectTunnel()
{
    QFETCH(QString, exitName);
    UpstreamSocksServer* server = exit(exitName);
    const UpstreamProfile profile = server->profile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const int handshakes = m_tls.handshakes();
    const CurlResult result =
        Curl::run({u"--cacert"_s, m_tls.certificatePath(), u"-x"_s, engine.proxyUrl(),
                   u"https://127.0.0.1:%1/"_s.arg(m_tls.port())});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().value(u"http_connect"_s), QByteArray("200"));
    QCOMPARE(result.first().body, TlsOrigin::body());
    QCOMPARE(m_tls.handshakes(), handshakes + 1);
    QVERIFY2(server->waitForConnectionTo(u"127.0.0.1"_s, m_tls.port()),
             qPrintable(server->diagnostics()));

    const auto event = engine.waitForFinished([&](const LogEvent& e) {
        return e.protocol == LogProtocol::Connect && e.port == m_tls.port();
    });
    QVERIFY2(event.has_value(), "no finished CONNECT log event");
    QCOMPARE(event->route, profile.name);
    QCOMPARE(event->status, 200);
    verifyLogClean(engine);
}

void TestUpstreamSocks::socksClient_data()
{
    QTest::addColumn<QString>("exitName");
    QTest::addColumn<QString>("curlOption");
    QTest::newRow("socks5 client, microsocks auth") << u"microsocks auth"_s << u"--socks5"_s;
    QTest::newRow("socks5 client, dante") << u"dante"_s << u"--socks5"_s;
    QTest::newRow("socks4 client, microsocks auth") << u"microsocks auth"_s << u"--socks4"_s;
}

void TestUpstreamSocks::socksClient()
{
    QFETCH(QString, exitName);
    QFETCH(QString, curlOption);
    UpstreamSocksServer* server = exit(exitName);
    const UpstreamProfile profile = server->profile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const QString path = u"/bytes/70000?socks-client"_s;
    const CurlResult result =
        Curl::run({curlOption, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(path)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    QVERIFY(result.first().body == BytePattern::bytes(0, 70000));
    QVERIFY2(server->waitForConnectionTo(u"127.0.0.1"_s, m_origin.port()),
             qPrintable(server->diagnostics()));

    const bool socks4 = curlOption == u"--socks4";
    const auto event = engine.waitForFinished([&](const LogEvent& e) {
        return e.protocol == (socks4 ? LogProtocol::Socks4 : LogProtocol::Socks5) &&
               e.port == m_origin.port();
    });
    QVERIFY2(event.has_value(), "no finished SOCKS log event");
    QCOMPARE(event->route, profile.name);
    QCOMPARE(int(event->socksReply), socks4 ? 0x5A : 0x00);
    verifyLogClean(engine);
}

void TestUpstreamSocks::socks4aExit()
{
    // dante speaks SOCKS4 (it refuses SOCKS4a names): addresses only.
    const UpstreamProfile profile = m_dante->socks4aProfile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const CurlResult plain =
        Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(u"/bytes/3000?socks4a-exit"_s)});
    QVERIFY2(plain.finished && plain.exitCode == 0, plain.describe());
    QCOMPARE(plain.first().httpCode(), 200);
    QVERIFY(plain.first().body == BytePattern::bytes(0, 3000));

    const CurlResult tunnel =
        Curl::run({u"--cacert"_s, m_tls.certificatePath(), u"-x"_s, engine.proxyUrl(),
                   u"https://127.0.0.1:%1/"_s.arg(m_tls.port())});
    QVERIFY2(tunnel.finished && tunnel.exitCode == 0, tunnel.describe());
    QCOMPARE(tunnel.first().body, TlsOrigin::body());
    QVERIFY2(m_dante->waitForConnectionTo(u"127.0.0.1"_s, m_tls.port()),
             qPrintable(m_dante->diagnostics()));

    const auto event = engine.waitForFinished([&](const LogEvent& e) {
        return e.protocol == LogProtocol::Http && e.target.contains(u"socks4a-exit"_s);
    });
    QVERIFY2(event.has_value(), "no finished log event");
    QCOMPARE(event->route, profile.name);
    verifyLogClean(engine);
}

void TestUpstreamSocks::tunnelEndsWithClient_data()
{
    QTest::addColumn<QString>("exitName");
    QTest::addColumn<QString>("client");
    for (const QString& exitName : {u"microsocks auth"_s, u"dante"_s}) {
        for (const QString& client : {u"connect"_s, u"socks5"_s})
            QTest::newRow(qPrintable(exitName + u", "_s + client)) << exitName << client;
    }
}

void TestUpstreamSocks::tunnelEndsWithClient()
{
    // The origin keeps its connection open (keep-alive): only the client's close
    // can end the tunnel, and it must, through the exit to the origin.
    QFETCH(QString, exitName);
    QFETCH(QString, client);
    const UpstreamProfile profile = exit(exitName)->profile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    // Idle connections other exchanges left open (squid pools its own) stay.
    const int openBefore = m_origin.openConnectionCount();
    const QString path = u"/bytes/100?tunnel-ends-"_s + client;
    const CurlResult result =
        client == u"connect"
            ? Curl::run({u"-p"_s, u"-x"_s, engine.proxyUrl(), m_origin.url(path)})
            : Curl::run({u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(path)});
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);

    const auto event = engine.waitForFinished(
        [&](const LogEvent& e) { return e.isTunnel() && e.port == m_origin.port(); });
    QVERIFY2(event.has_value(), "the tunnel did not end within 5 s of the client's close");
    QCOMPARE(event->route, profile.name);
    QTRY_VERIFY2_WITH_TIMEOUT(m_origin.openConnectionCount() <= openBefore,
                              "the origin's side of the tunnel stayed open", 5000);
    verifyLogClean(engine);
}

void TestUpstreamSocks::largeTransfer_data()
{
    QTest::addColumn<QString>("exitName");
    QTest::newRow("microsocks auth") << u"microsocks auth"_s;
    QTest::newRow("dante") << u"dante"_s;
}

void TestUpstreamSocks::largeTransfer()
{
    QFETCH(QString, exitName);
    const UpstreamProfile profile = exit(exitName)->profile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const QString file = m_dir.filePath(u"large"_s);
    const CurlResult result = Curl::run(
        {u"-x"_s, engine.proxyUrl(), u"-o"_s, file, m_origin.url(u"/bytes/%1"_s.arg(kLargeBytes))},
        60);
    QVERIFY2(result.finished && result.exitCode == 0, result.describe());
    QCOMPARE(result.first().httpCode(), 200);
    const QString mismatch = BytePattern::verifyFile(file, kLargeBytes);
    QFile::remove(file);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    verifyLogClean(engine);
}

void TestUpstreamSocks::wrongPassword_data()
{
    QTest::addColumn<QString>("client");
    QTest::newRow("plain") << u"plain"_s;
    QTest::newRow("connect") << u"connect"_s;
    QTest::newRow("socks5") << u"socks5"_s;
}

void TestUpstreamSocks::wrongPassword()
{
    QFETCH(QString, client);
    UpstreamProfile profile = m_microsocksAuth->profile();
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
    } else if (client == u"connect") {
        verifyConnectFailure(engine.port(), m_origin.hostPort().toLatin1(), profile,
                             u"authentication"_s);
    } else {
        const CurlResult result = Curl::run(
            {u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), m_origin.url(u"/bytes/10"_s)});
        QVERIFY2(result.finished && result.exitCode != 0, result.describe());
        QVERIFY2(result.socksReply() == 0x01, result.describe());
    }
    if (QTest::currentTestFailed())
        return;

    const auto event = engine.waitForFinished([](const LogEvent&) { return true; });
    QVERIFY2(event.has_value(), "no finished log event");
    QCOMPARE(event->route, profile.name);
    QVERIFY2(!event->error.isEmpty(), "the log event has no error");
    QVERIFY2(!event->error.contains(profile.password), qPrintable(event->error));
    QCOMPARE(m_origin.connectionCount(), originConnections);
    verifyLogClean(engine);
}

void TestUpstreamSocks::exitStoppedFailsClosed()
{
    UpstreamSocksServer::Options options;
    UpstreamSocksServer server(options);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const UpstreamProfile profile = server.profile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));

    const CurlResult before =
        Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(u"/bytes/100?before-stop"_s)});
    QVERIFY2(before.finished && before.exitCode == 0, before.describe());
    QCOMPARE(before.first().httpCode(), 200);

    server.stop();
    QVERIFY(!server.isRunning());
    const int originConnections = m_origin.connectionCount();

    const CurlResult plain =
        Curl::run({u"-x"_s, engine.proxyUrl(), m_origin.url(u"/bytes/100?after-stop"_s)});
    QVERIFY2(plain.finished && plain.exitCode == 0, plain.describe());
    verifyHttpFailure(plain.first(), profile, u"refused"_s);
    if (QTest::currentTestFailed())
        return;
    verifyConnectFailure(engine.port(), m_origin.hostPort().toLatin1(), profile, u"refused"_s);
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

void TestUpstreamSocks::exitCannotReachTarget_data()
{
    plainHttp_data();
}

void TestUpstreamSocks::exitCannotReachTarget()
{
    // The exit is fine, the target refuses it: the exit's answer reaches the client.
    QFETCH(QString, exitName);
    const UpstreamProfile profile = exit(exitName)->profile();
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));
    const quint16 refused = FreePort::refusedPort();
    const QString url = u"http://127.0.0.1:%1/x"_s.arg(refused);

    const CurlResult plain = Curl::run({u"-x"_s, engine.proxyUrl(), url});
    QVERIFY2(plain.finished && plain.exitCode == 0, plain.describe());
    verifyHttpFailure(plain.first(), profile, u"refused"_s);
    if (QTest::currentTestFailed())
        return;

    const CurlResult socks = Curl::run({u"--socks5"_s, u"127.0.0.1:%1"_s.arg(engine.port()), url});
    QVERIFY2(socks.finished && socks.exitCode != 0, socks.describe());
    QVERIFY2(socks.socksReply() == 0x05, socks.describe());
    const auto event =
        engine.waitForFinished([](const LogEvent& e) { return e.protocol == LogProtocol::Socks5; });
    QVERIFY2(event.has_value(), "no finished SOCKS5 log event");
    QCOMPARE(int(event->socksReply), 0x05);
    QCOMPARE(event->route, profile.name);
    verifyLogClean(engine);
}

void TestUpstreamSocks::namesResolvedAtExit_data()
{
    QTest::addColumn<QString>("exitName");
    QTest::addColumn<QString>("client");
    for (const QString& exitName : {u"microsocks auth"_s, u"dante"_s}) {
        for (const QString& client : {u"plain"_s, u"connect"_s, u"socks5h"_s})
            QTest::newRow(qPrintable(exitName + u", "_s + client)) << exitName << client;
    }
}

void TestUpstreamSocks::namesResolvedAtExit()
{
    QFETCH(QString, exitName);
    QFETCH(QString, client);
    if (!UpstreamDnsJail::active())
        QSKIP(qPrintable(u"the engine's lookups cannot be kept off the real resolver here: "_s +
                         UpstreamDnsJail::errorString()));
    UpstreamSocksServer* server = exit(exitName);
    const UpstreamProfile profile = server->profile(true);
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));
    UpstreamLookupWatch lookups(&engine.engine());
    const int sinkQueries = UpstreamDnsJail::queriesSeen();

    const QString path = u"/bytes/1000?at-exit-"_s + client;
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
    QVERIFY(m_origin.findRequest(path.toLatin1()).has_value());
    // The exit was asked for the name (microsocks logs it as given).
    if (server->kind() == UpstreamSocksServer::Kind::Microsocks)
        QVERIFY2(server->waitForConnectionTo(kExitOnlyName, m_origin.port()),
                 qPrintable(server->diagnostics()));

    const auto event = engine.waitForFinished(
        [&](const LogEvent& e) { return e.host == kExitOnlyName && e.port == m_origin.port(); });
    QVERIFY2(event.has_value(), "no finished log event");
    QCOMPARE(event->route, profile.name);
    QCOMPARE(lookups.current(), qint64(0));
    QCOMPARE(UpstreamDnsJail::queriesSeen(), sinkQueries);
    verifyLogClean(engine);
}

void TestUpstreamSocks::namesResolvedLocally_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("systemLookup");
    QTest::addColumn<QString>("client");
    QTest::newRow("hosts override, plain") << kOverrideName << false << u"plain"_s;
    QTest::newRow("hosts override, socks5h client") << kOverrideName << false << u"socks5h"_s;
    QTest::newRow("system resolver, plain") << kLocalOnlyName << true << u"plain"_s;
    QTest::newRow("system resolver, connect") << kLocalOnlyName << true << u"connect"_s;
}

void TestUpstreamSocks::namesResolvedLocally()
{
    QFETCH(QString, name);
    QFETCH(bool, systemLookup);
    QFETCH(QString, client);
    // Without the jail an engine that ignored the override would ask the real resolver.
    if (!UpstreamDnsJail::active())
        QSKIP(
            qPrintable(u"no private resolver for the engine: "_s + UpstreamDnsJail::errorString()));
    // socks5:// — the engine resolves and sends the exit an address.
    const UpstreamProfile profile = m_microsocks->profile(false);
    EngineSettings settings = EngineFixture::routedThrough(profile, kConnectTimeoutMs);
    settings.hostsOverride.insert(kOverrideName, {QHostAddress(QHostAddress::LocalHost)});
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));
    UpstreamLookupWatch lookups(&engine.engine());
    const int sinkQueries = UpstreamDnsJail::queriesSeen();

    const QString path = u"/bytes/1000?locally-"_s + client;
    const QString url = u"http://%1:%2%3"_s.arg(name).arg(m_origin.port()).arg(path);
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
    QVERIFY(m_origin.findRequest(path.toLatin1()).has_value());
    // The exit never saw the name (it could not have resolved it anyway).
    QVERIFY2(m_microsocks->waitForConnectionTo(u"127.0.0.1"_s, m_origin.port()),
             qPrintable(m_microsocks->diagnostics()));
    QVERIFY2(!m_microsocks->logContains(name.toLatin1()), m_microsocks->log());

    const qint64 count = lookups.current();
    if (systemLookup)
        QVERIFY2(count >= 1, qPrintable(u"systemDnsLookups = %1"_s.arg(count)));
    else
        QCOMPARE(count, qint64(0));
    // /etc/hosts or the override answered: no DNS query left the engine.
    QCOMPARE(UpstreamDnsJail::queriesSeen(), sinkQueries);
    verifyLogClean(engine);
}

void TestUpstreamSocks::localResolutionNeverSendsTheName()
{
    // socks5:// and a name only the exit knows: the engine must fail to resolve it
    // (against the DNS sink) and say so, not hand the name to the exit.
    if (!UpstreamDnsJail::active())
        QSKIP(qPrintable(u"the engine's lookups cannot be kept off the real resolver here: "_s +
                         UpstreamDnsJail::errorString()));
    const UpstreamProfile profile = m_microsocks->profile(false);
    EngineFixture engine;
    QVERIFY2(engine.start(EngineFixture::routedThrough(profile, kConnectTimeoutMs)),
             qPrintable(engine.errorString()));
    UpstreamLookupWatch lookups(&engine.engine());
    const int originConnections = m_origin.connectionCount();
    const int sinkQueries = UpstreamDnsJail::queriesSeen();

    const QString url = u"http://%1:%2/bytes/10?never"_s.arg(kExitOnlyName).arg(m_origin.port());
    const CurlResult plain = Curl::run({u"-x"_s, engine.proxyUrl(), url});
    QVERIFY2(plain.finished && plain.exitCode == 0, plain.describe());
    QCOMPARE(plain.first().httpCode(), 502);
    QVERIFY2(plain.first().header(u"proxy-status"_s).startsWith("Switchyard; error="),
             plain.first().header(u"proxy-status"_s));

    const CurlResult socks =
        Curl::run({u"--socks5-hostname"_s, u"127.0.0.1:%1"_s.arg(engine.port()), url});
    QVERIFY2(socks.finished && socks.exitCode != 0, socks.describe());
    QVERIFY2(socks.socksReply() == 0x04, socks.describe());

    QVERIFY2(!m_microsocks->logContains(kExitOnlyName.toLatin1()), m_microsocks->log());
    QCOMPARE(m_origin.connectionCount(), originConnections);
    const qint64 count = lookups.current();
    QVERIFY2(count >= 1, qPrintable(u"systemDnsLookups = %1"_s.arg(count)));
    // The engine's query ended at the sink: proof that the sink sees what the
    // other tests assert it did not see.
    QVERIFY2(UpstreamDnsJail::queriesSeen() > sinkQueries, "no DNS query reached the sink");
    verifyLogClean(engine);
}

int main(int argc, char* argv[])
{
    // First, while there is one thread: every lookup of this process (the engine's
    // too) and of what it starts stays on loopback; localonly.test is known here only.
    UpstreamDnsJail::enter({{kLocalOnlyName, u"127.0.0.1"_s}});
    QCoreApplication app(argc, argv);
    TestUpstreamSocks test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_upstreamsocks.moc"
