#include "EngineContext.h"

namespace Switchyard {

bool EngineContext::isSelf(const QString& host, quint16 port) const
{
    if (port != boundPort)
        return false;
    if (host == u"localhost" || host.endsWith(u".localhost"))
        return boundAddress.isLoopback() || boundAddress == QHostAddress::Any ||
               boundAddress == QHostAddress::AnyIPv6 || boundAddress == QHostAddress::AnyIPv4;
    QHostAddress address;
    if (!address.setAddress(host))
        return false;
    if (address == boundAddress || address.isEqual(boundAddress, QHostAddress::TolerantConversion))
        return true;
    const bool boundAny = boundAddress == QHostAddress::Any ||
                          boundAddress == QHostAddress::AnyIPv6 ||
                          boundAddress == QHostAddress::AnyIPv4;
    return boundAny && address.isLoopback();
}

} // namespace Switchyard
