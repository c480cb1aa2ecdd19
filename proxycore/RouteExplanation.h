#pragma once

#include "RouteDecision.h"
#include "RouteQuery.h"

#include <QString>

namespace Switchyard {

/// The answer to "where would this go?" for a URL or host:port typed by a user.
struct RouteExplanation
{
    RouteQuery query;
    RouteDecision decision;
    QString error; ///< the text could not be parsed (then query and decision are empty)

    /// One line, e.g. "example.com:443 -> through Work, by rule #3 domain:example.com ->
    /// proxy:Work" or "http://a/ -> direct, by the default action (no rule matched)".
    QString toText() const;
};

} // namespace Switchyard
