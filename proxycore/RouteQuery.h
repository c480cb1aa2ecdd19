#pragma once

#include <QString>

namespace Switchyard {

/// What the rule engine is asked about one connection.
struct RouteQuery
{
    QString host; ///< as the client named it (any case, IDN, brackets: normalised by the engine)
    quint16 port = 0; ///< destination port; 0 = unknown (port rules then never match)
    /// The full URL of a plain HTTP request ("http://host[:port]/path?query", as
    /// HttpTarget::displayUrl() prints it); empty for tunnels (CONNECT, SOCKS), where
    /// URL regex rules see "host:port" instead.
    QString url;

    /// Parses what a user types to ask about a route: "http://h/p" (a plain HTTP
    /// request), "https://h" or "wss://h" (a tunnel to port 443, the path is invisible
    /// to a proxy), "h:443" or "[v6]:443" (a tunnel), or a bare "h" / "v6" (taken as
    /// http://h/). On failure sets *error and returns an empty query.
    static RouteQuery fromText(const QString& text, QString* error);
    /// "http://h/p" for plain HTTP, "h:443" for a tunnel: how logs show the subject.
    QString subject() const;
};

} // namespace Switchyard
