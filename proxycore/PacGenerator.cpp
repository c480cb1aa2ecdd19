#include "PacGenerator.h"

#include "RuleEngine.h"
#include "RuleText.h"

#include <map>

namespace Switchyard {

namespace {

// Answer slots in the generated swAnswers array; rule values are index * 4 + slot,
// so comparing values compares rule positions.
constexpr int answerDirect = 0;
constexpr int answerProxy = 1;
constexpr int answerBlock = 2;

// Kinds of swScan entries.
constexpr int scanWildcard = 1;
constexpr int scanKeyword = 2;
constexpr int scanHostRegex = 3;
constexpr int scanUrlRegex = 4;
constexpr int scanPort = 5;
constexpr int scanDefer = 6;

// The fixed part of the PAC: ES3 only (pacparser and older engines), no
// Object.create, JSON or let. Object keys carry a leading "." so that no host can
// collide with a built-in property such as "__proto__"; lookups go through
// hasOwnProperty for the same reason.
constexpr char pacFunctions[] = R"JS(
var swHop = Object.prototype.hasOwnProperty;

// A regex this JavaScript engine rejects must not break the whole file (browsers
// then go DIRECT for everything): it becomes null, and a rule holding null hands
// the request to Switchyard, which decides exactly.
function swRe(pattern, flags) {
  try {
    return new RegExp(pattern, flags);
  } catch (e) {
    return null;
  }
}

function swHost(host) {
  var h = ("" + host).toLowerCase();
  if (h.length > 1 && h.charAt(0) == "[" && h.charAt(h.length - 1) == "]")
    h = h.substring(1, h.length - 1);
  if (h.length > 1 && h.charAt(h.length - 1) == ".")
    h = h.substring(0, h.length - 1);
  if (h.indexOf(":") >= 0 && h.indexOf("%") >= 0)
    h = h.substring(0, h.indexOf("%"));
  return h;
}

function swParse4(h) {
  var m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return -1;
  var n = 0;
  for (var i = 1; i <= 4; i++) {
    var part = parseInt(m[i], 10);
    if (part > 255) return -1;
    n = n * 256 + part;
  }
  return n;
}

function swParse6(h) {
  if (h.indexOf(":") < 0) return null;
  var last = h.lastIndexOf(":");
  if (h.indexOf(".", last) > 0) {
    var n = swParse4(h.substring(last + 1));
    if (n < 0) return null;
    h = h.substring(0, last + 1) + Math.floor(n / 65536).toString(16) + ":" + (n % 65536).toString(16);
  }
  var groups, i, out = "";
  var dbl = h.indexOf("::");
  if (dbl >= 0) {
    if (h.indexOf("::", dbl + 1) >= 0) return null;
    var head = dbl == 0 ? [] : h.substring(0, dbl).split(":");
    var tail = dbl + 2 >= h.length ? [] : h.substring(dbl + 2).split(":");
    if (head.length + tail.length > 7) return null;
    groups = head;
    for (i = head.length + tail.length; i < 8; i++) groups.push("0");
    groups = groups.concat(tail);
  } else {
    groups = h.split(":");
    if (groups.length != 8) return null;
  }
  for (i = 0; i < 8; i++) {
    if (!/^[0-9a-f]{1,4}$/.test(groups[i])) return null;
    out += "0000".substring(groups[i].length) + groups[i];
  }
  return out;
}

function swPort(url) {
  var m = /^([a-z][a-z0-9+.\-]*):\/\/(?:[^\/?#@]*@)?(\[[^\]]*\]|[^\/?#:]*)(?::(\d+))?/i.exec(url);
  if (!m) return 0;
  if (m[3]) return parseInt(m[3], 10);
  var s = m[1].toLowerCase();
  if (s == "http" || s == "ws") return 80;
  if (s == "https" || s == "wss") return 443;
  if (s == "ftp") return 21;
  return 0;
}

function FindProxyForURL(url, host) {
  var h = swHost(host), best = 2147483647, i, k, t, s, n;
  var v4 = swParse4(h), v6 = null;
  if (v4 < 0) {
    v6 = swParse6(h);
    if (v6 !== null && v6.substring(0, 24) == "00000000000000000000ffff") {
      v4 = parseInt(v6.substring(24), 16);
      v6 = null;
      h = Math.floor(v4 / 16777216) + "." + (Math.floor(v4 / 65536) % 256) + "." +
          (Math.floor(v4 / 256) % 256) + "." + (v4 % 256);
    }
  }
  var isIp = v4 >= 0 || v6 !== null;
  if (v4 >= 0) {
    for (i = 0; i < swCidr4.length; i++) {
      t = swCidr4[i];
      n = t[0] == 0 ? 0 : (v4 - (v4 % Math.pow(2, 32 - t[0])));
      k = "" + n;
      if (swHop.call(t[1], k) && t[1][k] < best) best = t[1][k];
    }
  } else if (v6 !== null) {
    for (i = 0; i < swCidr6.length; i++) {
      t = swCidr6[i];
      n = t[0] >> 2;
      k = v6.substring(0, n);
      if (t[0] & 3)
        k += (parseInt(v6.charAt(n), 16) & (15 << (4 - (t[0] & 3))) & 15).toString(16);
      if (swHop.call(t[1], k) && t[1][k] < best) best = t[1][k];
    }
  } else if (h.length > 0) {
    k = "." + h;
    if (swHop.call(swExact, k)) best = swExact[k];
    if (swHop.call(swDomain, k) && swDomain[k] < best) best = swDomain[k];
    for (i = h.indexOf("."); i >= 0 && i + 1 < h.length; i = h.indexOf(".", i + 1)) {
      k = h.substring(i);
      if (swHop.call(swDomain, k) && swDomain[k] < best) best = swDomain[k];
    }
  }
  var port = -1, subject = null;
  for (i = 0; i < swScan.length; i++) {
    s = swScan[i];
    if (s[0] >= best) break;
    t = s[1];
    if (t == 6 || ((t == 1 || t == 3 || t == 4) && s[2] === null)) {
      best = s[0] - s[0] % 4 + 1;
      break;
    }
    if (t == 1) { if (!isIp && s[2].test(h)) { best = s[0]; break; } continue; }
    if (t == 2) { if (!isIp && h.indexOf(s[2]) >= 0) { best = s[0]; break; } continue; }
    if (t == 3) { if (s[2].test(h)) { best = s[0]; break; } continue; }
    if (port < 0) port = swPort(url);
    if (t == 5) { if (port > 0 && port >= s[2] && port <= s[3]) { best = s[0]; break; } continue; }
    if (subject === null) {
      if (/^http:\/\//i.test(url)) subject = url;
      else subject = (v6 !== null ? "[" + h + "]" : h) + ":" + port;
    }
    if (s[2].test(subject)) { best = s[0]; break; }
  }
  if (best == 2147483647) return swAnswers[swDefault];
  return swAnswers[best % 4];
}
)JS";

QByteArray jsString(const QString& text)
{
    QByteArray out;
    out.reserve(text.size() + 2);
    out += '"';
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == '"' || u == '\\') {
            out += '\\';
            out += char(u);
        } else if (u < 0x20 || u > 0x7e) {
            out += "\\u";
            out += QByteArray::number(u, 16).rightJustified(4, '0');
        } else {
            out += char(u);
        }
    }
    out += '"';
    return out;
}

int answerOf(const RouteAction& action)
{
    switch (action.kind) {
    case RouteAction::Kind::Direct:
        return answerDirect;
    case RouteAction::Kind::Profile:
        return answerProxy;
    case RouteAction::Kind::Block:
        return answerBlock;
    }
    return answerBlock;
}

QByteArray valueOf(const CompiledRule& rule)
{
    return QByteArray::number(qint64(rule.index) * 4 + answerOf(rule.action));
}

QByteArray regexLiteral(const QString& pattern, bool caseInsensitive)
{
    QString body = pattern;
    if (body.startsWith(u"(?i)")) {
        body = body.mid(4);
        caseInsensitive = true;
    }
    return "swRe(" + jsString(body) + (caseInsensitive ? ", \"i\")" : ", \"\")");
}

QByteArray wildcardRegex(const QString& pattern)
{
    QString regex = QStringLiteral("^");
    for (const QChar c : pattern) {
        if (c == u'*')
            regex += QStringLiteral(".*");
        else if (c == u'?')
            regex += u'.';
        else if (c == u'.')
            regex += QStringLiteral("\\.");
        else
            regex += c; // normalised wildcards hold only [a-z0-9_-]
    }
    regex += u'$';
    return "swRe(" + jsString(regex) + ", \"\")";
}

QString hexNibbles(const std::array<quint8, 16>& address)
{
    QString out;
    out.reserve(32);
    for (const quint8 byte : address) {
        out += QChar(u"0123456789abcdef"[byte >> 4]);
        out += QChar(u"0123456789abcdef"[byte & 15]);
    }
    return out;
}

bool isHexDigit(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

bool isAsciiLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

} // namespace

QString PacGenerator::javaScriptIncompatibility(const QString& pattern)
{
    QStringView p(pattern);
    if (p.startsWith(u"(?i)"))
        p = p.sliced(4);
    bool inClass = false;
    for (qsizetype i = 0; i < p.size(); ++i) {
        const QChar c = p[i];
        const QChar next = i + 1 < p.size() ? p[i + 1] : QChar();
        if (c == u'\\') {
            if (next.isNull())
                return QStringLiteral("a trailing backslash");
            if (isAsciiLetter(next)) {
                if (next == u'x') {
                    const bool twoHex =
                        i + 3 < p.size() && isHexDigit(p[i + 2]) && isHexDigit(p[i + 3]);
                    if (!twoHex)
                        return QStringLiteral("\\x is not followed by two hex digits");
                } else if (!QStringView(u"dDwWsSbBnrtfc").contains(next)) {
                    return QStringLiteral("the escape \\%1").arg(next);
                }
            } else if (next.isDigit() && i + 2 < p.size() && p[i + 2].isDigit()) {
                return QStringLiteral("a multi-digit escape (octal or back-reference)");
            }
            ++i;
            continue;
        }
        if (inClass) {
            if (c == u'[' && next == u':')
                return QStringLiteral("a POSIX character class");
            if (c == u']')
                inClass = false;
            continue;
        }
        if (c == u'[') {
            inClass = true;
            qsizetype j = i + 1;
            if (j < p.size() && p[j] == u'^')
                ++j;
            if (j < p.size() && p[j] == u']')
                return QStringLiteral("a ']' first in a character class");
            i = j - 1;
            continue;
        }
        if (c == u'(' && next == u'?') {
            const QChar kind = i + 2 < p.size() ? p[i + 2] : QChar();
            if (kind != u':' && kind != u'=' && kind != u'!')
                return QStringLiteral("the group syntax (?%1").arg(kind);
            continue;
        }
        if ((c == u'*' || c == u'+' || c == u'?' || c == u'}') && next == u'+')
            return QStringLiteral("a possessive quantifier");
        if (c == u'{') {
            qsizetype j = i + 1;
            while (j < p.size() && p[j].isDigit())
                ++j;
            const bool digitsFirst = j > i + 1;
            if (j < p.size() && p[j] == u',') {
                ++j;
                while (j < p.size() && p[j].isDigit())
                    ++j;
            }
            if (!digitsFirst || j >= p.size() || p[j] != u'}')
                return QStringLiteral("a '{' that is not a {n,m} quantifier");
        }
    }
    return {};
}

PacGenerator::Result PacGenerator::generate(const RuleEngine& engine, const Options& options)
{
    Result result;
    const QString proxyRoute = (options.proxyType == ProxyType::Socks5 ? QStringLiteral("SOCKS5 ")
                                                                       : QStringLiteral("PROXY ")) +
                               options.proxyHostPort;
    const QString blockRoute =
        options.blockStyle == BlockStyle::Blackhole ? blackholeRoute() : proxyRoute;

    QByteArray exact;
    QByteArray domain;
    std::map<int, QByteArray> cidr4; // prefix length -> object body
    std::map<int, QByteArray> cidr6;
    QByteArray scan;
    const auto appendEntry = [](QByteArray* object, const QByteArray& key,
                                const QByteArray& value) {
        if (!object->isEmpty())
            *object += ",\n";
        *object += key + ':' + value;
    };

    for (const CompiledRule& rule : engine.rules()) {
        if (!rule.active)
            continue;
        const QByteArray value = valueOf(rule);
        QByteArray entry;
        switch (rule.rule.matcher) {
        case Rule::Matcher::ExactHost:
            appendEntry(&exact, jsString(u'.' + rule.normalizedPattern), value);
            continue;
        case Rule::Matcher::Domain:
            appendEntry(&domain, jsString(u'.' + rule.normalizedPattern), value);
            continue;
        case Rule::Matcher::IpCidr:
            if (rule.cidr.isV6) {
                const int length = rule.cidr.prefixLength;
                const QString key = hexNibbles(rule.cidr.v6).left((length + 3) / 4);
                appendEntry(&cidr6[length], jsString(key), value);
            } else {
                appendEntry(&cidr4[rule.cidr.prefixLength], jsString(QString::number(rule.cidr.v4)),
                            value);
            }
            continue;
        case Rule::Matcher::Wildcard:
            entry = QByteArray::number(scanWildcard) + ',' + wildcardRegex(rule.normalizedPattern);
            break;
        case Rule::Matcher::Keyword:
            entry = QByteArray::number(scanKeyword) + ',' + jsString(rule.normalizedPattern);
            break;
        case Rule::Matcher::Port:
            entry = QByteArray::number(scanPort) + ',' + QByteArray::number(rule.ports.low) + ',' +
                    QByteArray::number(rule.ports.high);
            break;
        case Rule::Matcher::HostRegex:
        case Rule::Matcher::UrlRegex: {
            const QString problem = javaScriptIncompatibility(rule.normalizedPattern);
            const bool host = rule.rule.matcher == Rule::Matcher::HostRegex;
            if (problem.isEmpty()) {
                entry = QByteArray::number(host ? scanHostRegex : scanUrlRegex) + ',' +
                        regexLiteral(rule.normalizedPattern, host);
                break;
            }
            // The browser cannot evaluate it: hand whatever reaches this rule to
            // Switchyard, whose engine gives the exact answer.
            ++result.deferredRules;
            result.notes.append(QStringLiteral("rule #%1 %2: %3 has no JavaScript equivalent; "
                                               "requests reaching it go to Switchyard, which "
                                               "decides")
                                    .arg(rule.index + 1)
                                    .arg(rule.text, problem));
            scan += "[" + QByteArray::number(qint64(rule.index) * 4 + answerProxy) + ',' +
                    QByteArray::number(scanDefer) + "],\n";
            continue;
        }
        }
        scan += '[' + value + ',' + entry + "],\n";
    }
    if (scan.endsWith(",\n"))
        scan.chop(2);

    QByteArray& out = result.script;
    out += "// Proxy auto-config generated by Switchyard " SWITCHYARD_VERSION " from ";
    out += QByteArray::number(qsizetype(engine.rules().size()));
    out += " rules.\n// Rule values are (rule position * 4 + answer slot); the lowest "
           "matching position wins,\n// as in Switchyard's own rule engine.\n";
    for (const QString& note : std::as_const(result.notes)) {
        // Comments stay ASCII (and on one line) like the rest of the file.
        QByteArray line;
        for (const QChar c : note)
            line += c.unicode() >= 0x20 && c.unicode() < 0x7f ? char(c.unicode()) : '?';
        out += "// " + line + '\n';
    }
    out += pacFunctions;
    out += "\n// The rules.\n";
    out += "var swAnswers = [" + jsString(QStringLiteral("DIRECT")) + ", " + jsString(proxyRoute) +
           ", " + jsString(blockRoute) + "];\n";
    out += "var swDefault = " + QByteArray::number(answerOf(engine.defaultRule().action)) + ";\n";
    out += "var swExact = {\n" + exact + "\n};\n";
    out += "var swDomain = {\n" + domain + "\n};\n";
    const auto writeTables = [&out](const char* name, const std::map<int, QByteArray>& tables) {
        out += "var ";
        out += name;
        out += " = [";
        bool first = true;
        for (const auto& [length, body] : tables) {
            out += first ? "\n" : ",\n";
            first = false;
            out += '[' + QByteArray::number(length) + ", {\n" + body + "\n}]";
        }
        out += "];\n";
    };
    writeTables("swCidr4", cidr4);
    writeTables("swCidr6", cidr6);
    out += "var swScan = [\n" + scan + "\n];\n";
    return result;
}

} // namespace Switchyard
