// Unit tests for the rule engine: host normalisation, every matcher and its edge
// cases, first-match ordering across matcher kinds, disabled rules, the default
// action, fail-closed missing profiles, invalid rules, the text form and explain.
#include "NormalizedHost.h"
#include "RegexShape.h"
#include "RuleEngine.h"
#include "RuleText.h"

#include <QHostAddress>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <atomic>
#include <thread>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

QList<UpstreamProfile> testProfiles()
{
    UpstreamProfile work;
    work.id = u"p-work"_s;
    work.name = u"Work"_s;
    work.host = u"127.0.0.1"_s;
    work.port = 3128;
    UpstreamProfile home;
    home.id = u"p-home"_s;
    home.name = u"Home VPN"_s;
    home.type = UpstreamProfile::Type::Socks5;
    home.host = u"127.0.0.1"_s;
    home.port = 1080;
    return {work, home};
}

// Builds a rule list from text lines; fails the calling test on a syntax error.
bool parseRules(const QStringList& lines, RuleList* out)
{
    out->rules.clear();
    for (const QString& line : lines) {
        Rule rule;
        QString error;
        if (!RuleText::parse(line, testProfiles(), &rule, &error)) {
            qWarning("cannot parse %s: %s", qPrintable(line), qPrintable(error));
            return false;
        }
        out->rules.append(rule);
    }
    return true;
}

} // namespace

class TestRuleEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void normalizes_data();
    void normalizes();
    void matchers_data();
    void matchers();
    void ordering_data();
    void ordering();
    void disabledRules();
    void defaultAction();
    void missingProfileBlocks();
    void invalidRules_data();
    void invalidRules();
    void ruleTextRoundTrip_data();
    void ruleTextRoundTrip();
    void ruleTextRejects_data();
    void ruleTextRejects();
    void explain_data();
    void explain();
    void explainText();
    void regexShapes_data();
    void regexShapes();
    void indexesAgreeWithLinearScan();
    void largeIndexKeepsOrder();
    void sharedBetweenThreads();
};

void TestRuleEngine::normalizes_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("kind");
    const int name = int(NormalizedHost::Kind::Name);
    const int v4 = int(NormalizedHost::Kind::Ipv4);
    const int v6 = int(NormalizedHost::Kind::Ipv6);
    QTest::newRow("lower") << u"example.com"_s << u"example.com"_s << name;
    QTest::newRow("case") << u"WWW.Example.COM"_s << u"www.example.com"_s << name;
    QTest::newRow("trailing dot") << u"example.com."_s << u"example.com"_s << name;
    QTest::newRow("idn") << u"Bücher.Example"_s << u"xn--bcher-kva.example"_s << name;
    QTest::newRow("idn trailing dot") << u"bücher.example."_s << u"xn--bcher-kva.example"_s << name;
    QTest::newRow("punycode kept")
        << u"XN--BCHER-KVA.example"_s << u"xn--bcher-kva.example"_s << name;
    QTest::newRow("digit name") << u"1password.com"_s << u"1password.com"_s << name;
    QTest::newRow("underscore") << u"a_b.example"_s << u"a_b.example"_s << name;
    QTest::newRow("ipv4") << u"192.0.2.1"_s << u"192.0.2.1"_s << v4;
    QTest::newRow("ipv4 trailing dot") << u"192.0.2.1."_s << u"192.0.2.1"_s << v4;
    QTest::newRow("ipv4 short form") << u"127.1"_s << u"127.0.0.1"_s << v4;
    QTest::newRow("ipv4 octal") << u"010.0.0.1"_s << u"8.0.0.1"_s << v4;
    QTest::newRow("ipv6") << u"2001:DB8:0::1"_s << u"2001:db8::1"_s << v6;
    QTest::newRow("ipv6 brackets") << u"[2001:db8::1]"_s << u"2001:db8::1"_s << v6;
    QTest::newRow("ipv6 zone") << u"fe80::1%eth0"_s << u"fe80::1"_s << v6;
    QTest::newRow("ipv4 mapped") << u"::ffff:10.1.2.3"_s << u"10.1.2.3"_s << v4;
    QTest::newRow("ipv4 mapped brackets") << u"[::FFFF:a01:203]"_s << u"10.1.2.3"_s << v4;
    QTest::newRow("not an address") << u"256.1.1.1"_s << u"256.1.1.1"_s << name;
    QTest::newRow("five parts") << u"1.2.3.4.5"_s << u"1.2.3.4.5"_s << name;
    QTest::newRow("leading zero part") << u"192.0.02.1"_s << u"192.0.2.1"_s << v4;
    QTest::newRow("broadcast") << u"255.255.255.255"_s << u"255.255.255.255"_s << v4;
    QTest::newRow("zero") << u"0.0.0.0"_s << u"0.0.0.0"_s << v4;
    QTest::newRow("three parts") << u"10.1.2"_s << u"10.1.0.2"_s << v4;
}

void TestRuleEngine::normalizes()
{
    QFETCH(QString, input);
    QFETCH(QString, text);
    QFETCH(int, kind);
    const NormalizedHost host = NormalizedHost::fromInput(input);
    QCOMPARE(host.text, text);
    QCOMPARE(int(host.kind), kind);
}

