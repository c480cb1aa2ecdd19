#include "SystemProxyBackend.h"

namespace Switchyard {

SystemProxyBackend::~SystemProxyBackend() = default;

} // namespace Switchyard
