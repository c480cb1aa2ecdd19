#pragma once

#include "HttpHead.h"

namespace Switchyard {

/// Rewrites heads passing through the proxy: removes hop-by-hop fields (RFC 9110
/// §7.6.1), the client's proxy credentials, and adds Via only when asked to.
class HeaderRewriter
{
public:
    struct Options
    {
        bool addVia = false;
        bool keepUpgrade = false; ///< a WebSocket upgrade that is being passed on
    };

    /// Removes Connection and every field it names, Proxy-Connection, Keep-Alive,
    /// TE, Trailer, Transfer-Encoding (the proxy re-frames bodies), Upgrade (unless
    /// kept), Proxy-Authorization and Proxy-Authenticate.
    static void stripHopByHop(HttpHead& head, const Options& options);
    /// The Via value this proxy adds for the given message version.
    static QByteArray viaValue(const HttpHead& head);
};

} // namespace Switchyard