void TestRuleEngine::matchers_data()
{
    QTest::addColumn<QString>("rule"); // matcher:pattern, the action is added by the test
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("matches");
    const QString tunnel;
    const auto row = [](const char* name, const QString& rule, const QString& host, int port,
                        const QString& url, bool matches) {
        QTest::newRow(name) << rule << host << port << url << matches;
    };
    // Exact host.
    row("host same", u"host:example.com"_s, u"example.com"_s, 443, tunnel, true);
    row("host case+dot", u"host:example.com"_s, u"EXAMPLE.com."_s, 443, tunnel, true);
    row("host pattern case", u"host:Example.COM."_s, u"example.com"_s, 443, tunnel, true);
    row("host not sub", u"host:example.com"_s, u"a.example.com"_s, 443, tunnel, false);
    // Domain and subdomains.
    row("domain self", u"domain:example.com"_s, u"example.com"_s, 443, tunnel, true);
    row("domain sub", u"domain:example.com"_s, u"a.b.example.com"_s, 80, tunnel, true);
    row("domain leading dot", u"domain:.example.com"_s, u"www.example.com"_s, 80, tunnel, true);
    row("domain not bad", u"domain:example.com"_s, u"badexample.com"_s, 443, tunnel, false);
    row("domain not suffix", u"domain:example.com"_s, u"example.com.evil"_s, 443, tunnel, false);
    row("domain not parent", u"domain:a.example.com"_s, u"example.com"_s, 443, tunnel, false);
    row("domain tld", u"domain:com"_s, u"x.example.com"_s, 443, tunnel, true);
    row("domain case+dot", u"domain:example.com"_s, u"WWW.Example.Com."_s, 443, tunnel, true);
    row("domain idn rule", u"domain:bücher.example"_s, u"xn--bcher-kva.example"_s, 443, tunnel,
        true);
    row("domain idn query", u"domain:xn--bcher-kva.example"_s, u"shop.BÜCHER.example"_s, 443,
        tunnel, true);
    row("domain vs ip", u"domain:example.com"_s, u"192.0.2.1"_s, 443, tunnel, false);
    // Wildcards.
    row("wildcard both ends", u"wildcard:*.example.*"_s, u"a.example.org"_s, 443, tunnel, true);
    row("wildcard deep", u"wildcard:*.example.*"_s, u"a.b.example.co.uk"_s, 443, tunnel, true);
    row("wildcard needs dot", u"wildcard:*.example.*"_s, u"example.org"_s, 443, tunnel, false);
    row("wildcard ?", u"wildcard:api-?.example.com"_s, u"api-1.example.com"_s, 443, tunnel, true);
    row("wildcard ? one", u"wildcard:api-?.example.com"_s, u"api-12.example.com"_s, 443, tunnel,
        false);
    row("wildcard ? not none", u"wildcard:api-?.example.com"_s, u"api-.example.com"_s, 443, tunnel,
        false);
    row("wildcard case", u"wildcard:API-?.Example.com"_s, u"api-x.EXAMPLE.com"_s, 443, tunnel,
        true);
    row("wildcard star vs ip", u"wildcard:*"_s, u"192.0.2.1"_s, 443, tunnel, false);
    row("wildcard star vs name", u"wildcard:*"_s, u"anything"_s, 443, tunnel, true);
    row("wildcard idn label", u"wildcard:*.bücher.example"_s, u"a.xn--bcher-kva.example"_s, 443,
        tunnel, true);
    // Keywords.
    row("keyword", u"keyword:goog"_s, u"www.google.com"_s, 443, tunnel, true);
    row("keyword case", u"keyword:GOOG"_s, u"WWW.GOOGLE.COM"_s, 443, tunnel, true);
    row("keyword miss", u"keyword:goog"_s, u"example.com"_s, 443, tunnel, false);
    row("keyword vs ip", u"keyword:0.2"_s, u"192.0.2.1"_s, 443, tunnel, false);
    // Regex on the host.
    row("host regex", u"host-regex:^ads\\d+\\."_s, u"ads12.example.com"_s, 443, tunnel, true);
    row("host regex case", u"host-regex:^ads\\d+\\."_s, u"ADS1.example.com"_s, 443, tunnel, true);
    row("host regex miss", u"host-regex:^ads\\d+\\."_s, u"ad.example.com"_s, 443, tunnel, false);
    row("host regex sees punycode", u"host-regex:^xn--"_s, u"bücher.example"_s, 443, tunnel, true);
    row("host regex sees ip", u"host-regex:^192\\.0\\."_s, u"192.0.2.1"_s, 443, tunnel, true);
    // Regex on the URL.
    row("url regex http", u"url-regex:^http://example\\.com/private/"_s, u"example.com"_s, 80,
        u"http://example.com/private/x?y=1"_s, true);
    row("url regex path miss", u"url-regex:^http://example\\.com/private/"_s, u"example.com"_s, 80,
        u"http://example.com/public/"_s, false);
    row("url regex tunnel", u"url-regex:^http://example\\.com/"_s, u"example.com"_s, 443, tunnel,
        false);
    row("url regex host:port", u"url-regex:^example\\.com:443$"_s, u"Example.com"_s, 443, tunnel,
        true);
    row("url regex v6 tunnel", u"url-regex:^\\[2001:db8::1\\]:8443$"_s, u"2001:DB8::1"_s, 8443,
        tunnel, true);
    // CIDR.
    row("cidr v4", u"cidr:10.0.0.0/8"_s, u"10.1.2.3"_s, 443, tunnel, true);
    row("cidr v4 miss", u"cidr:10.0.0.0/8"_s, u"11.0.0.1"_s, 443, tunnel, false);
    row("cidr v4 name", u"cidr:10.0.0.0/8"_s, u"10.example"_s, 443, tunnel, false);
    row("cidr v4 mapped", u"cidr:10.0.0.0/8"_s, u"::ffff:10.0.0.1"_s, 443, tunnel, true);
    row("cidr v4 mapped brackets", u"cidr:10.0.0.0/8"_s, u"[::ffff:10.0.0.1]"_s, 443, tunnel, true);
    row("cidr v4 octal as resolver", u"cidr:8.0.0.0/8"_s, u"010.0.0.1"_s, 443, tunnel, true);
    row("cidr single v4", u"cidr:192.0.2.1"_s, u"192.0.2.1"_s, 443, tunnel, true);
    row("cidr single v4 miss", u"cidr:192.0.2.1"_s, u"192.0.2.2"_s, 443, tunnel, false);
    row("cidr /0", u"cidr:0.0.0.0/0"_s, u"203.0.113.9"_s, 443, tunnel, true);
    row("cidr /0 not v6", u"cidr:0.0.0.0/0"_s, u"2001:db8::1"_s, 443, tunnel, false);
    row("cidr odd prefix", u"cidr:192.168.0.0/23"_s, u"192.168.1.255"_s, 443, tunnel, true);
    row("cidr odd prefix miss", u"cidr:192.168.0.0/23"_s, u"192.168.2.0"_s, 443, tunnel, false);
    row("cidr v6", u"cidr:2001:db8::/32"_s, u"2001:db8::1"_s, 443, tunnel, true);
    row("cidr v6 brackets case", u"cidr:2001:DB8::/32"_s, u"[2001:DB8:ffff::1]"_s, 443, tunnel,
        true);
    row("cidr v6 miss", u"cidr:2001:db8::/32"_s, u"2001:db9::1"_s, 443, tunnel, false);
    row("cidr v6 nibble", u"cidr:2001:db8:8000::/33"_s, u"2001:db8:8001::1"_s, 443, tunnel, true);
    row("cidr v6 nibble miss", u"cidr:2001:db8:8000::/33"_s, u"2001:db8:7fff::1"_s, 443, tunnel,
        false);
    row("cidr v6 not v4", u"cidr:::/0"_s, u"10.0.0.1"_s, 443, tunnel, false);
    row("cidr loopback v6", u"cidr:::1"_s, u"::1"_s, 443, tunnel, true);
    row("cidr never a name", u"cidr:::1"_s, u"localhost"_s, 443, tunnel, false);
    row("cidr mapped rule", u"cidr:::ffff:10.0.0.0/104"_s, u"10.9.9.9"_s, 443, tunnel, true);
    // Ports.
    row("port", u"port:443"_s, u"example.com"_s, 443, tunnel, true);
    row("port miss", u"port:443"_s, u"example.com"_s, 80, tunnel, false);
    row("port unknown", u"port:443"_s, u"example.com"_s, 0, tunnel, false);
    row("port ip", u"port:443"_s, u"2001:db8::1"_s, 443, tunnel, true);
    row("range low", u"port:8000-8999"_s, u"example.com"_s, 8000, tunnel, true);
    row("range high", u"port:8000-8999"_s, u"example.com"_s, 8999, tunnel, true);
    row("range above", u"port:8000-8999"_s, u"example.com"_s, 9000, tunnel, false);
    row("range below", u"port:8000-8999"_s, u"example.com"_s, 7999, tunnel, false);
    row("range http", u"port:8000-8999"_s, u"example.com"_s, 8080, u"http://example.com:8080/"_s,
        true);
}

