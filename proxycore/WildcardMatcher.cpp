#include "WildcardMatcher.h"

#include "NormalizedHost.h"

#include <QStringList>

namespace Switchyard {

bool WildcardMatcher::matches(QStringView pattern, QStringView text)
{
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starP = -1;
    qsizetype starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == u'?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == u'*') {
            starP = p++;
            starT = t;
        } else if (starP >= 0) {
            // Let the last '*' swallow one more character and retry from there.
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == u'*')
        ++p;
    return p == pattern.size();
}

QStringList WildcardMatcher::literals(QStringView pattern)
{
    QStringList runs;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= pattern.size(); ++i) {
        if (i < pattern.size() && pattern[i] != u'*' && pattern[i] != u'?')
            continue;
        if (i > start)
            runs.append(pattern.sliced(start, i - start).toString());
        start = i + 1;
    }
    return runs;
}

QString WildcardMatcher::normalizePattern(QStringView pattern, QString* error)
{
    QStringView view = pattern.trimmed();
    if (view.size() > 1 && view.back() == u'.')
        view.chop(1);
    if (view.isEmpty()) {
        *error = QStringLiteral("empty wildcard pattern");
        return {};
    }
    QStringList labels;
    for (QStringView label : view.split(u'.')) {
        if (label.isEmpty()) {
            *error = QStringLiteral("\"%1\" has an empty label").arg(view.toString());
            return {};
        }
        const bool hasWildcard = label.contains(u'*') || label.contains(u'?');
        bool ascii = true;
        for (QChar c : label)
            ascii = ascii && c.unicode() < 0x80;
        if (!ascii && hasWildcard) {
            *error = QStringLiteral("\"%1\": a wildcard inside an internationalised label "
                                    "cannot be compared with punycode host names")
                         .arg(label.toString());
            return {};
        }
        if (!ascii) {
            const QString ace = NormalizedHost::aceName(label, error);
            if (ace.isEmpty())
                return {};
            labels.append(ace);
            continue;
        }
        const QString lower = label.toString().toLower();
        for (QChar c : lower) {
            const char16_t u = c.unicode();
            const bool ok = (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
                            u == '_' || u == '*' || u == '?';
            if (!ok) {
                *error = QStringLiteral("\"%1\" contains '%2', which no host name can contain")
                             .arg(view.toString(), c);
                return {};
            }
        }
        labels.append(lower);
    }
    return labels.join(u'.');
}

} // namespace Switchyard
