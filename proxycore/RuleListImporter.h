#pragma once

#include "Rule.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// One line of an imported list that did not become a rule, and why.
struct ImportIssue
{
    int line = 0; ///< 1-based, in the (decoded) text
    QString text; ///< the line as it was, trimmed
    QString reason;
};

/// Turns shared rule lists into rules, all with one target action.
///
/// AutoProxy / gfwlist (as SwitchyOmega reads it), optionally base64-wrapped as a
/// whole (gfwlist.txt is distributed that way):
///  - "[AutoProxy x.y]" header and "!" comments are skipped;
///  - "||example.com"  -> domain:example.com (the domain and its subdomains);
///  - "||example.com/path" -> url-regex on http URLs of that domain starting with the
///    path (a proxy never sees https paths);
///  - "|http://prefix" -> url-regex "^http://prefix" ('*' = any text, '^' = a
///    separator, as in Adblock syntax);
///  - "|https://host/..." -> host:host: only the host of an https URL is visible to a
///    proxy, so the rule covers the whole host;
///  - ".example.com" and plain "example.com" -> domain:example.com. (AutoProxy's own
///    meaning is "http URL contains the text"; as a host rule it also covers https,
///    which is what lists mean by these lines.) With a path or '*' they become a
///    url-regex "http URL contains" rule, as in AutoProxy;
///  - "/regex/" -> url-regex;
///  - "@@<rule>" -> the same rule with the exception action (direct by default);
///    all exception rules are placed before the others, in file order.
/// Adblock-only syntax (options after '$', element hiding "##") is reported, not
/// guessed at.
///
/// Plain lists: one host per line, '#' starts a comment; hosts-file lines
/// ("0.0.0.0 ads.example other.example") give one rule per name, skipping the local
/// names hosts files carry (localhost, broadcasthost, ...). "*.example.com" and
/// ".example.com" mean the domain and its subdomains, other wildcards become
/// wildcard rules, IP addresses and CIDR ranges become cidr rules.
///
/// No line is dropped silently: every line is blank, a comment/header, a rule
/// source, or listed in issues with its number and the reason.
class RuleListImporter
{
public:
    enum class Format {
        Auto,      ///< AutoProxy if it is base64-wrapped, has the header or AutoProxy-only
                   ///< syntax, otherwise a plain list
        AutoProxy, ///< AutoProxy / gfwlist syntax
        HostList,  ///< one host per line / hosts file
    };

    struct Options
    {
        RouteAction action;                                  ///< what every rule does
        RouteAction exceptionAction = RouteAction::direct(); ///< for "@@" lines
        Format format = Format::Auto;
        /// How a bare host in a plain list is matched: Domain (with subdomains, the
        /// default) or ExactHost.
        Rule::Matcher plainHostMatcher = Rule::Matcher::Domain;
        /// When set, each rule's comment says where it came from: "<source> line N".
        QString source;
    };

    struct Result
    {
        QList<Rule> rules;            ///< exception rules first, then the rest, each in file order
        Format format = Format::Auto; ///< the format actually used
        bool base64 = false;          ///< the data was base64-wrapped
        int lines = 0;                ///< lines in the (decoded) text
        int ruleLines = 0;            ///< lines that gave at least one rule
        int commentLines = 0;         ///< comments and headers
        int blankLines = 0;
        QList<ImportIssue> issues; ///< every line (or hosts-file name) not imported
    };

    static Result import(const QByteArray& data, const Options& options);

private:
    /// What one line turned into: rules without their action yet, and one reason
    /// per part that could not be used.
    struct Converted
    {
        QList<Rule> rules;
        QStringList problems;
        bool isException = false;
        bool isComment = false;
    };
    static Converted convertAutoProxy(QStringView line, bool allowException = true);
    static Converted convertHostList(QStringView line, Rule::Matcher plainHostMatcher);
    static Format detectFormat(const QList<QStringView>& lines);
    static bool decodeBase64(const QByteArray& data, QByteArray* decoded);
};

} // namespace Switchyard
