#pragma once

#include "CidrIndex.h"
#include "CompiledRule.h"
#include "DomainIndex.h"
#include "LiteralIndex.h"
#include "RouteDecision.h"
#include "RouteExplanation.h"
#include "RouteQuery.h"
#include "Rule.h"
#include "UpstreamProfile.h"

#include <QList>
#include <QString>
#include <memory>
#include <vector>

namespace Switchyard {

/// Something wrong with one rule, found when the rule engine was built.
struct RuleProblem
{
    enum class Kind {
        Invalid,        ///< the pattern is unusable: the rule never matches
        MissingProfile, ///< the rule matches, but its profile is gone: its traffic is blocked
    };
    int index = -1; ///< 0-based rule position; -1 = the default action
    Kind kind = Kind::Invalid;
    QString reason;
};

/// Decides the route of each connection from the ordered rule list: the first
/// enabled, valid rule that matches wins; the default action applies when none does.
///
/// Immutable once built: every member function is const and touches no shared
/// mutable state, so one instance can be shared between the UI thread and the engine
/// thread as std::shared_ptr<const RuleEngine>. A rule change builds a new engine and
/// swaps the pointer; connections that already decided are not affected.
///
/// Matching never scans every rule. Hosts are normalised once (NormalizedHost), then
///  - exact-host and domain rules are answered by DomainIndex (one hash probe per
///    label of the host), CIDR rules by CidrIndex (one probe per prefix length);
///  - wildcard, keyword and regex rules are filed in a LiteralIndex under a literal
///    every match contains (the keyword, a fixed part of a wildcard or regex), so
///    only rules whose literal occurs in the host / URL are tried;
///  - what is left (port rules, and rules with no literal of 3+ characters such as
///    "wildcard:*.a?.*") sits in one list in rule order;
/// candidates and that list are tried in rule order only up to the best index the
/// hash indexes found, so a domain rule at position 5 means at most 5 tries.
/// Regular expressions are the documented slow path: "simple" ones (literals and
/// ".*", as importers produce) are matched without PCRE (RegexShape); the others are
/// compiled and JIT-optimised once at build time (about 30 µs each) and cost a PCRE
/// match and an allocation (about 0.3 µs) each time they are tried, and one with no
/// usable literal is tried for every lookup that reaches its position: keep those
/// few or place them late.
///
/// An IP-literal destination is never matched by host, domain, wildcard or keyword
/// rules, and a name never by a CIDR rule. Host regexes see the normalised host
/// (punycode, canonical IP text), case-insensitively. URL regexes see the URL of a
/// plain HTTP request, and "host:port" for tunnels (whose URL a proxy cannot see).
class RuleEngine
{
public:
    /// An engine with no rules whose default is direct.
    RuleEngine();
    /// Compiles the list. Invalid rules (empty pattern, bad regex, bad CIDR, bad
    /// port range, an IP address in a host rule, ...) are reported in problems() and
    /// never match. A rule (or default) routed through a profile that is not in
    /// profiles is reported too and blocks its traffic (fail closed).
    RuleEngine(const RuleList& rules, const QList<UpstreamProfile>& profiles);
    Q_DISABLE_COPY_MOVE(RuleEngine)

    static std::shared_ptr<const RuleEngine> build(const RuleList& rules,
                                                   const QList<UpstreamProfile>& profiles);

    RouteDecision decide(const RouteQuery& query) const;
    /// Parses a URL or host:port (see RouteQuery::fromText) and decides it.
    RouteExplanation explain(const QString& urlOrHostPort) const;

    /// Problems found while building, in rule order (the default action's last).
    const QList<RuleProblem>& problems() const { return m_problems; }
    /// Every rule in list order, active or not (for the PAC generator and the UI).
    const std::vector<CompiledRule>& rules() const { return m_rules; }
    /// The default action, as a rule with index -1.
    const CompiledRule& defaultRule() const { return m_default; }

private:
    RouteDecision decisionFor(const CompiledRule& rule) const;

    std::vector<CompiledRule> m_rules;
    CompiledRule m_default;
    DomainIndex m_names;
    CidrIndex m_addresses;
    LiteralIndex m_hostLiterals; ///< wildcard, keyword, host regex rules with a literal
    LiteralIndex m_urlLiterals;  ///< URL regex rules with a literal
    std::vector<int> m_scanned;  ///< the other active non-indexed rules, ascending
    QList<RuleProblem> m_problems;
};

} // namespace Switchyard
