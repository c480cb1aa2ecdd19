// Tests for the PAC generator: the generated FindProxyForURL is run by a real PAC
// evaluator (Debian's python3-pacparser, SpiderMonkey inside) over hundreds of
// URLs, and every answer must agree with RuleEngine::decide.
#include "PacGenerator.h"
#include "RuleEngine.h"
#include "RuleText.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

const QString switchyardRoute = u"PROXY 127.0.0.1:8877"_s;

QList<UpstreamProfile> testProfiles()
{
    UpstreamProfile work;
    work.id = u"p-work"_s;
    work.name = u"Work"_s;
    work.host = u"127.0.0.1"_s;
    work.port = 3128;
    return {work};
}

// One question to both sides: the URL and host a browser gives the PAC, and the
// host the engine is given (the client's spelling, e.g. Unicode where the browser
// passes punycode).
struct PacQuery
{
    QString url;
    QString pacHost;
    QString engineHost;
};

QString pythonWithPacparser()
{
    // Debian's interpreter: the one the python3-pacparser package installs into
    // (a python3 earlier in PATH, e.g. from pyenv, would not have it).
    const QString python = QStandardPaths::findExecutable(u"python3"_s, {u"/usr/bin"_s, u"/bin"_s});
    if (python.isEmpty())
        return {};
    QProcess probe;
    probe.start(python, {u"-W"_s, u"ignore"_s, u"-c"_s, u"import pacparser"_s});
    if (!probe.waitForFinished(30'000) || probe.exitStatus() != QProcess::NormalExit ||
        probe.exitCode() != 0)
        return {};
    return python;
}

// Evaluates the PAC for every query with pacparser in one Python process.
QStringList evaluate(const QString& python, const QByteArray& pac, const QList<PacQuery>& queries,
                     QString* error)
{
    QTemporaryDir dir;
    QFile pacFile(dir.filePath(u"proxy.pac"_s));
    QFile queryFile(dir.filePath(u"queries.tsv"_s));
    if (!pacFile.open(QIODevice::WriteOnly) || pacFile.write(pac) != pac.size() ||
        !queryFile.open(QIODevice::WriteOnly)) {
        *error = u"cannot write the temporary files"_s;
        return {};
    }
    pacFile.close();
    for (const PacQuery& query : queries)
        queryFile.write((query.url + u'\t' + query.pacHost + u'\n').toUtf8());
    queryFile.close();
    const QString script = uR"PY(
import sys, pacparser
pacparser.init()
pacparser.parse_pac_file(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as queries:
    for line in queries:
        url, host = line.rstrip("\n").split("\t")
        print(pacparser.find_proxy(url, host))
pacparser.cleanup()
)PY"_s;
    QProcess process;
    process.start(
        python, {u"-W"_s, u"ignore"_s, u"-c"_s, script, pacFile.fileName(), queryFile.fileName()});
    if (!process.waitForFinished(120'000) || process.exitCode() != 0) {
        *error = u"pacparser failed: "_s + QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    QStringList answers = QString::fromUtf8(process.readAllStandardOutput()).split(u'\n');
    if (!answers.isEmpty() && answers.back().isEmpty())
        answers.removeLast();
    return answers;
}

QString expectedAnswer(const RouteDecision& decision)
{
    switch (decision.action.kind) {
    case RouteAction::Kind::Direct:
        return u"DIRECT"_s;
    case RouteAction::Kind::Profile:
        return switchyardRoute;
    case RouteAction::Kind::Block:
        return PacGenerator::blackholeRoute();
    }
    return {};
}

RuleList parseRules(const QStringList& lines)
{
    RuleList list;
    for (const QString& line : lines) {
        Rule rule;
        QString error;
        if (!RuleText::parse(line, testProfiles(), &rule, &error))
            qFatal("bad test rule %s: %s", qPrintable(line), qPrintable(error));
        list.rules.append(rule);
    }
    return list;
}

// Every URL shape a browser hands a PAC for one host: plain HTTP with and without
// paths and ports, https (path stripped, as browsers do) with default and other ports.
QList<PacQuery> queriesFor(const QString& engineHost, const QString& pacHost)
{
    const QString authority = pacHost.contains(u':') ? u'[' + pacHost + u']' : pacHost;
    QList<PacQuery> out;
    for (const QString& url :
         {u"http://%1/"_s, u"http://%1/private/page?x=1"_s, u"http://%1:8080/x"_s,
          u"http://%1:25/"_s, u"https://%1/"_s, u"https://%1:8443/"_s, u"wss://%1/"_s})
        out.append({url.arg(authority), pacHost, engineHost});
    return out;
}

} // namespace

class TestPacGenerator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void agreesWithEngine();
    void agreesWithEngineOnBigList();
    void deferredRegex();
    void routeStyles();
    void javaScriptCompatibility_data();
    void javaScriptCompatibility();

private:
    void crossCheck(const RuleEngine& engine, const QList<PacQuery>& queries);
    QString m_python;
};

void TestPacGenerator::initTestCase()
{
    m_python = pythonWithPacparser();
}

void TestPacGenerator::crossCheck(const RuleEngine& engine, const QList<PacQuery>& queries)
{
    if (m_python.isEmpty())
        QSKIP("python3-pacparser is not installed (apt-get install python3-pacparser); "
              "the PAC cross-check needs a real PAC evaluator");
    PacGenerator::Options options;
    options.proxyHostPort = u"127.0.0.1:8877"_s;
    const PacGenerator::Result pac = PacGenerator::generate(engine, options);
    QCOMPARE(pac.deferredRules, 0);
    QString error;
    const QStringList answers = evaluate(m_python, pac.script, queries, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(answers.size(), queries.size());
    int mismatches = 0;
    for (qsizetype i = 0; i < queries.size(); ++i) {
        const PacQuery& query = queries.at(i);
        RouteQuery routeQuery = RouteQuery::fromText(query.url, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        routeQuery.host = query.engineHost;
        const RouteDecision decision = engine.decide(routeQuery);
        if (answers.at(i) != expectedAnswer(decision)) {
            qWarning("%s (host %s): PAC says \"%s\", engine says %s", qPrintable(query.url),
                     qPrintable(query.pacHost), qPrintable(answers.at(i)),
                     qPrintable(decision.describe()));
            ++mismatches;
        }
    }
    QCOMPARE(mismatches, 0);
    // The check is only worth something if the rules gave every kind of answer.
    QVERIFY(answers.contains(u"DIRECT"_s));
    QVERIFY(answers.contains(switchyardRoute));
    QVERIFY(answers.contains(PacGenerator::blackholeRoute()));
    qInfo("%d URLs: %d DIRECT, %d through Switchyard, %d blocked", int(answers.size()),
          int(answers.count(u"DIRECT"_s)), int(answers.count(switchyardRoute)),
          int(answers.count(PacGenerator::blackholeRoute())));
}

void TestPacGenerator::agreesWithEngine()
{
    RuleList list = parseRules({
        u"host:exact.example -> block"_s,
        u"domain:proxied.example -> proxy:Work"_s,
        u"domain:bücher.example -> proxy:Work"_s,
        u"wildcard:*.cdn.* -> direct"_s,
        u"wildcard:api-?.service.example -> block"_s,
        u"keyword:tracker -> block"_s,
        u"keyword:xy -> block"_s, // too short for the literal index: the scanned path
        u"host-regex:^ads\\d+\\. -> block"_s,
        u"host-regex:(?i)^WWW\\.casey\\. -> block"_s,
        u"url-regex:^http://[^/]+/private/ -> block"_s,
        u"url-regex:^secure\\.example:8443$ -> block"_s,
        u"url-regex:^http://plain\\.example/.*x -> direct"_s,
        u"cidr:2001:db8:8000::/33 -> block"_s,
        u"cidr:2001:db8::/32 -> proxy:Work"_s,
        u"cidr:10.0.0.0/8 -> proxy:Work"_s,
        u"cidr:192.168.0.0/23 -> block"_s,
        u"cidr:0.0.0.0/0 -> direct"_s,
        u"port:8000-8999 -> proxy:Work"_s,
        u"port:25 -> block"_s,
        u"domain:gone.example -> proxy-id:deleted"_s, // missing profile: blocked
        u"domain:direct.example -> direct"_s,
        u"disabled domain:disabled.example -> block"_s,
        u"domain:com -> direct"_s,
    });
    list.defaultAction = RouteAction::through(u"p-work"_s);
    const RuleEngine engine(list, testProfiles());
    QCOMPARE(engine.problems().size(), 1); // the missing profile, reported

    QList<PacQuery> queries;
    const QList<QPair<QString, QString>> named{
        {u"exact.example"_s, u"exact.example"_s},
        {u"www.exact.example"_s, u"www.exact.example"_s},
        {u"proxied.example"_s, u"proxied.example"_s},
        {u"a.b.proxied.example"_s, u"a.b.proxied.example"_s},
        {u"badproxied.example"_s, u"badproxied.example"_s},
        {u"proxied.example.evil"_s, u"proxied.example.evil"_s},
        {u"bücher.example"_s, u"xn--bcher-kva.example"_s},
        {u"Shop.BÜCHER.example"_s, u"shop.xn--bcher-kva.example"_s},
        {u"img.cdn.net"_s, u"img.cdn.net"_s},
        {u"cdn.net"_s, u"cdn.net"_s},
        {u"api-1.service.example"_s, u"api-1.service.example"_s},
        {u"api-12.service.example"_s, u"api-12.service.example"_s},
        {u"www.tracker.example"_s, u"www.tracker.example"_s},
        {u"xy.example"_s, u"xy.example"_s},
        {u"ads12.example.org"_s, u"ads12.example.org"_s},
        {u"ads.example.org"_s, u"ads.example.org"_s},
        {u"www.casey.example"_s, u"www.casey.example"_s},
        {u"secure.example"_s, u"secure.example"_s},
        {u"plain.example"_s, u"plain.example"_s},
        {u"gone.example"_s, u"gone.example"_s},
        {u"direct.example"_s, u"direct.example"_s},
        {u"disabled.example"_s, u"disabled.example"_s},
        {u"www.google.com"_s, u"www.google.com"_s},
        {u"example.org"_s, u"example.org"_s},
        {u"EXAMPLE.ORG"_s, u"EXAMPLE.ORG"_s},
        {u"proxied.example."_s, u"proxied.example."_s},
        {u"__proto__"_s, u"__proto__"_s},
        {u"constructor"_s, u"constructor"_s},
        {u"10.1.2.3"_s, u"10.1.2.3"_s},
        {u"192.168.1.1"_s, u"192.168.1.1"_s},
        {u"192.168.2.1"_s, u"192.168.2.1"_s},
        {u"203.0.113.9"_s, u"203.0.113.9"_s},
        {u"2001:db8::1"_s, u"2001:db8::1"_s},
        {u"2001:db8:8001::1"_s, u"2001:db8:8001::1"_s},
        {u"2001:db9::1"_s, u"2001:db9::1"_s},
        {u"::ffff:10.0.0.1"_s, u"::ffff:10.0.0.1"_s},
        {u"::ffff:203.0.113.9"_s, u"::ffff:203.0.113.9"_s},
        {u"::1"_s, u"::1"_s},
    };
    for (const auto& [engineHost, pacHost] : named)
        queries += queriesFor(engineHost, pacHost);
    QRandomGenerator random(2024);
    for (int i = 0; i < 40; ++i) {
        const QString host = u"h%1.r%2.example.net"_s.arg(random.bounded(1000)).arg(i);
        queries += queriesFor(host, host);
        const QString address = u"%1.%2.%3.%4"_s.arg(random.bounded(1, 224))
                                    .arg(random.bounded(256))
                                    .arg(random.bounded(256))
                                    .arg(random.bounded(1, 255));
        queries.append({u"https://%1/"_s.arg(address), address, address});
    }
    QVERIFY(queries.size() >= 300);
    crossCheck(engine, queries);
}

void TestPacGenerator::agreesWithEngineOnBigList()
{
    // 20,000 domain and exact rules with mixed actions: the suffix-lookup tables of a
    // big PAC must give the same first-match answer as the engine's index.
    RuleList list;
    for (int i = 0; i < 20'000; ++i) {
        Rule rule;
        rule.matcher = i % 5 == 0 ? Rule::Matcher::ExactHost : Rule::Matcher::Domain;
        rule.pattern = u"s%1.example%2.com"_s.arg(i % 7'000).arg(i % 3);
        rule.action = i % 3 == 0   ? RouteAction::direct()
                      : i % 3 == 1 ? RouteAction::block()
                                   : RouteAction::through(u"p-work"_s);
        list.rules.append(rule);
    }
    list.defaultAction = RouteAction::direct();
    const RuleEngine engine(list, testProfiles());
    QList<PacQuery> queries;
    QRandomGenerator random(77);
    for (int i = 0; i < 300; ++i) {
        const QString base = u"s%1.example%2.com"_s.arg(random.bounded(7'500)).arg(i % 3);
        const QString host = i % 2 ? base : u"www."_s + base;
        queries.append({u"https://%1/"_s.arg(host), host, host});
    }
    crossCheck(engine, queries);
}

void TestPacGenerator::deferredRegex()
{
    // A regex JavaScript cannot run: requests reaching it go to Switchyard, which
    // decides; rules before it are still answered by the PAC itself.
    RuleList list =
        parseRules({u"domain:direct.example -> direct"_s, u"host-regex:(?<=a)b -> block"_s,
                    u"domain:late.example -> direct"_s});
    list.defaultAction = RouteAction::block();
    const RuleEngine engine(list, testProfiles());
    PacGenerator::Options options;
    options.proxyHostPort = u"127.0.0.1:8877"_s;
    const PacGenerator::Result pac = PacGenerator::generate(engine, options);
    QCOMPARE(pac.deferredRules, 1);
    QCOMPARE(pac.notes.size(), 1);
    QVERIFY2(pac.notes.at(0).contains(u"rule #2"_s), qPrintable(pac.notes.at(0)));
    QVERIFY(pac.script.contains("// rule #2"));
    if (m_python.isEmpty())
        QSKIP("python3-pacparser is not installed (apt-get install python3-pacparser)");
    QString error;
    const QStringList answers =
        evaluate(m_python, pac.script,
                 {{u"https://www.direct.example/"_s, u"www.direct.example"_s, {}},
                  {u"https://late.example/"_s, u"late.example"_s, {}}},
                 &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(answers, (QStringList{u"DIRECT"_s, switchyardRoute}));
}

void TestPacGenerator::routeStyles()
{
    RuleList list =
        parseRules({u"domain:p.example -> proxy:Work"_s, u"domain:b.example -> block"_s});
    const RuleEngine engine(list, testProfiles());
    PacGenerator::Options options;
    options.proxyHostPort = u"[::1]:9000"_s;
    options.proxyType = PacGenerator::ProxyType::Socks5;
    options.blockStyle = PacGenerator::BlockStyle::ThroughSwitchyard;
    const QByteArray script = PacGenerator::generate(engine, options).script;
    QVERIFY(script.contains(
        R"(var swAnswers = ["DIRECT", "SOCKS5 [::1]:9000", "SOCKS5 [::1]:9000"];)"));
    options.blockStyle = PacGenerator::BlockStyle::Blackhole;
    options.proxyType = PacGenerator::ProxyType::Http;
    QVERIFY(PacGenerator::generate(engine, options)
                .script.contains(
                    R"(var swAnswers = ["DIRECT", "PROXY [::1]:9000", "PROXY 127.0.0.1:9"];)"));
    // No rule at all still gives a valid script with the default route.
    const QByteArray empty = PacGenerator::generate(RuleEngine(), options).script;
    QVERIFY(empty.contains("var swDefault = 0;"));
    QVERIFY(empty.contains("function FindProxyForURL(url, host)"));
}

void TestPacGenerator::javaScriptCompatibility_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("compatible");
    QTest::newRow("plain") << u"^http://a\\.example/"_s << true;
    QTest::newRow("classes") << u"^[a-z0-9-]+\\.(?:com|net)$"_s << true;
    QTest::newRow("lookahead") << u"^(?!www\\.)"_s << true;
    QTest::newRow("escapes") << u"\\d+\\s\\w\\b\\x41\\/"_s << true;
    QTest::newRow("quantifier") << u"a{2,3}b{4}c{1,}"_s << true;
    QTest::newRow("leading (?i)") << u"(?i)^www\\."_s << true;
    QTest::newRow("lookbehind") << u"(?<=a)b"_s << false;
    QTest::newRow("named group") << u"(?<name>a)"_s << false;
    QTest::newRow("inline flag later") << u"a(?i)b"_s << false;
    QTest::newRow("atomic") << u"(?>a+)"_s << false;
    QTest::newRow("possessive") << u"a++"_s << false;
    QTest::newRow("anchor \\A") << u"\\Aabc"_s << false;
    QTest::newRow("anchor \\z") << u"abc\\z"_s << false;
    QTest::newRow("posix class") << u"[[:alpha:]]"_s << false;
    QTest::newRow("\\x{}") << u"\\x{41}"_s << false;
    QTest::newRow("literal brace") << u"a{,3}"_s << false;
    QTest::newRow("bracket first") << u"[]a]"_s << false;
    QTest::newRow("\\Q") << u"\\Qa.b\\E"_s << false;
}

void TestPacGenerator::javaScriptCompatibility()
{
    QFETCH(QString, pattern);
    QFETCH(bool, compatible);
    QCOMPARE(PacGenerator::javaScriptIncompatibility(pattern).isEmpty(), compatible);
}

QTEST_GUILESS_MAIN(TestPacGenerator)
#include "tst_pacgenerator.moc"