void TestRuleEngine::matchers()
{
    QFETCH(QString, rule);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, url);
    QFETCH(bool, matches);
    RuleList list;
    QVERIFY(parseRules({rule + u" -> block"_s}, &list));
    list.defaultAction = RouteAction::direct();
    const RuleEngine engine(list, testProfiles());
    QVERIFY2(engine.problems().isEmpty(), qPrintable(engine.problems().value(0).reason));
    const RouteDecision decision = engine.decide({host, quint16(port), url});
    QCOMPARE(decision.ruleIndex, matches ? 0 : -1);
    QCOMPARE(decision.action, matches ? RouteAction::block() : RouteAction::direct());
}

void TestRuleEngine::ordering_data()
{
    QTest::addColumn<QStringList>("rules");
    QTest::addColumn<QString>("query"); // as for explain
    QTest::addColumn<int>("index");
    const QStringList regexFirst{u"host-regex:^www\\. -> block"_s,
                                 u"domain:example.com -> proxy:Work"_s};
    QTest::newRow("regex before domain") << regexFirst << u"www.example.com:443"_s << 0;
    QTest::newRow("regex before domain, miss") << regexFirst << u"api.example.com:443"_s << 1;
    const QStringList domainFirst{u"domain:example.com -> proxy:Work"_s,
                                  u"host-regex:^www\\. -> block"_s};
    QTest::newRow("domain before regex") << domainFirst << u"www.example.com:443"_s << 0;
    QTest::newRow("domain before regex, other host")
        << domainFirst << u"www.example.org:443"_s << 1;
    QTest::newRow("narrow domain first")
        << QStringList{u"domain:a.example.com -> block"_s, u"domain:example.com -> direct"_s}
        << u"x.a.example.com"_s << 0;
    QTest::newRow("broad domain first")
        << QStringList{u"domain:example.com -> direct"_s, u"domain:a.example.com -> block"_s}
        << u"x.a.example.com"_s << 0;
    QTest::newRow("domain before exact")
        << QStringList{u"domain:example.com -> direct"_s, u"host:www.example.com -> block"_s}
        << u"www.example.com"_s << 0;
    QTest::newRow("exact before domain")
        << QStringList{u"host:www.example.com -> block"_s, u"domain:example.com -> direct"_s}
        << u"www.example.com"_s << 0;
    QTest::newRow("duplicate keeps first")
        << QStringList{u"domain:x.example -> block"_s, u"domain:x.example -> direct"_s}
        << u"x.example"_s << 0;
    const QStringList portThenCidr{u"port:443 -> block"_s, u"cidr:10.0.0.0/8 -> direct"_s};
    QTest::newRow("port before cidr") << portThenCidr << u"10.0.0.1:443"_s << 0;
    QTest::newRow("port before cidr, other port") << portThenCidr << u"10.0.0.1:80"_s << 1;
    QTest::newRow("cidr before port")
        << QStringList{u"cidr:10.0.0.0/8 -> direct"_s, u"port:443 -> block"_s} << u"10.0.0.1:443"_s
        << 0;
    const QStringList mixed{u"keyword:tracker -> block"_s,
                            u"wildcard:*.cdn.* -> direct"_s,
                            u"url-regex:/admin/ -> block"_s,
                            u"domain:example.com -> proxy:Work"_s,
                            u"port:8000-8999 -> proxy:\"Home VPN\""_s,
                            u"cidr:192.0.2.0/24 -> block"_s};
    QTest::newRow("mixed keyword") << mixed << u"tracker.example.com:443"_s << 0;
    QTest::newRow("mixed wildcard") << mixed << u"a.cdn.example.com:443"_s << 1;
    QTest::newRow("mixed url regex") << mixed << u"http://example.com/admin/x"_s << 2;
    QTest::newRow("mixed domain") << mixed << u"http://example.com/user/x"_s << 3;
    QTest::newRow("mixed domain over port") << mixed << u"example.com:8080"_s << 3;
    QTest::newRow("mixed port") << mixed << u"example.org:8080"_s << 4;
    QTest::newRow("mixed cidr") << mixed << u"192.0.2.7:443"_s << 5;
    QTest::newRow("mixed port over cidr") << mixed << u"192.0.2.7:8443"_s << 4;
    QTest::newRow("mixed default") << mixed << u"example.org:443"_s << -1;
}

