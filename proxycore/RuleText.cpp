#include "RuleText.h"

namespace Switchyard {

namespace {

struct MatcherName
{
    Rule::Matcher matcher;
    const char16_t* name;
};

constexpr MatcherName matcherNames[] = {
    {Rule::Matcher::ExactHost, u"host"},       {Rule::Matcher::Domain, u"domain"},
    {Rule::Matcher::Wildcard, u"wildcard"},    {Rule::Matcher::Keyword, u"keyword"},
    {Rule::Matcher::HostRegex, u"host-regex"}, {Rule::Matcher::UrlRegex, u"url-regex"},
    {Rule::Matcher::IpCidr, u"cidr"},          {Rule::Matcher::Port, u"port"},
};

constexpr QStringView directText = u"direct";
constexpr QStringView blockText = u"block";
constexpr QStringView proxyPrefix = u"proxy:";
constexpr QStringView proxyIdPrefix = u"proxy-id:";
constexpr QStringView disabledPrefix = u"disabled";

// The name RuleText prints for the action's profile; empty if it does not exist.
QString profileNameOf(const RouteAction& action, const QList<UpstreamProfile>& profiles)
{
    if (action.kind != RouteAction::Kind::Profile)
        return {};
    for (const UpstreamProfile& profile : profiles) {
        if (profile.id == action.profileId)
            return profile.name.isEmpty() ? profile.id : profile.name; // nameless: its id
    }
    return {};
}

// Reads a token at the start of *text: a quoted string or everything up to the
// first white space. Advances *text past it.
bool readToken(QStringView* text, QString* token, QString* error)
{
    QStringView in = *text;
    token->clear();
    if (in.startsWith(u'"')) {
        qsizetype i = 1;
        for (; i < in.size(); ++i) {
            const QChar c = in[i];
            if (c == u'\\' && i + 1 < in.size()) {
                token->append(in[++i]);
            } else if (c == u'"') {
                *text = in.sliced(i + 1);
                return true;
            } else {
                token->append(c);
            }
        }
        *error = QStringLiteral("unterminated quoted text");
        return false;
    }
    qsizetype end = 0;
    while (end < in.size() && !in[end].isSpace())
        ++end;
    *token = in.first(end).toString();
    *text = in.sliced(end);
    return true;
}

} // namespace

QString RuleText::matcherName(Rule::Matcher matcher)
{
    for (const MatcherName& entry : matcherNames) {
        if (entry.matcher == matcher)
            return QString::fromUtf16(entry.name);
    }
    return {};
}

bool RuleText::matcherFromName(QStringView name, Rule::Matcher* matcher)
{
    for (const MatcherName& entry : matcherNames) {
        if (name.compare(QStringView(entry.name), Qt::CaseInsensitive) == 0) {
            *matcher = entry.matcher;
            return true;
        }
    }
    return false;
}

QString RuleText::quoteIfNeeded(const QString& text)
{
    bool needsQuotes = text.isEmpty() || text.startsWith(u'"');
    for (qsizetype i = 0; i < text.size() && !needsQuotes; ++i)
        needsQuotes = text.at(i).isSpace();
    if (!needsQuotes)
        return text;
    QString out;
    out.reserve(text.size() + 2);
    out += u'"';
    for (QChar c : text) {
        if (c == u'"' || c == u'\\')
            out += u'\\';
        out += c;
    }
    out += u'"';
    return out;
}

QString RuleText::formatAction(const RouteAction& action, const QString& profileName)
{
    switch (action.kind) {
    case RouteAction::Kind::Direct:
        return directText.toString();
    case RouteAction::Kind::Block:
        return blockText.toString();
    case RouteAction::Kind::Profile:
        if (profileName.isEmpty())
            return proxyIdPrefix.toString() + quoteIfNeeded(action.profileId);
        return proxyPrefix.toString() + quoteIfNeeded(profileName);
    }
    return {};
}

QString RuleText::formatAction(const RouteAction& action, const QList<UpstreamProfile>& profiles)
{
    return formatAction(action, profileNameOf(action, profiles));
}

QString RuleText::format(const Rule& rule, const QString& profileName)
{
    QString out;
    if (!rule.enabled)
        out += disabledPrefix.toString() + u' ';
    out += matcherName(rule.matcher) + u':' + quoteIfNeeded(rule.pattern) + QStringLiteral(" -> ") +
           formatAction(rule.action, profileName);
    return out;
}

QString RuleText::format(const Rule& rule, const QList<UpstreamProfile>& profiles)
{
    return format(rule, profileNameOf(rule.action, profiles));
}

bool RuleText::parseAction(QStringView text, const QList<UpstreamProfile>& profiles,
                           RouteAction* out, QString* error)
{
    const QStringView trimmed = text.trimmed();
    if (trimmed.compare(directText, Qt::CaseInsensitive) == 0) {
        *out = RouteAction::direct();
        return true;
    }
    if (trimmed.compare(blockText, Qt::CaseInsensitive) == 0) {
        *out = RouteAction::block();
        return true;
    }
    const bool byId = trimmed.startsWith(proxyIdPrefix, Qt::CaseInsensitive);
    if (!byId && !trimmed.startsWith(proxyPrefix, Qt::CaseInsensitive)) {
        *error = QStringLiteral("unknown action \"%1\": use direct, block, proxy:<profile "
                                "name> or proxy-id:<profile id>")
                     .arg(trimmed);
        return false;
    }
    QStringView rest = trimmed.sliced(byId ? proxyIdPrefix.size() : proxyPrefix.size());
    QString reference;
    if (rest.startsWith(u'"')) {
        if (!readToken(&rest, &reference, error))
            return false;
        if (!rest.trimmed().isEmpty()) {
            *error = QStringLiteral("unexpected text after the profile: \"%1\"").arg(rest);
            return false;
        }
    } else {
        reference = rest.toString(); // unquoted: the rest of the line, inner spaces and all
    }
    if (reference.isEmpty()) {
        *error = QStringLiteral("no profile after \"%1\"").arg(byId ? proxyIdPrefix : proxyPrefix);
        return false;
    }
    if (byId) {
        *out = RouteAction::through(reference);
        return true;
    }
    const UpstreamProfile* found = nullptr;
    for (const UpstreamProfile& profile : profiles) {
        if (profile.name != reference)
            continue;
        if (found) {
            *error = QStringLiteral("more than one profile is named \"%1\"; use proxy-id:<id>")
                         .arg(reference);
            return false;
        }
        found = &profile;
    }
    if (!found) {
        for (const UpstreamProfile& profile : profiles) {
            if (profile.id == reference)
                found = &profile;
        }
    }
    if (!found) {
        *error = QStringLiteral("no profile is named \"%1\"").arg(reference);
        return false;
    }
    *out = RouteAction::through(found->id);
    return true;
}

bool RuleText::parse(QStringView text, const QList<UpstreamProfile>& profiles, Rule* out,
                     QString* error)
{
    QStringView rest = text.trimmed();
    Rule rule;
    if (rest.startsWith(disabledPrefix, Qt::CaseInsensitive) &&
        rest.size() > disabledPrefix.size() && rest[disabledPrefix.size()].isSpace()) {
        rule.enabled = false;
        rest = rest.sliced(disabledPrefix.size()).trimmed();
    }
    const qsizetype colon = rest.indexOf(u':');
    if (colon <= 0) {
        *error = QStringLiteral("expected <matcher>:<pattern> -> <action>, e.g. "
                                "\"domain:example.com -> direct\"");
        return false;
    }
    if (!matcherFromName(rest.first(colon), &rule.matcher)) {
        *error = QStringLiteral("unknown matcher \"%1\": use host, domain, wildcard, keyword, "
                                "host-regex, url-regex, cidr or port")
                     .arg(rest.first(colon));
        return false;
    }
    rest = rest.sliced(colon + 1);
    if (!readToken(&rest, &rule.pattern, error))
        return false;
    rest = rest.trimmed();
    if (!rest.startsWith(u"->")) {
        *error = rest.isEmpty() ? QStringLiteral("missing \"-> <action>\" after the pattern")
                                : QStringLiteral("expected \"->\" after the pattern, found \"%1\""
                                                 " (quote a pattern that contains spaces)")
                                      .arg(rest);
        return false;
    }
    if (!parseAction(rest.sliced(2), profiles, &rule.action, error))
        return false;
    *out = rule;
    return true;
}

} // namespace Switchyard
