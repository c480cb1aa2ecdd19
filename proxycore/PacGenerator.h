#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Switchyard {

class RuleEngine;

/// Writes a proxy auto-config file (JavaScript FindProxyForURL(url, host)) that
/// gives the same decisions as a RuleEngine, so a browser or the OS can follow the
/// rules without sending everything through Switchyard:
///  - routed through a profile -> "PROXY <Switchyard>" (or "SOCKS5 <Switchyard>"):
///    Switchyard itself then picks the exit;
///  - direct -> "DIRECT";
///  - blocked (including a rule whose profile is missing) -> by default
///    "PROXY 127.0.0.1:9" and nothing after it. Port 9 (discard) on loopback has no
///    listener on a desktop, so the connection is refused at once, and with no
///    fallback in the list the browser shows a proxy error instead of going direct.
///    BlockStyle::ThroughSwitchyard sends blocked traffic to Switchyard instead, which
///    answers 403 naming the rule: clearer, and safe from browsers configured to
///    fall back to DIRECT when every proxy fails, but it needs Switchyard running,
///    which the live /proxy.pac does anyway (an exported file may outlive it).
///
/// The file stays small and fast for big lists: exact and domain rules are object
/// lookups per host suffix, CIDR rules one lookup per prefix length, and only
/// wildcard/keyword/regex/port rules are tested one by one, in order and only up to
/// the best position the lookups found, with the same first-match result as
/// RuleEngine::decide. (The browser has no literal index: thousands of such rules,
/// e.g. the URL-prefix lines of a gfwlist, cost it a regex test each on a miss.)
///
/// What a PAC can and cannot reproduce. PAC gets the host without a port and, for
/// https, a URL without path or query (browsers strip it). Port rules use the port
/// in the URL or the scheme's default, which is the port the browser would connect
/// to; URL regex rules see the full URL for http and "host:port" for every other
/// scheme, which is what the engine sees for the tunnel the browser would open. So
/// both give the engine's decision wherever the information exists. What differs:
///  - regexes are evaluated by the browser's JavaScript engine, not PCRE: a regex
///    using syntax JavaScript lacks (lookbehind, named groups, possessive
///    quantifiers, \A, \z, inline flags other than a leading (?i), ...) is not
///    translated; when such a rule is reached the PAC sends the request to
///    Switchyard, which decides exactly ("deferred" rules, listed in notes). A regex
///    the browser's engine still rejects is caught (try/catch) and deferred the same
///    way, so one bad pattern never makes the whole file fail, which browsers
///    answer by going DIRECT for everything;
///  - hosts are expected as browsers pass them: punycode, canonical IP text
///    (browsers canonicalise 0x7f.1 to 127.0.0.1 before calling the PAC).
class PacGenerator
{
public:
    enum class ProxyType { Http, Socks5 };
    enum class BlockStyle { Blackhole, ThroughSwitchyard };

    struct Options
    {
        /// Where clients reach Switchyard: "127.0.0.1:8877", "[::1]:8877". When the
        /// listener is bound to any address, use the address the PAC was fetched on.
        QString proxyHostPort;
        ProxyType proxyType = ProxyType::Http;
        BlockStyle blockStyle = BlockStyle::Blackhole;
    };

    struct Result
    {
        QByteArray script; ///< UTF-8 (in fact ASCII) JavaScript
        QStringList notes; ///< one line per rule the PAC defers to Switchyard
        int deferredRules = 0;
    };

    /// The route a blocked request gets with BlockStyle::Blackhole.
    static QString blackholeRoute() { return QStringLiteral("PROXY 127.0.0.1:9"); }

    static Result generate(const RuleEngine& engine, const Options& options);

    /// Empty if the PCRE pattern means the same in JavaScript (ES3, as PAC
    /// evaluators run it), otherwise what stands in the way. A leading "(?i)" is
    /// accepted: it becomes the RegExp "i" flag.
    static QString javaScriptIncompatibility(const QString& pattern);
};

} // namespace Switchyard