void TestRuleEngine::ordering()
{
    QFETCH(QStringList, rules);
    QFETCH(QString, query);
    QFETCH(int, index);
    RuleList list;
    QVERIFY(parseRules(rules, &list));
    const RuleEngine engine(list, testProfiles());
    QVERIFY(engine.problems().isEmpty());
    const RouteExplanation explanation = engine.explain(query);
    QCOMPARE(explanation.error, QString());
    QCOMPARE(explanation.decision.ruleIndex, index);
    if (index >= 0) {
        QCOMPARE(explanation.decision.ruleText, rules.at(index));
        QCOMPARE(explanation.decision.action, list.rules.at(index).action);
    }
}

void TestRuleEngine::disabledRules()
{
    RuleList list;
    QVERIFY(parseRules({u"disabled domain:example.com -> block"_s,
                        u"domain:example.com -> proxy:Work"_s, u"disabled port:443 -> block"_s},
                       &list));
    QVERIFY(!list.rules.at(0).enabled);
    const RuleEngine engine(list, testProfiles());
    const RouteDecision decision = engine.decide({u"www.example.com"_s, 443, {}});
    QCOMPARE(decision.ruleIndex, 1);
    QCOMPARE(decision.action, RouteAction::through(u"p-work"_s));
    QCOMPARE(decision.profileName, u"Work"_s);
    QCOMPARE(engine.decide({u"example.org"_s, 443, {}}).ruleIndex, -1);
}

void TestRuleEngine::defaultAction()
{
    RuleList list;
    QVERIFY(parseRules({u"domain:example.com -> direct"_s}, &list));
    list.defaultAction = RouteAction::through(u"p-home"_s);
    const RuleEngine engine(list, testProfiles());
    const RouteDecision decision = engine.decide({u"example.org"_s, 443, {}});
    QVERIFY(decision.isDefault());
    QCOMPARE(decision.action, RouteAction::through(u"p-home"_s));
    QCOMPARE(decision.profileName, u"Home VPN"_s);
    QCOMPARE(decision.ruleText, u"default -> proxy:\"Home VPN\""_s);
    QCOMPARE(decision.describe(), u"default -> proxy:\"Home VPN\""_s);

    list.defaultAction = RouteAction::block();
    const RuleEngine blocking(list, testProfiles());
    QCOMPARE(blocking.decide({u"example.org"_s, 443, {}}).action, RouteAction::block());
    QCOMPARE(blocking.decide({u"example.com"_s, 443, {}}).action, RouteAction::direct());

    const RuleEngine empty;
    QCOMPARE(empty.decide({u"anything"_s, 80, {}}).action, RouteAction::direct());
    QCOMPARE(empty.decide({u"anything"_s, 80, {}}).ruleText, u"default -> direct"_s);
}

void TestRuleEngine::missingProfileBlocks()
{
    RuleList list;
    Rule rule;
    rule.matcher = Rule::Matcher::Domain;
    rule.pattern = u"example.com"_s;
    rule.action = RouteAction::through(u"p-deleted"_s);
    list.rules.append(rule);
    list.defaultAction = RouteAction::through(u"p-gone"_s);
    const RuleEngine engine(list, testProfiles());

    const RouteDecision decision = engine.decide({u"example.com"_s, 443, {}});
    QCOMPARE(decision.ruleIndex, 0);
    QCOMPARE(decision.action, RouteAction::block()); // fail closed, never direct
    QVERIFY(decision.error.contains(u"p-deleted"_s));
    QCOMPARE(decision.ruleText, u"domain:example.com -> proxy-id:p-deleted"_s);
    QVERIFY(decision.describe().contains(u"blocked"_s));

    const RouteDecision fallback = engine.decide({u"example.org"_s, 443, {}});
    QVERIFY(fallback.isDefault());
    QCOMPARE(fallback.action, RouteAction::block());
    QVERIFY(fallback.error.contains(u"p-gone"_s));

    QCOMPARE(engine.problems().size(), 2);
    QCOMPARE(engine.problems().at(0).index, 0);
    QCOMPARE(engine.problems().at(0).kind, RuleProblem::Kind::MissingProfile);
    QCOMPARE(engine.problems().at(1).index, -1);
    QCOMPARE(engine.problems().at(1).kind, RuleProblem::Kind::MissingProfile);
}

