// End to end: per-site rules route three destinations three ways (direct, through a
// real SOCKS5 exit, blocked), rule changes apply live without dropping open
// connections, and the PAC file is served at /proxy.pac.
#include "BytePattern.h"
#include "Curl.h"
#include "EngineFixture.h"
#include "LoopbackOrigin.h"
#include "RuleEngine.h"
#include "UpstreamSocksServer.h"

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <QTest>

using namespace Switchyard;

namespace {

Rule domainRule(const QString& domain, const RouteAction& action)
{
    Rule rule;
    rule.matcher = Rule::Matcher::Domain;
    rule.pattern = domain;
    rule.action = action;
    return rule;
}

} // namespace

class TestRoutingRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void threeDestinationsThreeRoutes();
    void liveReloadKeepsOpenConnections();
    void servesPac();
    void explainNamesTheRule();

private:
    EngineSettings settings() const;
    QString url(const QString& host, const LoopbackOrigin& origin) const
    {
        return QStringLiteral("http://%1:%2/bytes/100").arg(host).arg(origin.port());
    }

    LoopbackOrigin m_direct;
    LoopbackOrigin m_viaExit;
    LoopbackOrigin m_blocked;
    UpstreamSocksServer m_exit{UpstreamSocksServer::Options{}};
    UpstreamProfile m_profile;
    EngineFixture m_engine;
};

EngineSettings TestRoutingRules::settings() const
{
    EngineSettings s = EngineFixture::testSettings();
    // Names that only this map knows: no lookup ever leaves the machine.
    const QList<QHostAddress> loopback{QHostAddress(QHostAddress::LocalHost)};
    s.hostsOverride = {
        {u"direct.test"_qs, loopback}, {u"exit.test"_qs, loopback}, {u"blocked.test"_qs, loopback}};
    s.profiles = {m_profile};
    s.routing.rules = {domainRule(u"direct.test"_qs, RouteAction::direct()),
                       domainRule(u"exit.test"_qs, RouteAction::through(m_profile.id)),
                       domainRule(u"blocked.test"_qs, RouteAction::block())};
    s.routing.defaultAction = RouteAction::block(); // anything else: nowhere
    return s;
}

