#include "RuleEngine.h"

#include "RuleText.h"

#include <QHash>
#include <algorithm>

namespace Switchyard {

RuleEngine::RuleEngine() : RuleEngine(RuleList{}, {}) {}

RuleEngine::RuleEngine(const RuleList& rules, const QList<UpstreamProfile>& profiles)
{
    // Every rule of a profile shares that profile's id and name strings, so copying
    // them into a decision touches one hot string header, not one per rule.
    QHash<QString, std::pair<QString, QString>> profileById;
    for (const UpstreamProfile& profile : profiles)
        profileById.insert(profile.id,
                           {profile.id, profile.name.isEmpty() ? profile.id : profile.name});

    const auto resolve = [&](CompiledRule* compiled) {
        compiled->action = compiled->rule.action;
        if (compiled->action.kind != RouteAction::Kind::Profile)
            return;
        const auto it = profileById.constFind(compiled->action.profileId);
        if (it != profileById.constEnd()) {
            compiled->action.profileId = it->first;
            compiled->profileName = it->second;
            return;
        }
        compiled->error = QStringLiteral("profile \"%1\" no longer exists; blocked instead of "
                                         "going direct")
                              .arg(compiled->action.profileId);
        compiled->action = RouteAction::block();
    };

    m_rules.resize(size_t(rules.rules.size()));
    m_names.reserve(rules.rules.size());
    for (qsizetype i = 0; i < rules.rules.size(); ++i) {
        CompiledRule& compiled = m_rules[size_t(i)];
        compiled.index = int(i);
        compiled.rule = rules.rules.at(i);
        resolve(&compiled);
        compiled.text = RuleText::format(compiled.rule, compiled.profileName);
        compiled.invalidReason =
            compiled.compilePattern(compiled.rule.matcher, compiled.rule.pattern);
        if (!compiled.invalidReason.isEmpty()) {
            m_problems.append(
                {int(i), RuleProblem::Kind::Invalid,
                 compiled.invalidReason + QStringLiteral("; the rule never matches")});
            continue;
        }
        if (!compiled.error.isEmpty())
            m_problems.append({int(i), RuleProblem::Kind::MissingProfile, compiled.error});
        if (!compiled.rule.enabled)
            continue;
        compiled.active = true;
        switch (compiled.rule.matcher) {
        case Rule::Matcher::ExactHost:
            m_names.addExact(compiled.normalizedPattern, int(i));
            break;
        case Rule::Matcher::Domain:
            m_names.addDomain(compiled.normalizedPattern, int(i));
            break;
        case Rule::Matcher::IpCidr:
            m_addresses.add(compiled.cidr, int(i));
            break;
        case Rule::Matcher::Wildcard:
        case Rule::Matcher::Keyword:
        case Rule::Matcher::HostRegex:
            if (!m_hostLiterals.add(compiled.literals, int(i)))
                m_scanned.push_back(int(i));
            break;
        case Rule::Matcher::UrlRegex:
            if (!m_urlLiterals.add(compiled.literals, int(i)))
                m_scanned.push_back(int(i));
            break;
        case Rule::Matcher::Port:
            m_scanned.push_back(int(i));
            break;
        }
    }

    m_names.finish();
    m_hostLiterals.finish();
    m_urlLiterals.finish();

    m_default.rule.action = rules.defaultAction;
    resolve(&m_default);
    m_default.active = true;
    m_default.text = QStringLiteral("default -> ") +
                     RuleText::formatAction(m_default.rule.action, m_default.profileName);
    if (!m_default.error.isEmpty())
        m_problems.append({-1, RuleProblem::Kind::MissingProfile,
                           QStringLiteral("default action: ") + m_default.error});
}

std::shared_ptr<const RuleEngine> RuleEngine::build(const RuleList& rules,
                                                    const QList<UpstreamProfile>& profiles)
{
    return std::make_shared<const RuleEngine>(rules, profiles);
}

RouteDecision RuleEngine::decisionFor(const CompiledRule& rule) const
{
    return RouteDecision{rule.action, rule.index, rule.text, rule.profileName, rule.error};
}

RouteDecision RuleEngine::decide(const RouteQuery& query) const
{
    const NormalizedHost host = NormalizedHost::fromInput(query.host);
    int best = host.isIp() ? m_addresses.lookup(host) : m_names.lookup(host.text);

    // Rules from the literal indexes whose literal occurs, merged in rule order with
    // the always-tried list; nothing at or after `best` is tried: order decides.
    LiteralIndex::Candidates candidates;
    QString urlSubject;
    m_hostLiterals.collect(host.text, best, &candidates);
    if (m_urlLiterals.lowestRule() < best) {
        urlSubject = query.url.isEmpty() ? host.withPort(query.port) : query.url;
        m_urlLiterals.collect(urlSubject, best, &candidates);
    }
    if (candidates.size() > 1) {
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    }
    auto scanned = m_scanned.cbegin();
    auto candidate = candidates.cbegin();
    while (true) {
        const int fromScanned = scanned == m_scanned.cend() ? DomainIndex::noMatch : *scanned;
        const int fromCandidates =
            candidate == candidates.cend() ? DomainIndex::noMatch : *candidate;
        const int index = std::min(fromScanned, fromCandidates);
        if (index >= best)
            break;
        if (index == fromScanned)
            ++scanned;
        if (index == fromCandidates)
            ++candidate;
        if (m_rules[size_t(index)].matchesScanned(host, query.port, query.url, &urlSubject)) {
            best = index;
            break;
        }
    }
    if (best == DomainIndex::noMatch)
        return decisionFor(m_default);
    return decisionFor(m_rules[size_t(best)]);
}

RouteExplanation RuleEngine::explain(const QString& urlOrHostPort) const
{
    RouteExplanation out;
    out.query = RouteQuery::fromText(urlOrHostPort, &out.error);
    if (out.error.isEmpty())
        out.decision = decide(out.query);
    return out;
}

} // namespace Switchyard