void TestRuleEngine::invalidRules_data()
{
    QTest::addColumn<int>("matcher");
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("reason"); // a fragment of the reported reason
    const auto row = [](const char* name, Rule::Matcher matcher, const QString& pattern,
                        const QString& reason) {
        QTest::newRow(name) << int(matcher) << pattern << reason;
    };
    row("empty", Rule::Matcher::Domain, QString(), u"empty pattern"_s);
    row("blank", Rule::Matcher::Keyword, u"   "_s, u"empty pattern"_s);
    row("bad regex", Rule::Matcher::HostRegex, u"(unclosed"_s, u"invalid regular expression"_s);
    row("bad url regex", Rule::Matcher::UrlRegex, u"a{2,1}"_s, u"invalid regular expression"_s);
    row("bad cidr", Rule::Matcher::IpCidr, u"10.0.0.0/33"_s, u"prefix length"_s);
    row("cidr host bits", Rule::Matcher::IpCidr, u"10.0.0.1/8"_s, u"10.0.0.0/8"_s);
    row("cidr not address", Rule::Matcher::IpCidr, u"example.com/8"_s, u"not an IP address"_s);
    row("cidr short form", Rule::Matcher::IpCidr, u"10.1/16"_s, u"all four parts"_s);
    row("bad port", Rule::Matcher::Port, u"65536"_s, u"is not a port"_s);
    row("port zero", Rule::Matcher::Port, u"0"_s, u"is not a port"_s);
    row("reversed range", Rule::Matcher::Port, u"9000-8000"_s, u"ends before it starts"_s);
    row("port words", Rule::Matcher::Port, u"https"_s, u"is not a port"_s);
    row("ip in domain rule", Rule::Matcher::Domain, u"192.0.2.1"_s, u"cidr"_s);
    row("ip in host rule", Rule::Matcher::ExactHost, u"[::1]"_s, u"cidr"_s);
    row("star in domain rule", Rule::Matcher::Domain, u"*.example.com"_s, u"wildcard"_s);
    row("bad host chars", Rule::Matcher::ExactHost, u"exa mple.com"_s, u"no host name"_s);
    row("empty label", Rule::Matcher::Domain, u"a..example"_s, u"empty label"_s);
    row("bad wildcard chars", Rule::Matcher::Wildcard, u"*.exam/ple"_s, u"no host name"_s);
    row("unicode keyword", Rule::Matcher::Keyword, u"bücher"_s, u"not ASCII"_s);
}

void TestRuleEngine::invalidRules()
{
    QFETCH(int, matcher);
    QFETCH(QString, pattern);
    QFETCH(QString, reason);
    RuleList list;
    Rule bad;
    bad.matcher = Rule::Matcher(matcher);
    bad.pattern = pattern;
    bad.action = RouteAction::block();
    Rule good;
    good.matcher = Rule::Matcher::Port;
    good.pattern = u"1-65535"_s;
    good.action = RouteAction::through(u"p-work"_s);
    list.rules = {good, bad, good};
    list.rules[0].enabled = false;
    const RuleEngine engine(list, testProfiles());
    QCOMPARE(engine.problems().size(), 1);
    QCOMPARE(engine.problems().at(0).index, 1);
    QCOMPARE(engine.problems().at(0).kind, RuleProblem::Kind::Invalid);
    QVERIFY2(engine.problems().at(0).reason.contains(reason),
             qPrintable(engine.problems().at(0).reason));
    QVERIFY(!engine.rules().at(1).active);
    QVERIFY(!CompiledRule::checkPattern(bad.matcher, bad.pattern).isEmpty());
    // The invalid rule never matches: the next rule decides, with its own index.
    for (const QString& host : {u"192.0.2.1"_s, u"example.com"_s, u"bücher.example"_s}) {
        const RouteDecision decision = engine.decide({host, 443, u"http://x/"_s});
        QCOMPARE(decision.ruleIndex, 2);
    }
}

void TestRuleEngine::ruleTextRoundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("domain proxy") << u"domain:example.com -> proxy:Work"_s;
    QTest::newRow("quoted profile") << u"host:a.example -> proxy:\"Home VPN\""_s;
    QTest::newRow("direct") << u"cidr:10.0.0.0/8 -> direct"_s;
    QTest::newRow("block") << u"port:8000-8999 -> block"_s;
    QTest::newRow("disabled") << u"disabled keyword:ads -> block"_s;
    QTest::newRow("wildcard") << u"wildcard:api-?.example.* -> direct"_s;
    QTest::newRow("regex with arrow") << u"url-regex:^http://a/->b -> block"_s;
    QTest::newRow("regex with space") << u"url-regex:\"^http://a/ b\\\\\\\"c\" -> block"_s;
    QTest::newRow("empty pattern") << u"host:\"\" -> direct"_s;
    QTest::newRow("missing profile") << u"host-regex:^x -> proxy-id:p-deleted"_s;
    QTest::newRow("unicode") << u"domain:bücher.example -> direct"_s;
}

void TestRuleEngine::ruleTextRoundTrip()
{
    QFETCH(QString, text);
    Rule rule;
    QString error;
    QVERIFY2(RuleText::parse(text, testProfiles(), &rule, &error), qPrintable(error));
    QCOMPARE(RuleText::format(rule, testProfiles()), text);
    Rule again;
    QVERIFY(
        RuleText::parse(RuleText::format(rule, testProfiles()), testProfiles(), &again, &error));
    QCOMPARE(again, rule);
}

void TestRuleEngine::ruleTextRejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no matcher") << u"example.com -> direct"_s << u"expected"_s;
    QTest::newRow("unknown matcher") << u"suffix:example.com -> direct"_s << u"unknown matcher"_s;
    QTest::newRow("no arrow") << u"domain:example.com direct"_s << u"expected \"->\""_s;
    QTest::newRow("no action") << u"domain:example.com"_s << u"missing"_s;
    QTest::newRow("unknown action") << u"domain:example.com -> allow"_s << u"unknown action"_s;
    QTest::newRow("unknown profile")
        << u"domain:example.com -> proxy:Nope"_s << u"no profile is named"_s;
    QTest::newRow("empty profile") << u"domain:example.com -> proxy:"_s << u"no profile"_s;
    QTest::newRow("unterminated") << u"url-regex:\"abc -> block"_s << u"unterminated"_s;
}

