#pragma once

#include <QString>

namespace Switchyard {

/// The kind of route a logged exchange took, read from LogEvent::route.
enum class TrafficRouteKind {
    Unknown, ///< no route recorded (entries imported from other tools)
    Direct,
    Exit,    ///< through one of the exits; the route names it
    Blocked, ///< refused by a rule
    Local,   ///< answered by Switchyard itself (status page, PAC file)
    Refused, ///< turned away at the connection cap
};

/// The kind for a route as the engine names it ("direct", "blocked", "local",
/// "refused", otherwise an exit's name).
TrafficRouteKind trafficRouteKind(const QString& route);

} // namespace Switchyard
