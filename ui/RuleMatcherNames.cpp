#include "RuleMatcherNames.h"

namespace Switchyard {

QList<Rule::Matcher> RuleMatcherNames::all()
{
    return {Rule::Matcher::Domain,  Rule::Matcher::ExactHost, Rule::Matcher::Wildcard,
            Rule::Matcher::Keyword, Rule::Matcher::HostRegex, Rule::Matcher::UrlRegex,
            Rule::Matcher::IpCidr,  Rule::Matcher::Port};
}

QString RuleMatcherNames::label(Rule::Matcher matcher)
{
    switch (matcher) {
    case Rule::Matcher::ExactHost:
        return tr("Host");
    case Rule::Matcher::Domain:
        return tr("Domain");
    case Rule::Matcher::Wildcard:
        return tr("Wildcard");
    case Rule::Matcher::Keyword:
        return tr("Keyword");
    case Rule::Matcher::HostRegex:
        return tr("Host regex");
    case Rule::Matcher::UrlRegex:
        return tr("URL regex");
    case Rule::Matcher::IpCidr:
        return tr("IP range (CIDR)");
    case Rule::Matcher::Port:
        return tr("Port");
    }
    return {};
}

QString RuleMatcherNames::example(Rule::Matcher matcher)
{
    switch (matcher) {
    case Rule::Matcher::ExactHost:
        return QStringLiteral("login.example.com");
    case Rule::Matcher::Domain:
        return QStringLiteral("example.com");
    case Rule::Matcher::Wildcard:
        return QStringLiteral("*.cdn.example.*");
    case Rule::Matcher::Keyword:
        return QStringLiteral("tracker");
    case Rule::Matcher::HostRegex:
        return QStringLiteral("^ads?[0-9]*\\.");
    case Rule::Matcher::UrlRegex:
        return QStringLiteral("^http://[^/]+/ads/");
    case Rule::Matcher::IpCidr:
        return QStringLiteral("10.0.0.0/8");
    case Rule::Matcher::Port:
        return QStringLiteral("8000-8999");
    }
    return {};
}

QString RuleMatcherNames::description(Rule::Matcher matcher)
{
    switch (matcher) {
    case Rule::Matcher::ExactHost:
        return tr("Exactly this host name.");
    case Rule::Matcher::Domain:
        return tr("The domain and every subdomain of it.");
    case Rule::Matcher::Wildcard:
        return tr("A host name pattern: * is any text, ? one character.");
    case Rule::Matcher::Keyword:
        return tr("Host names containing this text.");
    case Rule::Matcher::HostRegex:
        return tr("A regular expression on the host name (case does not matter).");
    case Rule::Matcher::UrlRegex:
        return tr("A regular expression on the URL of plain HTTP requests, or on "
                  "host:port for HTTPS and other tunnels.");
    case Rule::Matcher::IpCidr:
        return tr("Destinations given as an IP address within this range (IPv4 or IPv6).");
    case Rule::Matcher::Port:
        return tr("The destination port, or a range of ports.");
    }
    return {};
}

} // namespace Switchyard
