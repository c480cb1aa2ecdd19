#pragma once

#include "CidrRange.h"
#include "NormalizedHost.h"
#include "PortRange.h"
#include "RegexShape.h"
#include "Rule.h"

#include <QRegularExpression>
#include <QString>
#include <optional>

namespace Switchyard {

/// One rule as the rule engine holds it: the rule as written, whether it takes part
/// in matching, its pattern normalised and compiled, and its action resolved
/// against the profiles that exist. Built once by RuleEngine, then only read.
struct CompiledRule
{
    // What a decision copies comes first, so that a lookup touches as few cache
    // lines of a (cold) rule as possible.
    int index = -1;      ///< position in the rule list; -1 for the default action
    RouteAction action;  ///< effective action: Block if the rule's profile is missing
    QString text;        ///< RuleText form
    QString profileName; ///< name of the profile routed through
    QString error;       ///< set when the profile is missing

    Rule rule;             ///< as written
    bool active = false;   ///< enabled and valid: only active rules ever match
    QString invalidReason; ///< why the pattern was rejected (then never active)

    /// The pattern in the form it is matched in: ACE lower-case host names and
    /// wildcards, lower-case keywords, canonical "net/len" CIDR, "low[-high]" ports,
    /// regexes as written.
    QString normalizedPattern;
    /// HostRegex (case-insensitive) / UrlRegex: what is known without running it.
    RegexShape shape;
    /// Compiled once (and JIT-optimised) unless the shape is simple enough to be
    /// matched without PCRE. Optional because even an empty QRegularExpression
    /// allocates, and most rules have none.
    std::optional<QRegularExpression> regex;
    /// Substrings every host (wildcard, keyword, host regex) or URL subject (URL
    /// regex) it matches contains; none if unknown. Feed LiteralIndex.
    QStringList literals;
    CidrRange cidr;
    PortRange ports;

    /// Checks and normalises pattern for matcher into the fields above. Returns an
    /// empty string on success, otherwise the reason the rule can never match.
    QString compilePattern(Rule::Matcher matcher, const QString& pattern);
    /// The same check without keeping the result (importers, editors).
    static QString checkPattern(Rule::Matcher matcher, const QString& pattern);

    /// Whether an active rule that is not in the engine's hash indexes (wildcard,
    /// keyword, regexes, port) matches. *urlSubject is the text URL regexes see,
    /// computed by the caller on first need and cached across rules.
    bool matchesScanned(const NormalizedHost& host, quint16 port, const QString& url,
                        QString* urlSubject) const;
};

} // namespace Switchyard
