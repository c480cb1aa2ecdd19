// Unit tests for importing shared rule lists: AutoProxy / gfwlist syntax (plain and
// base64-wrapped), plain host lists and hosts files, and a real-sized list whose
// every unusable line must be reported with its number.
#include "RuleEngine.h"
#include "RuleListImporter.h"
#include "RuleText.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

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
    return {work};
}

RuleListImporter::Options workOptions(RuleListImporter::Format format)
{
    RuleListImporter::Options options;
    options.action = RouteAction::through(u"p-work"_s);
    options.format = format;
    return options;
}

QStringList texts(const QList<Rule>& rules)
{
    QStringList out;
    for (const Rule& rule : rules)
        out.append(RuleText::format(rule, testProfiles()));
    return out;
}

// gfwlist.txt is base64 in lines of 64 characters.
QByteArray wrapBase64(const QByteArray& text)
{
    const QByteArray encoded = text.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < encoded.size(); i += 64)
        out += encoded.mid(i, 64) + '\n';
    return out;
}

} // namespace

class TestRuleImport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void autoProxyLine_data();
    void autoProxyLine();
    void hostListLine_data();
    void hostListLine();
    void hostsFileExactNames();
    void detectsFormat_data();
    void detectsFormat();
    void base64Wrapped();
    void exceptionsComeFirst();
    void sourceInComments();
    void realSizedList();
};

void TestRuleImport::autoProxyLine_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QStringList>("rules"); // RuleText of each rule, in order
    QTest::addColumn<QString>("issue");     // fragment of the reason, or empty
    const auto ok = [](const char* name, const QString& line, const QStringList& rules) {
        QTest::newRow(name) << line << rules << QString();
    };
    const auto bad = [](const char* name, const QString& line, const QString& reason) {
        QTest::newRow(name) << line << QStringList() << reason;
    };
    ok("domain anchor", u"||example.com"_s, {u"domain:example.com -> proxy:Work"_s});
    ok("domain anchor slash", u"||example.com/"_s, {u"domain:example.com -> proxy:Work"_s});
    ok("domain anchor separator", u"||example.com^"_s, {u"domain:example.com -> proxy:Work"_s});
    ok("domain anchor wildcard", u"||*.cdn.example"_s,
       {u"host-regex:^(?:[^.]+\\.)*.*\\.cdn\\.example$ -> proxy:Work"_s});
    ok("domain anchor ip", u"||203.0.113.5"_s, {u"cidr:203.0.113.5 -> proxy:Work"_s});
    ok("domain anchor path", u"||example.com/forum"_s,
       {u"url-regex:^http://(?:[^/?#:]*\\.)?example\\.com/forum -> proxy:Work"_s});
    ok("http prefix", u"|http://example.com/foo*bar"_s,
       {u"url-regex:^http://example\\.com/foo.*bar -> proxy:Work"_s});
    ok("http prefix anchored", u"|http://example.com/|"_s,
       {u"url-regex:^http://example\\.com/$ -> proxy:Work"_s});
    ok("https prefix", u"|https://secure.example.com/login"_s,
       {u"host:secure.example.com -> proxy:Work"_s});
    ok("https prefix port", u"|https://secure.example.com:8443/"_s,
       {u"host:secure.example.com -> proxy:Work"_s});
    ok("https prefix ip", u"|https://203.0.113.5/"_s, {u"cidr:203.0.113.5 -> proxy:Work"_s});
    ok("https prefix wildcard", u"|https://*.example.net"_s,
       {u"wildcard:*.example.net -> proxy:Work"_s});
    ok("dot domain", u".example.org"_s, {u"domain:example.org -> proxy:Work"_s});
    ok("plain domain", u"example.net"_s, {u"domain:example.net -> proxy:Work"_s});
    ok("plain idn", u"bücher.example"_s, {u"domain:bücher.example -> proxy:Work"_s});
    ok("plain with path", u"example.net/forum"_s,
       {u"url-regex:^http://.*example\\.net/forum -> proxy:Work"_s});
    ok("dot with wildcard", u".example.*/x"_s,
       {u"url-regex:^http://.*\\.example\\..*/x -> proxy:Work"_s});
    ok("plain ip", u"198.51.100.7"_s, {u"cidr:198.51.100.7 -> proxy:Work"_s});
    ok("regex", u"/^https?:\\/\\/[^\\/]+blogspot\\.(.*)/"_s,
       {u"url-regex:^https?:\\/\\/[^\\/]+blogspot\\.(.*) -> proxy:Work"_s});
    ok("exception", u"@@||direct.example"_s, {u"domain:direct.example -> direct"_s});
    ok("exception prefix", u"@@|http://direct.example"_s,
       {u"url-regex:^http://direct\\.example -> direct"_s});
    bad("empty anchor", u"||"_s, u"without a domain"_s);
    bad("ftp prefix", u"|ftp://example.com"_s, u"http:// or https://"_s);
    bad("bad regex", u"/[unclosed/"_s, u"invalid regular expression"_s);
    bad("adblock option", u"||example.com$third-party"_s, u"Adblock options"_s);
    bad("element hiding", u"example.com##.banner"_s, u"element-hiding"_s);
    bad("double exception", u"@@@@||example.com"_s, u"exception inside an exception"_s);
    bad("space in host", u"exa mple.com"_s, u"no host name"_s);
    bad("bad domain", u"||exa_mple..com"_s, u"empty label"_s);
    bad("lone dot", u"."_s, u"nothing after"_s);
}