void TestRuleEngine::ruleTextRejects()
{
    QFETCH(QString, text);
    QFETCH(QString, reason);
    Rule rule;
    QString error;
    QVERIFY(!RuleText::parse(text, testProfiles(), &rule, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void TestRuleEngine::explain_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("ok");
    QTest::newRow("http url") << u"http://Example.com/a?b=c#frag"_s << u"Example.com"_s << 80
                              << u"http://example.com/a?b=c"_s << true;
    QTest::newRow("http port") << u"http://e.example:8080"_s << u"e.example"_s << 8080
                               << u"http://e.example:8080/"_s << true;
    QTest::newRow("http userinfo")
        << u"http://u:p@e.example/x"_s << u"e.example"_s << 80 << u"http://e.example/x"_s << true;
    QTest::newRow("http v6") << u"http://[2001:db8::1]:81/x"_s << u"2001:db8::1"_s << 81
                             << u"http://[2001:db8::1]:81/x"_s << true;
    QTest::newRow("https") << u"https://example.com/secret/path"_s << u"example.com"_s << 443
                           << QString() << true;
    QTest::newRow("https port") << u"https://example.com:8443"_s << u"example.com"_s << 8443
                                << QString() << true;
    QTest::newRow("wss") << u"wss://example.com/chat"_s << u"example.com"_s << 443 << QString()
                         << true;
    QTest::newRow("host:port") << u"example.com:443"_s << u"example.com"_s << 443 << QString()
                               << true;
    QTest::newRow("[v6]:port") << u"[::1]:8443"_s << u"::1"_s << 8443 << QString() << true;
    QTest::newRow("bare host") << u"example.com"_s << u"example.com"_s << 80
                               << u"http://example.com/"_s << true;
    QTest::newRow("bare v6") << u"2001:db8::1"_s << u"2001:db8::1"_s << 80
                             << u"http://[2001:db8::1]/"_s << true;
    QTest::newRow("empty") << QString() << QString() << 0 << QString() << false;
    QTest::newRow("ftp") << u"ftp://example.com/"_s << QString() << 0 << QString() << false;
    QTest::newRow("bad port") << u"example.com:99999"_s << QString() << 0 << QString() << false;
    QTest::newRow("empty port") << u"example.com:"_s << QString() << 0 << QString() << false;
    QTest::newRow("no host") << u"http:///x"_s << QString() << 0 << QString() << false;
    QTest::newRow("open bracket") << u"[::1:443"_s << QString() << 0 << QString() << false;
}

void TestRuleEngine::explain()
{
    QFETCH(QString, input);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, url);
    QFETCH(bool, ok);
    QString error;
    const RouteQuery query = RouteQuery::fromText(input, &error);
    QCOMPARE(error.isEmpty(), ok);
    if (!ok)
        return;
    QCOMPARE(query.host, host);
    QCOMPARE(int(query.port), port);
    QCOMPARE(query.url, url);
}

void TestRuleEngine::explainText()
{
    RuleList list;
    QVERIFY(parseRules({u"domain:example.com -> proxy:Work"_s}, &list));
    const RuleEngine engine(list, testProfiles());
    QCOMPARE(engine.explain(u"https://www.example.com/x"_s).toText(),
             u"www.example.com:443 -> through Work, by rule #1 domain:example.com -> proxy:Work"_s);
    QCOMPARE(engine.explain(u"http://example.org/"_s).toText(),
             u"http://example.org/ -> direct, by the default action (no rule matched)"_s);
    const RouteExplanation bad = engine.explain(u"gopher://x"_s);
    QVERIFY(!bad.error.isEmpty());
    QCOMPARE(bad.toText(), bad.error);
}

void TestRuleEngine::regexShapes_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("simple");
    QTest::newRow("literal") << u"^http://a\\.example/path"_s << true;
    QTest::newRow("gaps") << u"^http://.*example\\.net/forum.*x$"_s << true;
    QTest::newRow("lazy gap") << u"a.*?b"_s << true;
    QTest::newRow("only gap") << u".*"_s << true;
    QTest::newRow("empty anchors") << u"^$"_s << true;
    QTest::newRow("escaped punctuation") << u"a\\?b\\*c\\(d\\)"_s << true;
    QTest::newRow("dollar inside") << u"a$b"_s << false;
    QTest::newRow("optional char") << u"ab?cd"_s << false;
    QTest::newRow("star char") << u"abc*de"_s << false;
    QTest::newRow("zero-min brace") << u"xa{0,2}bcd"_s << false;
    QTest::newRow("optional group") << u"(foo)?barbaz"_s << false;
    QTest::newRow("plus") << u"x+yzw"_s << false;
    QTest::newRow("class") << u"[abc]def"_s << false;
    QTest::newRow("digits") << u"\\d+abc\\d"_s << false;
    QTest::newRow("alternation") << u"abc|def"_s << false;
    QTest::newRow("group alternation") << u"x(abc|def)yz"_s << false;
    QTest::newRow("inline flag") << u"(?i)abcd"_s << false;
    QTest::newRow("lookahead") << u"(?=abc)abcdef"_s << false;
    QTest::newRow("dot") << u"ab.cd"_s << false;
    QTest::newRow("brace literal") << u"ab{x}"_s << false;
}

