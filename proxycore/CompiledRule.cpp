#include "CompiledRule.h"

#include "WildcardMatcher.h"

#include <QHostAddress>

namespace Switchyard {

namespace {

bool isIpLiteral(QStringView text)
{
    QStringView candidate = text.trimmed();
    if (candidate.size() >= 2 && candidate.front() == u'[' && candidate.back() == u']')
        candidate = candidate.sliced(1, candidate.size() - 2);
    if (candidate.size() > 1 && candidate.back() == u'.')
        candidate.chop(1);
    // Every IP literal QHostAddress takes starts with a digit or has a colon.
    if (candidate.isEmpty() || !(candidate.front().isDigit() || candidate.contains(u':')))
        return false;
    QHostAddress address;
    return address.setAddress(candidate.toString());
}

QString compileRegex(const QString& pattern, bool caseInsensitive, RegexShape* shape,
                     std::optional<QRegularExpression>* out)
{
    *shape = RegexShape::analyze(pattern, caseInsensitive);
    if (shape->simple)
        return {}; // always valid, and matched without PCRE
    QRegularExpression regex(pattern, caseInsensitive ? QRegularExpression::CaseInsensitiveOption
                                                      : QRegularExpression::NoPatternOption);
    if (!regex.isValid()) {
        return QStringLiteral("invalid regular expression: %1 at offset %2")
            .arg(regex.errorString())
            .arg(regex.patternErrorOffset());
    }
    // Compile (and JIT) now: later matches from several threads then only read it.
    regex.optimize();
    *out = regex;
    return {};
}

} // namespace

QString CompiledRule::compilePattern(Rule::Matcher matcher, const QString& pattern)
{
    if (pattern.trimmed().isEmpty())
        return QStringLiteral("empty pattern");
    QString error;
    switch (matcher) {
    case Rule::Matcher::ExactHost:
    case Rule::Matcher::Domain: {
        QStringView name = QStringView(pattern).trimmed();
        if (matcher == Rule::Matcher::Domain && name.startsWith(u'.'))
            name = name.sliced(1); // ".example.com" is the usual way of writing the same
        if (name.contains(u'*') || name.contains(u'?'))
            return QStringLiteral("\"%1\" contains a wildcard; use a wildcard rule, or a domain "
                                  "rule without \"*.\" for a domain and its subdomains")
                .arg(pattern);
        if (isIpLiteral(name))
            return QStringLiteral("\"%1\" is an IP address, which host and domain rules never "
                                  "match; use a cidr rule such as cidr:%1")
                .arg(name.toString());
        normalizedPattern = NormalizedHost::aceName(name, &error);
        return error;
    }
    case Rule::Matcher::Wildcard:
        normalizedPattern = WildcardMatcher::normalizePattern(pattern, &error);
        literals = WildcardMatcher::literals(normalizedPattern);
        return error;
    case Rule::Matcher::Keyword: {
        const QString keyword = pattern.trimmed().toLower();
        for (QChar c : keyword) {
            if (c.unicode() >= 0x80)
                return QStringLiteral("keyword \"%1\" is not ASCII; hosts are compared in "
                                      "punycode form, so use a domain or wildcard rule")
                    .arg(keyword);
            if (c.isSpace())
                return QStringLiteral("keyword \"%1\" contains white space, which no host "
                                      "contains")
                    .arg(keyword);
        }
        normalizedPattern = keyword;
        literals = QStringList{keyword};
        return {};
    }
    case Rule::Matcher::HostRegex:
    case Rule::Matcher::UrlRegex:
        normalizedPattern = pattern;
        error = compileRegex(pattern, matcher == Rule::Matcher::HostRegex, &shape, &regex);
        literals = shape.requiredLiterals;
        return error;
    case Rule::Matcher::IpCidr:
        cidr = CidrRange::parse(pattern, &error);
        if (error.isEmpty())
            normalizedPattern = cidr.toString();
        return error;
    case Rule::Matcher::Port:
        ports = PortRange::parse(pattern, &error);
        if (error.isEmpty())
            normalizedPattern = ports.toString();
        return error;
    }
    return QStringLiteral("unknown matcher");
}

QString CompiledRule::checkPattern(Rule::Matcher matcher, const QString& pattern)
{
    CompiledRule scratch;
    return scratch.compilePattern(matcher, pattern);
}

bool CompiledRule::matchesScanned(const NormalizedHost& host, quint16 port, const QString& url,
                                  QString* urlSubject) const
{
    switch (rule.matcher) {
    case Rule::Matcher::Wildcard:
        return !host.isIp() && WildcardMatcher::matches(normalizedPattern, host.text);
    case Rule::Matcher::Keyword:
        return !host.isIp() && host.text.contains(normalizedPattern);
    case Rule::Matcher::HostRegex:
        return shape.simple ? shape.matches(host.text) : regex->match(host.text).hasMatch();
    case Rule::Matcher::UrlRegex:
        if (urlSubject->isEmpty())
            *urlSubject = url.isEmpty() ? host.withPort(port) : url;
        return shape.simple ? shape.matches(*urlSubject) : regex->match(*urlSubject).hasMatch();
    case Rule::Matcher::Port:
        return ports.contains(port);
    case Rule::Matcher::ExactHost:
    case Rule::Matcher::Domain:
    case Rule::Matcher::IpCidr:
        break; // answered by the engine's indexes
    }
    return false;
}

} // namespace Switchyard
