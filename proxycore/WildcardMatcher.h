#pragma once

#include <QString>

namespace Switchyard {

/// Shell-style host pattern: '*' matches any run of characters (dots included, or
/// none), '?' exactly one. Compared against the normalised (ACE, lower-case) host,
/// so "*.example.*" matches "a.example.org" but not "example.org": use a domain rule
/// for "a domain and all its subdomains".
class WildcardMatcher
{
public:
    WildcardMatcher() = default;
    /// pattern must already be normalised (see normalizePattern).
    explicit WildcardMatcher(const QString& pattern) : m_pattern(pattern) {}

    bool matches(QStringView host) const { return matches(m_pattern, host); }
    const QString& pattern() const { return m_pattern; }

    /// Linear-time in practice: the usual greedy match that backtracks only to the
    /// last '*'.
    static bool matches(QStringView pattern, QStringView text);
    /// Lower-cases the pattern and turns Unicode labels without wildcards into
    /// punycode. Sets *error (and returns an empty string) on characters no host can
    /// contain, or a wildcard inside an internationalised label.
    static QString normalizePattern(QStringView pattern, QString* error);
    /// The runs without '*' or '?': every matching host contains each of them.
    static QStringList literals(QStringView pattern);

private:
    QString m_pattern;
};

} // namespace Switchyard