void TestRuleEngine::regexShapes()
{
    // PCRE is the oracle: a simple shape must match exactly when PCRE does, and every
    // "required" literal must be in every subject PCRE matches.
    QFETCH(QString, pattern);
    QFETCH(bool, simple);
    const QStringList subjects{
        QString(),
        u"abcd"_s,
        u"acd"_s,
        u"abbbcde"_s,
        u"xbcd"_s,
        u"xaabcd"_s,
        u"foobarbaz"_s,
        u"barbaz"_s,
        u"xxyzw"_s,
        u"bdef"_s,
        u"12abc3"_s,
        u"def"_s,
        u"xdefyz"_s,
        u"ABCD"_s,
        u"abcdef"_s,
        u"abXcd"_s,
        u"ab{x}"_s,
        u"a?b*c(d)"_s,
        u"a$b"_s,
        u"axxb"_s,
        u"http://a.example/path/more"_s,
        u"http://www.example.net/forum/x"_s,
        u"http://www.example.net/forum/"_s,
        u"https://a.example/path"_s,
    };
    for (const bool caseInsensitive : {false, true}) {
        const RegexShape shape = RegexShape::analyze(pattern, caseInsensitive);
        QCOMPARE(shape.simple, simple);
        const QRegularExpression regex(pattern, caseInsensitive
                                                    ? QRegularExpression::CaseInsensitiveOption
                                                    : QRegularExpression::NoPatternOption);
        QVERIFY(regex.isValid());
        for (const QString& subject : subjects) {
            const QString text = caseInsensitive ? subject.toLower() : subject;
            const bool pcre = regex.match(text).hasMatch();
            if (simple)
                QVERIFY2(shape.matches(text) == pcre, qPrintable(text));
            for (const QString& literal : shape.requiredLiterals)
                QVERIFY2(!pcre || text.contains(literal),
                         qPrintable(u"%1 matches but lacks %2"_s.arg(text, literal)));
        }
    }
}

namespace {

// The obvious way to decide: every rule in order, each matcher written out plainly
// (Qt's own wildcard and subnet code where possible). The engine's indexes must
// give the same answer.
int linearDecision(const RuleList& list, const RouteQuery& query)
{
    static QHash<QString, QRegularExpression> compiled; // the reference may be slow, not that slow
    const auto regex = [](const QString& pattern, QRegularExpression::PatternOptions options) {
        const QString key = QString::number(int(options)) + pattern;
        auto it = compiled.find(key);
        if (it == compiled.end())
            it = compiled.insert(key, QRegularExpression(pattern, options));
        return *it;
    };
    const NormalizedHost host = NormalizedHost::fromInput(query.host);
    const QString subject = query.url.isEmpty() ? host.withPort(query.port) : query.url;
    for (qsizetype i = 0; i < list.rules.size(); ++i) {
        const Rule& rule = list.rules.at(i);
        if (!rule.enabled)
            continue;
        const QString pattern = rule.pattern.toLower();
        bool match = false;
        switch (rule.matcher) {
        case Rule::Matcher::ExactHost:
            match = !host.isIp() && host.text == pattern;
            break;
        case Rule::Matcher::Domain:
            match = !host.isIp() && (host.text == pattern || host.text.endsWith(u'.' + pattern));
            break;
        case Rule::Matcher::Wildcard:
            match = !host.isIp() && regex(QRegularExpression::wildcardToRegularExpression(pattern),
                                          QRegularExpression::NoPatternOption)
                                        .match(host.text)
                                        .hasMatch();
            break;
        case Rule::Matcher::Keyword:
            match = !host.isIp() && host.text.contains(pattern);
            break;
        case Rule::Matcher::HostRegex:
            match = regex(rule.pattern, QRegularExpression::CaseInsensitiveOption)
                        .match(host.text)
                        .hasMatch();
            break;
        case Rule::Matcher::UrlRegex:
            match =
                regex(rule.pattern, QRegularExpression::NoPatternOption).match(subject).hasMatch();
            break;
        case Rule::Matcher::IpCidr:
            match = host.isIp() &&
                    QHostAddress(host.text).isInSubnet(QHostAddress::parseSubnet(rule.pattern));
            break;
        case Rule::Matcher::Port: {
            const QStringList bounds = rule.pattern.split(u'-');
            match = query.port >= bounds.first().toInt() && query.port <= bounds.last().toInt();
            break;
        }
        }
        if (match)
            return int(i);
    }
    return -1;
}

} // namespace

