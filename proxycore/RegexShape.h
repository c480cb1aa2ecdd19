#pragma once

#include <QString>
#include <QStringList>

namespace Switchyard {

/// What the rule engine can learn about a regular expression without running it,
/// so that regex rules need not be a linear scan of PCRE matches:
///  - requiredLiterals: substrings every match must contain (found conservatively:
///    none when unsure), used by LiteralIndex to skip rules whose literal does not
///    occur in the subject;
///  - simple: the pattern is only literal characters, escaped punctuation, ".*"
///    gaps, a leading '^' and a trailing '$' (what list importers generate, e.g.
///    "^http://example\.com/path.*x"). Such patterns are matched here directly, with
///    the same result as PCRE, and are never compiled: no PCRE/JIT cost at load and
///    no match allocation per lookup.
struct RegexShape
{
    bool simple = false;
    bool anchoredStart = false;
    bool anchoredEnd = false;
    QStringList pieces; ///< simple only: literal pieces, a ".*" gap between neighbours
    Qt::CaseSensitivity caseSensitivity = Qt::CaseSensitive;
    QStringList requiredLiterals; ///< lower-cased when case-insensitive

    /// Any pattern may be given: a simple one is always valid PCRE, so only the
    /// others need compiling (and checking).
    static RegexShape analyze(const QString& pattern, bool caseInsensitive);
    /// For simple shapes: whether the regex finds a match in subject. Equal to PCRE's
    /// answer for subjects without line breaks ('.' and '$' treat those specially),
    /// which hosts and request URLs never contain.
    bool matches(QStringView subject) const;
};

} // namespace Switchyard
