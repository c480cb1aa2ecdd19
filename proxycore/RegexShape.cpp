#include "RegexShape.h"

namespace Switchyard {

namespace {

bool isAsciiAlnum(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

bool isMeta(QChar c)
{
    return QStringView(u"\\^$.|?*+()[]{}").contains(c);
}

bool parseSimple(const QString& p, RegexShape* shape)
{
    qsizetype i = 0;
    const qsizetype n = p.size();
    if (i < n && p[i] == u'^') {
        shape->anchoredStart = true;
        ++i;
    }
    QString current;
    while (i < n) {
        const QChar c = p[i];
        if (c == u'\\') {
            if (i + 1 >= n || isAsciiAlnum(p[i + 1]))
                return false; // \d, \b, \x.., back-references: not a literal
            current += p[i + 1];
            i += 2;
        } else if (c == u'.' && i + 1 < n && p[i + 1] == u'*') {
            shape->pieces.append(current);
            current.clear();
            i += 2;
            if (i < n && p[i] == u'?')
                ++i; // lazy or greedy, a boolean match is the same
        } else if (c == u'$' && i == n - 1) {
            shape->anchoredEnd = true;
            ++i;
        } else if (isMeta(c)) {
            return false;
        } else {
            current += c;
            ++i;
        }
    }
    shape->pieces.append(current);
    return true;
}

// Skips a character class starting at p[i] == '['; returns the index after it, or
// -1 when it is not something we read with confidence.
qsizetype skipClass(const QString& p, qsizetype i)
{
    qsizetype j = i + 1;
    if (j < p.size() && p[j] == u'^')
        ++j;
    if (j < p.size() && p[j] == u']')
        ++j;
    while (j < p.size() && p[j] != u']') {
        if (p[j] == u'\\')
            ++j;
        else if (p[j] == u'[' && j + 1 < p.size() && p[j + 1] == u':')
            return -1; // POSIX class
        ++j;
    }
    return j < p.size() ? j + 1 : -1;
}

// Skips a group starting at p[i] == '(' with everything nested in it.
qsizetype skipGroup(const QString& p, qsizetype i)
{
    int depth = 0;
    qsizetype j = i;
    while (j < p.size()) {
        const QChar c = p[j];
        if (c == u'\\') {
            j += 2;
            continue;
        }
        if (c == u'[') {
            j = skipClass(p, j);
            if (j < 0)
                return -1;
            continue;
        }
        if (c == u'(')
            ++depth;
        else if (c == u')' && --depth == 0)
            return j + 1;
        ++j;
    }
    return -1;
}

// Substrings every match must contain: the runs of consecutive mandatory literal
// characters at the top level. None whenever the pattern has a construct we do not
// model (top-level alternation, inline options, \Q..\E, ...).
QStringList findRequiredLiterals(const QString& p, bool caseInsensitive)
{
    QStringList runs;
    QString current;
    bool lastAtomLiteral = false;
    const auto breakRun = [&] {
        if (!current.isEmpty())
            runs.append(current);
        current.clear();
        lastAtomLiteral = false;
    };
    const auto literal = [&](QChar c) {
        current += caseInsensitive ? c.toLower() : c;
        lastAtomLiteral = true;
    };
    // After a quantifier, a lazy '?' or possessive '+' belongs to it.
    const auto skipModifier = [&](qsizetype j) {
        return j < p.size() && (p[j] == u'?' || p[j] == u'+') ? j + 1 : j;
    };
    qsizetype i = 0;
    while (i < p.size()) {
        const QChar c = p[i];
        if (c == u'\\') {
            if (i + 1 >= p.size())
                return {};
            const QChar d = p[i + 1];
            if (!isAsciiAlnum(d)) {
                literal(d);
            } else if (QStringView(u"dDwWsSbBAzZGhHvVRN").contains(d)) {
                breakRun();
            } else {
                return {};
            }
            i += 2;
        } else if (c == u'[') {
            breakRun();
            i = skipClass(p, i);
            if (i < 0)
                return {};
        } else if (c == u'(') {
            if (i + 2 < p.size() && p[i + 1] == u'?' &&
                (p[i + 2].isLetter() || p[i + 2] == u'-' || p[i + 2] == u'^'))
                return {}; // inline options change what the rest means
            breakRun();
            i = skipGroup(p, i);
            if (i < 0)
                return {};
        } else if (c == u'*' || c == u'?') {
            if (lastAtomLiteral)
                current.chop(1); // the atom may be absent
            breakRun();
            i = skipModifier(i + 1);
        } else if (c == u'+') {
            breakRun(); // the atom is there at least once, but the run cannot go on
            i = skipModifier(i + 1);
        } else if (c == u'{') {
            qsizetype j = i + 1;
            qsizetype digits = 0;
            int minimum = 0;
            while (j < p.size() && p[j].isDigit() && p[j] <= u'9') {
                minimum = std::min(minimum * 10 + (p[j].unicode() - '0'), 100000);
                ++j;
                ++digits;
            }
            if (j < p.size() && p[j] == u',') {
                ++j;
                while (j < p.size() && p[j].isDigit())
                    ++j;
            }
            if (digits == 0 || j >= p.size() || p[j] != u'}')
                return {}; // a literal '{' in PCRE: not worth modelling
            if (minimum == 0 && lastAtomLiteral)
                current.chop(1);
            breakRun();
            i = skipModifier(j + 1);
        } else if (c == u'|' || c == u')' || c == u']' || c == u'}') {
            return {};
        } else if (c == u'^' || c == u'$' || c == u'.') {
            breakRun();
            ++i;
        } else {
            literal(c);
            ++i;
        }
    }
    breakRun();
    return runs;
}

} // namespace

RegexShape RegexShape::analyze(const QString& pattern, bool caseInsensitive)
{
    RegexShape shape;
    shape.caseSensitivity = caseInsensitive ? Qt::CaseInsensitive : Qt::CaseSensitive;
    if (parseSimple(pattern, &shape)) {
        shape.simple = true;
        for (const QString& piece : std::as_const(shape.pieces)) {
            if (!piece.isEmpty())
                shape.requiredLiterals.append(caseInsensitive ? piece.toLower() : piece);
        }
        return shape;
    }
    shape = RegexShape();
    shape.caseSensitivity = caseInsensitive ? Qt::CaseInsensitive : Qt::CaseSensitive;
    shape.requiredLiterals = findRequiredLiterals(pattern, caseInsensitive);
    return shape;
}

bool RegexShape::matches(QStringView subject) const
{
    qsizetype position = 0;
    for (qsizetype j = 0; j < pieces.size(); ++j) {
        const QString& piece = pieces.at(j);
        const bool first = j == 0;
        const bool last = j == pieces.size() - 1;
        if (first && anchoredStart) {
            if (!subject.startsWith(piece, caseSensitivity))
                return false;
            position = piece.size();
            if (last)
                return !anchoredEnd || subject.size() == piece.size();
            continue;
        }
        if (last && anchoredEnd) {
            return subject.size() - piece.size() >= position &&
                   subject.endsWith(piece, caseSensitivity);
        }
        const qsizetype at = subject.indexOf(piece, position, caseSensitivity);
        if (at < 0)
            return false;
        position = at + piece.size();
    }
    return true;
}

} // namespace Switchyard
