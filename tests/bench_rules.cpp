// Benchmark of the rule engine: lookup cost with 10, 10,000 and 100,000 domain
// rules and with a realistic mix of every matcher kind, and the cost of building an
// engine from 100,000 rules (plus importing a gfwlist-sized list and writing a PAC).
// A plain main so it runs anywhere; build it optimised (RelWithDebInfo or Release).
// Times are process CPU time (std::clock), best of five runs: on a busy machine
// wall-clock time also counts the time other processes held the CPU.
#include "PacGenerator.h"
#include "RuleEngine.h"
#include "RuleListImporter.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QTextStream>
#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

const QString profileId = u"p-bench"_s;

QList<UpstreamProfile> profiles()
{
    UpstreamProfile profile;
    profile.id = profileId;
    profile.name = u"Bench"_s;
    profile.host = u"127.0.0.1"_s;
    profile.port = 3128;
    return {profile};
}

RouteAction actionFor(int i)
{
    switch (i % 3) {
    case 0:
        return RouteAction::direct();
    case 1:
        return RouteAction::through(profileId);
    default:
        return RouteAction::block();
    }
}

Rule makeRule(Rule::Matcher matcher, const QString& pattern, int i)
{
    Rule rule;
    rule.matcher = matcher;
    rule.pattern = pattern;
    rule.action = actionFor(i);
    return rule;
}

QString domainName(int i)
{
    static const char16_t* const tlds[] = {u"com", u"net", u"org", u"io", u"co.uk", u"de"};
    return u"site%1-%2.%3"_s.arg(i).arg(i * 7919 % 1000).arg(QString::fromUtf16(tlds[i % 6]));
}

RuleList domainRules(int count)
{
    RuleList list;
    list.rules.reserve(count);
    for (int i = 0; i < count; ++i)
        list.rules.append(makeRule(Rule::Matcher::Domain, domainName(i), i));
    return list;
}

// 100,000 rules shaped like a big real configuration: mostly domains, then exact
// hosts, wildcards, keywords, CIDR ranges, port rules, URL regexes of the kind list
// importers produce (matched without PCRE), and a few hand-written PCRE regexes.
RuleList mixedRules()
{
    RuleList list;
    int i = 0;
    const auto add = [&](Rule::Matcher matcher, const QString& pattern) {
        list.rules.append(makeRule(matcher, pattern, i++));
    };
    add(Rule::Matcher::HostRegex, u"^ads?\\d+\\."_s);
    add(Rule::Matcher::UrlRegex, u"^http://[^/]+/(?:ad|banner)s?/"_s);
    for (int n = 0; n < 100'000 - 12; ++n) {
        const int kind = n % 100;
        if (kind < 86)
            add(Rule::Matcher::Domain, domainName(n));
        else if (kind < 90)
            add(Rule::Matcher::ExactHost, u"host."_s + domainName(n));
        else if (kind < 92)
            add(Rule::Matcher::Wildcard, u"*.cdn%1.*"_s.arg(n));
        else if (kind < 94)
            add(Rule::Matcher::Keyword, u"track%1"_s.arg(n));
        else if (kind < 96)
            add(Rule::Matcher::IpCidr, u"10.%1.%2.0/24"_s.arg(n % 256).arg(n / 256 % 256));
        else if (kind < 97)
            add(Rule::Matcher::IpCidr, u"2001:db8:%1::/48"_s.arg(n % 65536, 0, 16));
        else if (kind < 98)
            add(Rule::Matcher::UrlRegex,
                u"^http://www\\.%1/path%2"_s.arg(QString(domainName(n)).replace(u'.', u"\\."_s))
                    .arg(n));
        else
            add(Rule::Matcher::UrlRegex,
                u"^http://.*%1/forum"_s.arg(QString(domainName(n)).replace(u'.', u"\\."_s)));
    }
    for (int n = 0; n < 8; ++n)
        add(Rule::Matcher::HostRegex, u"^(?:www\\.)?shop%1-[a-z]+\\.example$"_s.arg(n));
    add(Rule::Matcher::Port, u"25"_s);
    add(Rule::Matcher::Port, u"6881-6889"_s);
    return list;
}

QList<RouteQuery> domainQueries(int ruleCount, int count)
{
    QRandomGenerator random(99);
    QList<RouteQuery> queries;
    queries.reserve(count);
    for (int i = 0; i < count; ++i) {
        RouteQuery query;
        query.port = 443;
        const int n = int(random.bounded(std::max(ruleCount, 1)));
        switch (i % 4) {
        case 0:
            query.host = u"www."_s + domainName(n); // hit through a subdomain
            break;
        case 1:
            query.host = u"a.b."_s + domainName(n); // deeper hit
            break;
        case 2:
            query.host = u"www.miss%1.example.org"_s.arg(i); // miss
            break;
        default:
            query.host = u"cdn.miss%1.static.example.net"_s.arg(i); // deeper miss
            break;
        }
        queries.append(query);
    }
    return queries;
}