void TestRuleEngine::indexesAgreeWithLinearScan()
{
    // A few thousand rules of every kind, interleaved so that the hash indexes, the
    // literal indexes and the scanned list all compete for the first match.
    QRandomGenerator random(31337);
    const QStringList words{u"alpha"_s, u"beta"_s,  u"gamma"_s, u"delta"_s,
                            u"cdn"_s,   u"track"_s, u"ads"_s,   u"img"_s};
    const auto word = [&] {
        return words.at(random.bounded(int(words.size())));
    };
    const auto name = [&] {
        return u"%1%2.%3.example"_s.arg(word()).arg(random.bounded(20)).arg(word());
    };
    RuleList list;
    for (int i = 0; i < 3'000; ++i) {
        Rule rule;
        rule.action = RouteAction::block();
        switch (random.bounded(10)) {
        case 0:
        case 1:
            rule.matcher = Rule::Matcher::Domain;
            rule.pattern = random.bounded(3) ? name() : word() + u".example"_s;
            break;
        case 2:
            rule.matcher = Rule::Matcher::ExactHost;
            rule.pattern = name();
            break;
        case 3:
            rule.matcher = Rule::Matcher::Wildcard;
            rule.pattern =
                random.bounded(2) ? u"*%1?.*"_s.arg(word()) : u"%1*.*.example"_s.arg(word());
            break;
        case 4:
            rule.matcher = Rule::Matcher::Keyword;
            rule.pattern =
                random.bounded(2) ? word() + QString::number(random.bounded(20)) : word().left(2);
            break;
        case 5:
            rule.matcher = Rule::Matcher::HostRegex;
            rule.pattern = random.bounded(2)
                               ? u"^%1\\d+\\."_s.arg(word())
                               : u"^%1%2\\.%3"_s.arg(word()).arg(random.bounded(20)).arg(word());
            break;
        case 6:
            rule.matcher = Rule::Matcher::UrlRegex;
            rule.pattern = random.bounded(2)
                               ? u"^http://%1/p%2"_s.arg(QRegularExpression::escape(name()))
                                     .arg(random.bounded(5))
                               : u"^http://.*/%1/"_s.arg(word());
            break;
        case 7:
            rule.matcher = Rule::Matcher::IpCidr;
            rule.pattern = random.bounded(2) ? u"10.%1.0.0/16"_s.arg(random.bounded(50))
                                             : u"2001:db8:%1::/48"_s.arg(random.bounded(50), 0, 16);
            break;
        case 8:
            rule.matcher = Rule::Matcher::Port;
            rule.pattern = u"%1-%2"_s.arg(8000 + random.bounded(50)).arg(8050 + random.bounded(50));
            break;
        default:
            rule.matcher = Rule::Matcher::Domain;
            rule.pattern = name();
            rule.enabled = false;
            break;
        }
        list.rules.append(rule);
    }
    const RuleEngine engine(list, testProfiles());
    QVERIFY2(engine.problems().isEmpty(), qPrintable(engine.problems().value(0).reason));
    int matched = 0;
    for (int i = 0; i < 3'000; ++i) {
        RouteQuery query;
        switch (i % 4) {
        case 0:
            query.host = u"www."_s + name();
            break;
        case 1:
            query.host = name();
            break;
        case 2:
            query.host = u"10.%1.3.4"_s.arg(random.bounded(60));
            break;
        default:
            query.host = u"2001:db8:%1::9"_s.arg(random.bounded(60), 0, 16);
            break;
        }
        query.port = quint16(random.bounded(2) ? 443 : 8000 + random.bounded(100));
        if (random.bounded(2)) {
            query.url =
                u"http://%1/%2/p%3"_s
                    .arg(query.host.contains(u':') ? u'[' + query.host + u']' : query.host, word())
                    .arg(random.bounded(5));
        }
        const int expected = linearDecision(list, query);
        QCOMPARE(engine.decide(query).ruleIndex, expected);
        matched += expected >= 0;
    }
    QVERIFY(matched > 1'000);
}

void TestRuleEngine::largeIndexKeepsOrder()
{
    // 100,000 domain rules: the index must still honour "lowest position wins".
    RuleList list;
    list.rules.reserve(100'000);
    for (int i = 0; i < 100'000; ++i) {
        Rule rule;
        // Each name twice: in the first half odd positions are domain rules, in the
        // second half the other kind, so every name has one exact and one domain rule.
        const bool domain = (i % 2 == 1) == (i < 50'000);
        rule.matcher = domain ? Rule::Matcher::Domain : Rule::Matcher::ExactHost;
        rule.pattern = u"site%1.example"_s.arg(i % 50'000);
        rule.action = i % 3 ? RouteAction::direct() : RouteAction::block();
        list.rules.append(rule);
    }
    const RuleEngine engine(list, testProfiles());
    QVERIFY(engine.problems().isEmpty());
    for (int n : {0, 1, 7, 12'345, 49'999}) {
        const QString host = u"site%1.example"_s.arg(n);
        const int exactIndex = n % 2 == 0 ? n : n + 50'000;
        const int domainIndex = n % 2 == 1 ? n : n + 50'000;
        QCOMPARE(engine.decide({host, 443, {}}).ruleIndex, std::min(exactIndex, domainIndex));
        QCOMPARE(engine.decide({u"www."_s + host, 443, {}}).ruleIndex, domainIndex);
    }
    QCOMPARE(engine.decide({u"other.example"_s, 443, {}}).ruleIndex, -1);
}

void TestRuleEngine::sharedBetweenThreads()
{
    RuleList list;
    QVERIFY(parseRules({u"host-regex:^ads\\d+\\. -> block"_s, u"domain:example.com -> direct"_s,
                        u"url-regex:/private/ -> block"_s, u"cidr:10.0.0.0/8 -> proxy:Work"_s,
                        u"wildcard:*.cdn.* -> proxy:Work"_s},
                       &list));
    list.defaultAction = RouteAction::through(u"p-home"_s);
    const std::shared_ptr<const RuleEngine> engine = RuleEngine::build(list, testProfiles());
    const QList<RouteQuery> queries{{u"ads12.example.com"_s, 443, {}},
                                    {u"www.example.com"_s, 443, {}},
                                    {u"x.org"_s, 80, u"http://x.org/private/a"_s},
                                    {u"10.2.3.4"_s, 443, {}},
                                    {u"a.cdn.net"_s, 443, {}},
                                    {u"elsewhere.net"_s, 443, {}}};
    QList<int> expected;
    for (const RouteQuery& query : queries)
        expected.append(engine->decide(query).ruleIndex);
    QCOMPARE(expected, (QList<int>{0, 1, 2, 3, 4, -1}));

    std::atomic<int> mismatches = 0;
    const auto work = [&] {
        for (int round = 0; round < 5'000; ++round) {
            for (qsizetype i = 0; i < queries.size(); ++i) {
                if (engine->decide(queries.at(i)).ruleIndex != expected.at(i))
                    ++mismatches;
            }
        }
    };
    std::thread first(work);
    std::thread second(work);
    first.join();
    second.join();
    QCOMPARE(mismatches.load(), 0);
}

QTEST_GUILESS_MAIN(TestRuleEngine)
#include "tst_ruleengine.moc"