void TestRuleImport::autoProxyLine()
{
    QFETCH(QString, line);
    QFETCH(QStringList, rules);
    QFETCH(QString, issue);
    const QByteArray data = "[AutoProxy 0.2.9]\n! a comment\n\n" + line.toUtf8() + '\n';
    const auto result =
        RuleListImporter::import(data, workOptions(RuleListImporter::Format::AutoProxy));
    QCOMPARE(result.lines, 4);
    QCOMPARE(result.commentLines, 2);
    QCOMPARE(result.blankLines, 1);
    QCOMPARE(texts(result.rules), rules);
    QCOMPARE(result.ruleLines, rules.isEmpty() ? 0 : 1);
    if (issue.isEmpty()) {
        QVERIFY2(result.issues.isEmpty(), qPrintable(result.issues.value(0).reason));
        // Every rule the importer makes is one the engine accepts.
        RuleList list;
        list.rules = result.rules;
        QVERIFY(RuleEngine(list, testProfiles()).problems().isEmpty());
        return;
    }
    QCOMPARE(result.issues.size(), 1);
    QCOMPARE(result.issues.at(0).line, 4);
    QCOMPARE(result.issues.at(0).text, line.trimmed());
    QVERIFY2(result.issues.at(0).reason.contains(issue), qPrintable(result.issues.at(0).reason));
}

void TestRuleImport::hostListLine_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QStringList>("rules");
    QTest::addColumn<QStringList>("issues"); // a fragment per expected issue
    QTest::newRow("host") << u"example.com"_s << QStringList{u"domain:example.com -> block"_s}
                          << QStringList();
    QTest::newRow("star dot") << u"*.example.com"_s << QStringList{u"domain:example.com -> block"_s}
                              << QStringList();
    QTest::newRow("leading dot") << u".example.com"_s
                                 << QStringList{u"domain:example.com -> block"_s} << QStringList();
    QTest::newRow("wildcard") << u"ad?.example.*"_s
                              << QStringList{u"wildcard:ad?.example.* -> block"_s} << QStringList();
    QTest::newRow("trailing comment")
        << u"example.com   # ads"_s << QStringList{u"domain:example.com -> block"_s}
        << QStringList();
    QTest::newRow("cidr") << u"10.0.0.0/8"_s << QStringList{u"cidr:10.0.0.0/8 -> block"_s}
                          << QStringList();
    QTest::newRow("address") << u"192.0.2.1"_s << QStringList{u"cidr:192.0.2.1 -> block"_s}
                             << QStringList();
    QTest::newRow("hosts file") << u"0.0.0.0 ads.example\ttracker.example"_s
                                << QStringList{u"domain:ads.example -> block"_s,
                                               u"domain:tracker.example -> block"_s}
                                << QStringList();
    QTest::newRow("hosts file v6")
        << u"::1 ads.example"_s << QStringList{u"domain:ads.example -> block"_s} << QStringList();
    QTest::newRow("hosts localhost")
        << u"127.0.0.1 localhost"_s << QStringList() << QStringList{u"local name"_s};
    QTest::newRow("hosts mixed") << u"127.0.0.1 localhost ads.example bad!name"_s
                                 << QStringList{u"domain:ads.example -> block"_s}
                                 << QStringList{u"local name"_s, u"no host name"_s};
    QTest::newRow("two names") << u"example.com example.org"_s << QStringList()
                               << QStringList{u"one host per line"_s};
    QTest::newRow("bad host") << u"exa$mple.com"_s << QStringList()
                              << QStringList{u"no host name"_s};
    QTest::newRow("bad cidr") << u"10.0.0.0/40"_s << QStringList()
                              << QStringList{u"prefix length"_s};
}

