#include "TrafficRouteKind.h"

namespace Switchyard {

TrafficRouteKind trafficRouteKind(const QString& route)
{
    if (route.isEmpty())
        return TrafficRouteKind::Unknown;
    if (route == QLatin1String("direct"))
        return TrafficRouteKind::Direct;
    if (route == QLatin1String("blocked"))
        return TrafficRouteKind::Blocked;
    if (route == QLatin1String("local"))
        return TrafficRouteKind::Local;
    if (route == QLatin1String("refused"))
        return TrafficRouteKind::Refused;
    return TrafficRouteKind::Exit;
}

} // namespace Switchyard
