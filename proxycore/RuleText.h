#pragma once

#include "Rule.h"
#include "UpstreamProfile.h"

#include <QList>
#include <QString>

namespace Switchyard {

/// The one-line text form of a rule, used in logs, explain output and on the
/// command line (--rule). Grammar:
///
///     rule    := ["disabled" " "] matcher ":" pattern " -> " action
///     matcher := host | domain | wildcard | keyword | host-regex | url-regex | cidr | port
///     action  := direct | block | proxy:<profile name> | proxy-id:<profile id>
///
/// A pattern or profile name that is empty, contains white space or starts with a
/// double quote is written in double quotes, with \" and \\ escaped inside; anything
/// else is written as is (regexes need no escaping of their own). "proxy:" names a
/// profile by name (its id is accepted too); "proxy-id:" is printed for a profile
/// that no longer exists, so the text still says which one was meant.
///
/// Examples:
///     domain:example.com -> proxy:Work
///     cidr:10.0.0.0/8 -> direct
///     disabled url-regex:"^http://a b/" -> block
///     port:8000-8999 -> proxy:"Home VPN"
class RuleText
{
public:
    static QString matcherName(Rule::Matcher matcher);
    /// Accepts the names above in any case; false if unknown.
    static bool matcherFromName(QStringView name, Rule::Matcher* matcher);

    /// "direct", "block", "proxy:<name>" (or "proxy-id:<id>" when no profile has it).
    static QString formatAction(const RouteAction& action, const QList<UpstreamProfile>& profiles);
    /// The same with the profile's name already looked up (empty = missing).
    static QString formatAction(const RouteAction& action, const QString& profileName);
    static QString format(const Rule& rule, const QList<UpstreamProfile>& profiles);
    static QString format(const Rule& rule, const QString& profileName);

    /// Parses the text form (syntax only: whether the pattern is valid for its
    /// matcher is for the rule engine to say). Profiles named by "proxy:" must exist;
    /// "proxy-id:" ids are taken as they are. Returns false and sets *error on
    /// failure. The comment of *out is left empty.
    static bool parse(QStringView text, const QList<UpstreamProfile>& profiles, Rule* out,
                      QString* error);
    /// Parses an action alone ("direct", "block", "proxy:Work", ...), e.g. for a
    /// default-action option.
    static bool parseAction(QStringView text, const QList<UpstreamProfile>& profiles,
                            RouteAction* out, QString* error);

    /// Quotes text as described above when it needs quoting.
    static QString quoteIfNeeded(const QString& text);
};

} // namespace Switchyard