QList<RouteQuery> mixedQueries(int count)
{
    QRandomGenerator random(123);
    QList<RouteQuery> queries;
    queries.reserve(count);
    for (int i = 0; i < count; ++i) {
        RouteQuery query;
        query.port = 443;
        const int n = int(random.bounded(100'000));
        switch (i % 8) {
        case 0:
            query.host = u"www."_s + domainName(n);
            break;
        case 1:
            query.host = u"www.miss%1.example.org"_s.arg(i);
            break;
        case 2: // plain HTTP: URL regexes get a full URL
            query.host = u"www.miss%1.example.org"_s.arg(i);
            query.port = 80;
            query.url = u"http://%1/some/path/page%2.html?x=1"_s.arg(query.host).arg(i);
            break;
        case 3:
            query.host = u"www."_s + domainName(n);
            query.port = 80;
            query.url = u"http://%1/index.html"_s.arg(query.host);
            break;
        case 4:
            query.host = u"10.%1.%2.7"_s.arg(n % 256).arg(n / 256 % 256);
            break;
        case 5:
            query.host = u"2001:db8:%1::1"_s.arg(n % 65536, 0, 16);
            break;
        case 6:
            query.host = u"img.cdn%1.example.com"_s.arg(n);
            break;
        default:
            query.host = u"api.track%1.example"_s.arg(n);
            break;
        }
        queries.append(query);
    }
    return queries;
}

double cpuNs()
{
    return double(std::clock()) * (1e9 / CLOCKS_PER_SEC);
}

// Nanoseconds per decide(), best of five runs of at least 200 ms each.
double lookupNs(const RuleEngine& engine, const QList<RouteQuery>& queries)
{
    double best = 1e18;
    qint64 sink = 0;
    for (int run = 0; run < 5; ++run) {
        const double start = cpuNs();
        qint64 lookups = 0;
        while (cpuNs() - start < 200e6) {
            for (const RouteQuery& query : queries)
                sink += engine.decide(query).ruleIndex;
            lookups += queries.size();
        }
        best = std::min(best, (cpuNs() - start) / double(lookups));
    }
    if (sink == 42)
        std::puts(""); // keeps the loop from being optimised away
    return best;
}

// Milliseconds to build an engine, best of five.
double buildMs(const RuleList& list)
{
    double best = 1e18;
    for (int run = 0; run < 5; ++run) {
        const double start = cpuNs();
        const RuleEngine engine(list, profiles());
        best = std::min(best, (cpuNs() - start) / 1e6);
        if (!engine.problems().isEmpty())
            qFatal("benchmark rules are invalid: %s", qPrintable(engine.problems().at(0).reason));
    }
    return best;
}

QByteArray gfwlistLike(int lines)
{
    QRandomGenerator random(4242);
    QByteArray text = "[AutoProxy 0.2.9]\n";
    for (int i = 0; i < lines; ++i) {
        const QByteArray name = domainName(i).toLatin1();
        const int kind = int(random.bounded(100));
        if (kind < 55)
            text += "||" + name + '\n';
        else if (kind < 70)
            text += '.' + name + '\n';
        else if (kind < 80)
            text += name + '\n';
        else if (kind < 88)
            text += "|http://" + name + "/path\n";
        else if (kind < 92)
            text += "|https://" + name + '\n';
        else if (kind < 95)
            text += "@@||" + name + '\n';
        else if (kind < 96)
            text += name + "/forum/*.html\n";
        else
            text += "! comment\n";
    }
    return text.toBase64();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    out << "Switchyard rule engine benchmark (" << QSysInfo::prettyProductName() << ")\n\n";
    out << "lookup, domain rules only (25% subdomain hit, 25% deep hit, 50% miss)\n";
    for (const int count : {10, 10'000, 100'000}) {
        const RuleEngine engine(domainRules(count), profiles());
        out << u"  %1 domain rules: %2 ns/lookup\n"_s.arg(count, 7).arg(
            lookupNs(engine, domainQueries(count, 20'000)), 0, 'f', 0);
    }
    out.flush();

    const RuleList mixed = mixedRules();
    {
        const RuleEngine engine(mixed, profiles());
        out << u"  %1 mixed rules:  %2 ns/lookup (domains, hosts, wildcards, keywords, "
               "CIDR v4/v6, ports, 2,000 URL regexes, 10 PCRE regexes; tunnels and plain "
               "HTTP)\n"_s.arg(mixed.rules.size(), 7)
                   .arg(lookupNs(engine, mixedQueries(20'000)), 0, 'f', 0);
    }

    const QByteArray list = gfwlistLike(6'000);
    RuleListImporter::Options options;
    options.action = RouteAction::through(profileId);
    const auto imported = RuleListImporter::import(list, options);
    RuleList gfw;
    gfw.rules = imported.rules;
    {
        const RuleEngine engine(gfw, profiles());
        QList<RouteQuery> queries = mixedQueries(20'000);
        out << u"  %1 gfwlist-style rules (imported): %2 ns/lookup\n"_s.arg(gfw.rules.size())
                   .arg(lookupNs(engine, queries), 0, 'f', 0);
    }
    out.flush();

    out << "\nload (build the engine), best of 5\n";
    out << u"  100,000 domain rules: %1 ms\n"_s.arg(buildMs(domainRules(100'000)), 0, 'f', 1);
    out << u"  100,000 mixed rules:  %1 ms\n"_s.arg(buildMs(mixed), 0, 'f', 1);

    const QByteArray big = gfwlistLike(40'000);
    double start = cpuNs();
    const auto bigImport = RuleListImporter::import(big, options);
    out << u"\nimport 40,000-line base64 AutoProxy list: %1 ms (%2 rules)\n"_s
               .arg((cpuNs() - start) / 1e6, 0, 'f', 1)
               .arg(bigImport.rules.size());

    const RuleEngine pacEngine(domainRules(100'000), profiles());
    start = cpuNs();
    PacGenerator::Options pacOptions;
    pacOptions.proxyHostPort = u"127.0.0.1:8877"_s;
    const auto pac = PacGenerator::generate(pacEngine, pacOptions);
    out << u"PAC for 100,000 domain rules: %1 ms, %2 KiB\n"_s
               .arg((cpuNs() - start) / 1e6, 0, 'f', 1)
               .arg(pac.script.size() / 1024);
    return 0;
}