void TestRuleImport::hostListLine()
{
    QFETCH(QString, line);
    QFETCH(QStringList, rules);
    QFETCH(QStringList, issues);
    RuleListImporter::Options options;
    options.action = RouteAction::block();
    options.format = RuleListImporter::Format::HostList;
    const QByteArray data = "# blocklist\n" + line.toUtf8() + "\n";
    const auto result = RuleListImporter::import(data, options);
    QCOMPARE(result.lines, 2);
    QCOMPARE(result.commentLines, 1);
    QCOMPARE(texts(result.rules), rules);
    QCOMPARE(result.issues.size(), issues.size());
    for (qsizetype i = 0; i < issues.size(); ++i) {
        QCOMPARE(result.issues.at(i).line, 2);
        QVERIFY2(result.issues.at(i).reason.contains(issues.at(i)),
                 qPrintable(result.issues.at(i).reason));
    }
}

void TestRuleImport::hostsFileExactNames()
{
    RuleListImporter::Options options;
    options.action = RouteAction::block();
    options.plainHostMatcher = Rule::Matcher::ExactHost;
    const auto result = RuleListImporter::import(
        "127.0.0.1 localhost\n::1 localhost ip6-localhost\n0.0.0.0 ads.example\n", options);
    QCOMPARE(result.format, RuleListImporter::Format::HostList);
    QCOMPARE(texts(result.rules), QStringList{u"host:ads.example -> block"_s});
    QCOMPARE(result.issues.size(), 3); // each local name, reported, not silently dropped
    QCOMPARE(result.issues.at(0).line, 1);
    QCOMPARE(result.issues.at(2).line, 2);
}

void TestRuleImport::detectsFormat_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<int>("format");
    const int autoProxy = int(RuleListImporter::Format::AutoProxy);
    const int hostList = int(RuleListImporter::Format::HostList);
    QTest::newRow("header") << QByteArray("[AutoProxy 0.2.9]\nexample.com\n") << autoProxy;
    QTest::newRow("anchors") << QByteArray("example.com\n||a.example\n||b.example\n") << autoProxy;
    QTest::newRow("hosts file") << QByteArray("# hosts\n0.0.0.0 a.example\n") << hostList;
    QTest::newRow("plain") << QByteArray("a.example\nb.example\n") << hostList;
}

void TestRuleImport::detectsFormat()
{
    QFETCH(QByteArray, data);
    QFETCH(int, format);
    const auto result = RuleListImporter::import(data, workOptions(RuleListImporter::Format::Auto));
    QCOMPARE(int(result.format), format);
    QVERIFY(!result.base64);
    QVERIFY(result.issues.isEmpty());
}

void TestRuleImport::base64Wrapped()
{
    const QByteArray text = "[AutoProxy 0.2.9]\r\n! comment\r\n||example.com\r\n@@||ok.example\r\n"
                            "|http://plain.example/x\r\n";
    const auto result =
        RuleListImporter::import(wrapBase64(text), workOptions(RuleListImporter::Format::Auto));
    QVERIFY(result.base64);
    QCOMPARE(result.format, RuleListImporter::Format::AutoProxy);
    QCOMPARE(result.lines, 5);
    QCOMPARE(result.ruleLines, 3);
    QCOMPARE(texts(result.rules),
             (QStringList{u"domain:ok.example -> direct"_s, u"domain:example.com -> proxy:Work"_s,
                          u"url-regex:^http://plain\\.example/x -> proxy:Work"_s}));
    QVERIFY(result.issues.isEmpty());
}

void TestRuleImport::exceptionsComeFirst()
{
    RuleListImporter::Options options = workOptions(RuleListImporter::Format::AutoProxy);
    options.exceptionAction = RouteAction::block();
    const auto result = RuleListImporter::import(
        "||a.example\n@@||b.a.example\n||c.example\n@@.d.example\n", options);
    QCOMPARE(
        texts(result.rules),
        (QStringList{u"domain:b.a.example -> block"_s, u"domain:d.example -> block"_s,
                     u"domain:a.example -> proxy:Work"_s, u"domain:c.example -> proxy:Work"_s}));
    RuleList list;
    list.rules = result.rules;
    const RuleEngine engine(list, testProfiles());
    QCOMPARE(engine.decide({u"x.b.a.example"_s, 443, {}}).action, RouteAction::block());
    QCOMPARE(engine.decide({u"x.a.example"_s, 443, {}}).action, RouteAction::through(u"p-work"_s));
}

void TestRuleImport::sourceInComments()
{
    RuleListImporter::Options options = workOptions(RuleListImporter::Format::AutoProxy);
    options.source = u"gfwlist"_s;
    const auto result = RuleListImporter::import("! x\n||a.example\n\n||b.example\n", options);
    QCOMPARE(result.rules.size(), 2);
    QCOMPARE(result.rules.at(0).comment, u"gfwlist line 2"_s);
    QCOMPARE(result.rules.at(1).comment, u"gfwlist line 4"_s);
}

