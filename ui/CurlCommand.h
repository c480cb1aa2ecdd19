#pragma once

#include "LogEvent.h"

#include <QCoreApplication>
#include <QString>

namespace Switchyard {

/// A curl command line that repeats a captured HTTP request (like the browsers'
/// "Copy as cURL"): method, URL, the request's headers except those curl sets
/// itself or that belong to the hop to the proxy, and the body, quoted for a
/// POSIX shell.
class CurlCommand
{
    Q_DECLARE_TR_FUNCTIONS(CurlCommand)
public:
    /// Empty for tunnels and for requests without a URL.
    static QString fromEvent(const LogEvent& event);
    /// text in single quotes, safe for sh; $'…' with escapes when text holds
    /// control characters or bytes that are not UTF-8.
    static QString shellQuote(const QByteArray& text);
};

} // namespace Switchyard
