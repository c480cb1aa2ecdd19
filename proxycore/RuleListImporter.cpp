#include "RuleListImporter.h"

#include "CompiledRule.h"

#include <QHostAddress>

namespace Switchyard {

namespace {

// Adblock-style pattern text to a regex: '*' is any text, '^' a separator (anything
// but a letter, digit or _-.%, or the end), everything else literal.
QString globToRegex(QStringView glob)
{
    QString out;
    out.reserve(glob.size() + 8);
    for (QChar c : glob) {
        if (c == u'*')
            out += QStringLiteral(".*");
        else if (c == u'^')
            out += QStringLiteral("(?:[^\\w.%-]|$)");
        else if (QStringView(u"\\^$.|?+()[]{}").contains(c))
            out += u'\\' + QString(c); // only the characters PCRE and JavaScript treat specially
        else
            out += c;
    }
    return out;
}

bool isIpLiteral(QStringView text)
{
    if (text.isEmpty() || !(text.front().isDigit() || text.contains(u':')))
        return false;
    QHostAddress address;
    return address.setAddress(text.toString());
}

bool isLocalHostsName(QStringView name)
{
    static constexpr QStringView names[] = {
        u"localhost",     u"localhost.localdomain", u"local",        u"broadcasthost",
        u"ip6-localhost", u"ip6-loopback",          u"ip6-localnet", u"ip6-mcastprefix",
        u"ip6-allnodes",  u"ip6-allrouters",        u"ip6-allhosts", u"0.0.0.0",
    };
    for (QStringView local : names) {
        if (name.compare(local, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

Rule makeRule(Rule::Matcher matcher, const QString& pattern)
{
    Rule rule;
    rule.matcher = matcher;
    rule.pattern = pattern;
    return rule;
}

// Appends the rule if its pattern is valid, else the reason to problems.
void addChecked(QList<Rule>* rules, QStringList* problems, Rule::Matcher matcher,
                const QString& pattern)
{
    const QString reason = CompiledRule::checkPattern(matcher, pattern);
    if (reason.isEmpty())
        rules->append(makeRule(matcher, pattern));
    else
        problems->append(reason);
}

} // namespace

bool RuleListImporter::decodeBase64(const QByteArray& data, QByteArray* decoded)
{
    QByteArray compact;
    compact.reserve(data.size());
    for (const char c : data) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
        if (!alphabet)
            return false; // includes '.', which any real rule list has and base64 never
    }
    for (const char c : data) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            compact += c;
    }
    if (compact.size() < 8 || compact.size() % 4 != 0)
        return false;
    const auto result =
        QByteArray::fromBase64Encoding(compact, QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return false;
    // Text, not noise: valid UTF-8 with a line break or a dot somewhere.
    const QByteArray& bytes = result.decoded;
    if (!bytes.contains('\n') && !bytes.contains('.'))
        return false;
    QString check = QString::fromUtf8(bytes);
    if (check.contains(QChar::ReplacementCharacter))
        return false;
    *decoded = bytes;
    return true;
}

RuleListImporter::Format RuleListImporter::detectFormat(const QList<QStringView>& lines)
{
    int autoProxy = 0;
    int hostList = 0;
    bool first = true;
    for (QStringView raw : lines) {
        const QStringView line = raw.trimmed();
        if (line.isEmpty())
            continue;
        if (first && line.startsWith(u'[') && line.endsWith(u']'))
            return Format::AutoProxy; // "[AutoProxy 0.2.9]"
        first = false;
        if (line.startsWith(u'!') || line.startsWith(u'|') || line.startsWith(u"@@") ||
            (line.size() > 2 && line.startsWith(u'/') && line.endsWith(u'/')))
            ++autoProxy;
        else if (line.startsWith(u'#'))
            ++hostList;
        else if (const qsizetype space = line.indexOf(u' '); space > 0) {
            if (isIpLiteral(line.first(space)))
                ++hostList;
        }
    }
    return autoProxy > hostList ? Format::AutoProxy : Format::HostList;
}

RuleListImporter::Converted RuleListImporter::convertAutoProxy(QStringView line,
                                                               bool allowException)
{
    Converted out;
    if (line.startsWith(u"@@")) {
        if (!allowException) {
            out.problems.append(QStringLiteral("an exception inside an exception"));
            return out;
        }
        out = convertAutoProxy(line.sliced(2), false);
        out.isException = true;
        return out;
    }
    if (line.contains(u"##") || line.contains(u"#@#") || line.contains(u"#?#")) {
        out.problems.append(QStringLiteral("an Adblock element-hiding rule, not a routing rule"));
        return out;
    }
    if (line.size() > 2 && line.startsWith(u'/') && line.endsWith(u'/')) {
        addChecked(&out.rules, &out.problems, Rule::Matcher::UrlRegex,
                   line.sliced(1, line.size() - 2).toString());
        return out;
    }
    if (line.contains(u'$')) {
        out.problems.append(QStringLiteral("Adblock options (\"$...\") are not supported"));
        return out;
    }
    if (line.startsWith(u"||")) {
        const QStringView rest = line.sliced(2);
        qsizetype hostEnd = rest.size();
        for (const QChar stop : {QChar(u'/'), QChar(u'^'), QChar(u':')}) {
            const qsizetype at = rest.indexOf(stop);
            if (at >= 0 && at < hostEnd)
                hostEnd = at;
        }
        const QStringView host = rest.first(hostEnd);
        const QStringView tail = rest.sliced(hostEnd);
        if (host.isEmpty()) {
            out.problems.append(QStringLiteral("\"||\" without a domain"));
            return out;
        }
        const bool tailIsNothing = tail.isEmpty() || tail == u"/" || tail == u"^";
        if (tailIsNothing && isIpLiteral(host)) {
            addChecked(&out.rules, &out.problems, Rule::Matcher::IpCidr, host.toString());
            return out;
        }
        if (tailIsNothing && !host.contains(u'*')) {
            addChecked(&out.rules, &out.problems, Rule::Matcher::Domain, host.toString());
            return out;
        }
        if (tailIsNothing) {
            // "||*.cdn.example": the domain part may start at any label.
            addChecked(&out.rules, &out.problems, Rule::Matcher::HostRegex,
                       QStringLiteral("^(?:[^.]+\\.)*") + globToRegex(host) + u'$');
            return out;
        }
        addChecked(&out.rules, &out.problems, Rule::Matcher::UrlRegex,
                   QStringLiteral("^http://(?:[^/?#:]*\\.)?") + globToRegex(host) +
                       globToRegex(tail));
        return out;
    }
    if (line.startsWith(u'|')) {
        QStringView rest = line.sliced(1);
        const bool anchoredEnd = rest.endsWith(u'|');
        if (anchoredEnd)
            rest.chop(1);
        if (rest.startsWith(u"http://", Qt::CaseInsensitive)) {
            addChecked(&out.rules, &out.problems, Rule::Matcher::UrlRegex,
                       u'^' + globToRegex(rest) + (anchoredEnd ? QStringLiteral("$") : QString()));
            return out;
        }
        if (rest.startsWith(u"https://", Qt::CaseInsensitive)) {
            QStringView host = rest.sliced(8);
            for (const QChar stop : {QChar(u'/'), QChar(u'?'), QChar(u'#')}) {
                if (const qsizetype at = host.indexOf(stop); at >= 0)
                    host = host.first(at);
            }
            if (host.startsWith(u'[')) {
                if (const qsizetype close = host.indexOf(u']'); close > 0)
                    host = host.sliced(1, close - 1);
            } else if (const qsizetype colon = host.lastIndexOf(u':'); colon >= 0) {
                host = host.first(colon);
            }
            if (host.isEmpty()) {
                out.problems.append(QStringLiteral("an https:// prefix without a host"));
                return out;
            }
            if (isIpLiteral(host))
                addChecked(&out.rules, &out.problems, Rule::Matcher::IpCidr, host.toString());
            else if (host.contains(u'*'))
                addChecked(&out.rules, &out.problems, Rule::Matcher::Wildcard, host.toString());
            else
                addChecked(&out.rules, &out.problems, Rule::Matcher::ExactHost, host.toString());
            return out;
        }
        out.problems.append(
            QStringLiteral("a \"|\" prefix rule must start with http:// or https://"));
        return out;
    }
    // ".example.com" or a plain keyword.
    const QStringView body = line.startsWith(u'.') ? line.sliced(1) : line;
    if (body.isEmpty()) {
        out.problems.append(QStringLiteral("nothing after \".\""));
        return out;
    }
    if (body.contains(u'/') || body.contains(u'*') || body.contains(u'^')) {
        // AutoProxy's own meaning: the http URL contains this text.
        addChecked(&out.rules, &out.problems, Rule::Matcher::UrlRegex,
                   QStringLiteral("^http://.*") + globToRegex(line));
        return out;
    }
    if (isIpLiteral(body)) {
        addChecked(&out.rules, &out.problems, Rule::Matcher::IpCidr, body.toString());
        return out;
    }
    addChecked(&out.rules, &out.problems, Rule::Matcher::Domain, body.toString());
    return out;
}

RuleListImporter::Converted RuleListImporter::convertHostList(QStringView line,
                                                              Rule::Matcher plainHostMatcher)
{
    Converted out;
    QStringView content = line;
    if (const qsizetype hash = content.indexOf(u'#'); hash >= 0)
        content = content.first(hash);
    content = content.trimmed();
    if (content.isEmpty()) {
        out.isComment = true;
        return out;
    }
    QList<QStringView> tokens;
    for (qsizetype i = 0; i < content.size();) {
        while (i < content.size() && content[i].isSpace())
            ++i;
        const qsizetype start = i;
        while (i < content.size() && !content[i].isSpace())
            ++i;
        if (i > start)
            tokens.append(content.sliced(start, i - start));
    }
    QList<QStringView> names;
    bool hostsFile = false;
    if (tokens.size() == 1) {
        names = tokens;
    } else if (tokens.size() >= 2 && isIpLiteral(tokens.front())) {
        hostsFile = true; // "0.0.0.0 ads.example": the address is not what we route on
        names = tokens.mid(1);
    } else {
        out.problems.append(QStringLiteral("expected one host per line, or a hosts-file line "
                                           "(an address followed by names)"));
        return out;
    }
    for (QStringView name : names) {
        if (hostsFile && isLocalHostsName(name)) {
            out.problems.append(QStringLiteral("\"%1\" is a local name from a hosts file; not "
                                               "imported")
                                    .arg(name));
            continue;
        }
        if (name.startsWith(u"*.") && !name.sliced(2).contains(u'*') &&
            !name.sliced(2).contains(u'?')) {
            addChecked(&out.rules, &out.problems, Rule::Matcher::Domain, name.sliced(2).toString());
        } else if (name.startsWith(u'.')) {
            addChecked(&out.rules, &out.problems, Rule::Matcher::Domain, name.sliced(1).toString());
        } else if (name.contains(u'*') || name.contains(u'?')) {
            addChecked(&out.rules, &out.problems, Rule::Matcher::Wildcard, name.toString());
        } else if (!hostsFile && (name.contains(u'/') || isIpLiteral(name))) {
            addChecked(&out.rules, &out.problems, Rule::Matcher::IpCidr, name.toString());
        } else {
            addChecked(&out.rules, &out.problems, plainHostMatcher, name.toString());
        }
    }
    return out;
}

RuleListImporter::Result RuleListImporter::import(const QByteArray& data, const Options& options)
{
    Result result;
    QByteArray bytes = data;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    QByteArray decoded;
    if (decodeBase64(bytes, &decoded)) {
        result.base64 = true;
        bytes = decoded;
    }
    const QString text = QString::fromUtf8(bytes);
    QList<QStringView> lines = QStringView(text).split(u'\n');
    if (!lines.isEmpty() && lines.back().trimmed().isEmpty() && text.endsWith(u'\n'))
        lines.removeLast(); // the final newline ends the last line, it does not start one
    result.lines = int(lines.size());
    result.format = options.format == Format::Auto ? detectFormat(lines) : options.format;
    const bool autoProxy = result.format == Format::AutoProxy;

    QList<Rule> exceptions;
    QList<Rule> others;
    bool firstContent = true;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNumber = int(i + 1);
        const QStringView line = lines.at(i).trimmed();
        if (line.isEmpty()) {
            ++result.blankLines;
            continue;
        }
        Converted converted;
        if (autoProxy) {
            const bool header = line.startsWith(u'[') && line.endsWith(u']');
            if (header && !firstContent) {
                result.issues.append({lineNumber, line.toString(),
                                      QStringLiteral("a section header is only allowed on the "
                                                     "first line")});
                continue;
            }
            firstContent = false;
            if (header || line.startsWith(u'!')) {
                ++result.commentLines;
                continue;
            }
            converted = convertAutoProxy(line);
        } else {
            converted = convertHostList(line, options.plainHostMatcher);
            if (converted.isComment) {
                ++result.commentLines;
                continue;
            }
        }
        for (const QString& problem : std::as_const(converted.problems))
            result.issues.append({lineNumber, line.toString(), problem});
        if (converted.rules.isEmpty())
            continue;
        ++result.ruleLines;
        for (Rule& rule : converted.rules) {
            rule.action = converted.isException ? options.exceptionAction : options.action;
            if (!options.source.isEmpty())
                rule.comment = QStringLiteral("%1 line %2").arg(options.source).arg(lineNumber);
            (converted.isException ? exceptions : others).append(rule);
        }
    }
    result.rules = exceptions + others;
    return result;
}

} // namespace Switchyard