void TestRuleImport::realSizedList()
{
    // A gfwlist-like file of 40,000 lines: every syntax, comments, blank lines and
    // garbage at known positions, base64-wrapped like the real one.
    QRandomGenerator random(4242);
    QByteArray text = "[AutoProxy 0.2.9]\n! Title: generated for tst_ruleimport\n";
    int lines = 2;
    int comments = 2;
    int blanks = 0;
    int exceptions = 0;
    int ruleLines = 0;
    QHash<int, QString> garbage; // line number -> expected reason fragment
    const QList<QPair<QByteArray, QString>> garbageKinds{
        {"||", u"without a domain"_s},
        {"|ftp://files.example", u"http:// or https://"_s},
        {"/(unclosed/", u"invalid regular expression"_s},
        {"||ads.example$script", u"Adblock options"_s},
        {"example.org##.banner", u"element-hiding"_s},
        {"bad host name.example", u"no host name"_s},
        {"[Section]", u"first line"_s},
        {"||a..b.example", u"empty label"_s},
    };
    while (lines < 40'000) {
        const int kind = int(random.bounded(100));
        const QByteArray name = "site" + QByteArray::number(lines) + ".example" +
                                QByteArray::number(random.bounded(50)) + ".com";
        QByteArray line;
        if (kind < 50) {
            line = "||" + name;
        } else if (kind < 62) {
            line = '.' + name;
        } else if (kind < 72) {
            line = name;
        } else if (kind < 78) {
            line = "|http://" + name + "/path" + QByteArray::number(kind);
        } else if (kind < 82) {
            line = "|https://" + name;
        } else if (kind < 83) {
            line = "/^https?:\\/\\/[^\\/]+" + QByteArray::number(lines) + "\\.example\\.net/";
        } else if (kind < 86) {
            line = "@@||" + name;
            ++exceptions;
        } else if (kind < 92) {
            line = "! comment " + QByteArray::number(lines);
            ++comments;
        } else if (kind < 96) {
            ++blanks;
        } else if (kind < 97) {
            line = name + "/forum/*.html";
        } else {
            const auto& [bad, reason] = garbageKinds.at(lines % garbageKinds.size());
            line = bad;
            garbage.insert(lines + 1, reason);
        }
        text += line + '\n';
        ++lines;
        if (!line.isEmpty() && !line.startsWith('!') && !garbage.contains(lines))
            ++ruleLines;
    }

    QElapsedTimer timer;
    timer.start();
    const auto result =
        RuleListImporter::import(wrapBase64(text), workOptions(RuleListImporter::Format::Auto));
    const qint64 importMs = timer.elapsed();
    QVERIFY(result.base64);
    QCOMPARE(result.format, RuleListImporter::Format::AutoProxy);
    QCOMPARE(result.lines, lines);
    QCOMPARE(result.commentLines, comments);
    QCOMPARE(result.blankLines, blanks);
    QCOMPARE(result.ruleLines, ruleLines);
    QCOMPARE(result.rules.size(), ruleLines); // one rule per line in AutoProxy
    QCOMPARE(result.lines, result.ruleLines + result.commentLines + result.blankLines +
                               int(result.issues.size()));
    QCOMPARE(result.issues.size(), garbage.size());
    for (const ImportIssue& issue : result.issues) {
        QVERIFY2(
            garbage.contains(issue.line),
            qPrintable(u"unexpected issue on line %1: %2"_s.arg(issue.line).arg(issue.reason)));
        QVERIFY2(issue.reason.contains(garbage.value(issue.line)), qPrintable(issue.reason));
    }
    for (int i = 0; i < exceptions; ++i)
        QCOMPARE(result.rules.at(i).action, RouteAction::direct());
    QCOMPARE(result.rules.at(exceptions).action, RouteAction::through(u"p-work"_s));

    timer.restart();
    RuleList list;
    list.rules = result.rules;
    const RuleEngine engine(list, testProfiles());
    const qint64 buildMs = timer.elapsed();
    QVERIFY(engine.problems().isEmpty());
    qInfo("imported %d lines into %d rules in %lld ms (%d issues); engine built in %lld ms",
          result.lines, int(result.rules.size()), importMs, int(result.issues.size()), buildMs);
    QCOMPARE(engine.decide({u"nothing.invalid"_s, 443, {}}).ruleIndex, -1);
    // Each imported rule decides for its own host (an exception may win earlier).
    int checked = 0;
    for (qsizetype i = 0; i < result.rules.size() && checked < 200; i += 97) {
        const Rule& rule = result.rules.at(i);
        if (rule.matcher != Rule::Matcher::Domain)
            continue;
        const RouteDecision decision = engine.decide({u"www."_s + rule.pattern, 443, {}});
        QCOMPARE(decision.ruleIndex, int(i));
        ++checked;
    }
    QVERIFY(checked > 100);
}

QTEST_GUILESS_MAIN(TestRuleImport)
#include "tst_ruleimport.moc"