void TestRoutingRules::initTestCase()
{
    QVERIFY(m_direct.start());
    QVERIFY(m_viaExit.start());
    QVERIFY(m_blocked.start());
    QVERIFY2(m_exit.start(), qPrintable(m_exit.errorString()));
    QString error;
    // socks5:// (not socks5h): the engine resolves exit.test from its hosts map.
    m_profile = UpstreamProfile::fromUri(QStringLiteral("socks5://127.0.0.1:%1").arg(m_exit.port()),
                                         &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_profile.name = QStringLiteral("Exit");
    QVERIFY2(m_engine.start(settings()), qPrintable(m_engine.errorString()));
}

void TestRoutingRules::cleanupTestCase()
{
    m_engine.stop();
    m_exit.stop();
}

void TestRoutingRules::threeDestinationsThreeRoutes()
{
    const int directBefore = m_direct.requests().size();
    const int exitBefore = m_viaExit.requests().size();
    const CurlResult direct =
        Curl::run({QStringLiteral("-x"), m_engine.proxyUrl(), url(u"direct.test"_qs, m_direct)});
    const CurlResult viaExit =
        Curl::run({QStringLiteral("-x"), m_engine.proxyUrl(), url(u"exit.test"_qs, m_viaExit)});
    const CurlResult blocked =
        Curl::run({QStringLiteral("-x"), m_engine.proxyUrl(), url(u"blocked.test"_qs, m_blocked)});
    const CurlResult unmatched =
        Curl::run({QStringLiteral("-x"), m_engine.proxyUrl(),
                   QStringLiteral("http://127.0.0.1:%1/bytes/1").arg(m_direct.port())});
    QCOMPARE(direct.first().httpCode(), 200);
    QCOMPARE(viaExit.first().httpCode(), 200);
    QCOMPARE(blocked.first().httpCode(), 403);
    QVERIFY2(blocked.first().body.contains("blocked.test") &&
                 blocked.first().body.contains("domain:blocked.test"),
             blocked.first().body);
    QCOMPARE(unmatched.first().httpCode(), 403); // the default action blocks
    // Each landed where its rule says, and nowhere else.
    QCOMPARE(m_direct.requests().size(), directBefore + 1);
    QCOMPARE(m_viaExit.requests().size(), exitBefore + 1);
    QCOMPARE(m_blocked.requests().size(), 0);

    const auto routeOf = [this](const QString& host) {
        const auto event =
            m_engine.waitForFinished([&](const LogEvent& e) { return e.host == host; });
        return event ? *event : LogEvent();
    };
    const LogEvent directEvent = routeOf(u"direct.test"_qs);
    const LogEvent exitEvent = routeOf(u"exit.test"_qs);
    const LogEvent blockedEvent = routeOf(u"blocked.test"_qs);
    QCOMPARE(directEvent.route, u"direct"_qs);
    QCOMPARE(exitEvent.route, u"Exit"_qs);
    QCOMPARE(blockedEvent.route, u"blocked"_qs);
    QVERIFY2(directEvent.rule.contains(u"domain:direct.test"), qPrintable(directEvent.rule));
    QVERIFY2(exitEvent.rule.contains(u"domain:exit.test"), qPrintable(exitEvent.rule));
    QVERIFY2(blockedEvent.rule.contains(u"domain:blocked.test"), qPrintable(blockedEvent.rule));
}

void TestRoutingRules::liveReloadKeepsOpenConnections()
{
    // A tunnel opened under the old rules ...
    QTcpSocket tunnel;
    tunnel.connectToHost(QHostAddress::LocalHost, m_engine.port());
    QVERIFY(tunnel.waitForConnected(3000));
    tunnel.write(QStringLiteral("CONNECT direct.test:%1 HTTP/1.1\r\nHost: direct.test:%1\r\n\r\n")
                     .arg(m_direct.port())
                     .toLatin1());
    QVERIFY(tunnel.waitForReadyRead(3000));
    QVERIFY(tunnel.readAll().startsWith("HTTP/1.1 200"));

    // ... the rules change: direct.test is now blocked for new connections.
    EngineSettings changed = settings();
    changed.routing.rules.prepend(domainRule(u"direct.test"_qs, RouteAction::block()));
    m_engine.engine().applySettings(changed);
    QTRY_COMPARE_WITH_TIMEOUT(
        Curl::run({QStringLiteral("-x"), m_engine.proxyUrl(), url(u"direct.test"_qs, m_direct)})
            .first()
            .httpCode(),
        403, 3000);

    // The open tunnel still carries traffic.
    tunnel.write("GET /bytes/5 HTTP/1.1\r\nHost: direct.test\r\nConnection: close\r\n\r\n");
    QByteArray response;
    QDeadlineTimer deadline(3000);
    while (!response.endsWith(BytePattern::bytes(0, 5)) && !deadline.hasExpired() &&
           tunnel.waitForReadyRead(100))
        response += tunnel.readAll();
    response += tunnel.readAll();
    QVERIFY2(response.startsWith("HTTP/1.1 200") && response.endsWith(BytePattern::bytes(0, 5)),
             response.left(200));
    m_engine.engine().applySettings(settings());
}

void TestRoutingRules::servesPac()
{
    const CurlResult pac =
        Curl::run({QStringLiteral("http://127.0.0.1:%1/proxy.pac").arg(m_engine.port())});
    QCOMPARE(pac.first().httpCode(), 200);
    QCOMPARE(pac.first().header(u"content-type"_qs),
             QByteArray("application/x-ns-proxy-autoconfig"));
    const QByteArray script = pac.first().body;
    QVERIFY(script.contains("FindProxyForURL"));
    QVERIFY2(script.contains(QStringLiteral("127.0.0.1:%1").arg(m_engine.port()).toLatin1()),
             script.left(400));
    QVERIFY(script.contains("exit.test"));
}

void TestRoutingRules::explainNamesTheRule()
{
    const RouteExplanation explanation = m_engine.engine().explain(u"http://www.exit.test/x"_qs);
    QVERIFY(explanation.error.isEmpty());
    QCOMPARE(explanation.decision.action, RouteAction::through(m_profile.id));
    QCOMPARE(explanation.decision.ruleIndex, 1);
    QVERIFY2(explanation.toText().contains(u"Exit"), qPrintable(explanation.toText()));
}

QTEST_GUILESS_MAIN(TestRoutingRules)
#include "tst_routingrules.moc"
