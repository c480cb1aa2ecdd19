#pragma once

#include "RouteAction.h"

#include <QList>
#include <QString>

namespace Switchyard {

/// One routing rule: a matcher, its pattern and the action taken on a match.
/// Rules are plain data kept in the settings; the rule engine compiles them.
struct Rule
{
    enum class Matcher {
        ExactHost, ///< the host, exactly ("example.com")
        Domain,    ///< the domain and all its subdomains
        Wildcard,  ///< shell-style pattern on the host: * and ?
        Keyword,   ///< substring of the host
        HostRegex, ///< regular expression on the host
        UrlRegex,  ///< regular expression on the full URL (or host:port for tunnels)
        IpCidr,    ///< IP literal destination within a CIDR range (v4 or v6)
        Port,      ///< destination port or range ("443", "8000-8999")
    };

    Matcher matcher = Matcher::Domain;
    QString pattern;
    RouteAction action;
    bool enabled = true;
    QString comment;

    bool operator==(const Rule& other) const = default;
};

/// The rules in order plus the action taken when none matches.
struct RuleList
{
    QList<Rule> rules;
    RouteAction defaultAction;

    bool operator==(const RuleList& other) const = default;
};

} // namespace Switchyard
