#pragma once

#include "EngineSettings.h"

#include <QHostAddress>

namespace Switchyard {

class EventLogger;
class OriginPool;
class Resolver;

/// What every connection handler shares within one engine thread.
struct EngineContext
{
    EngineSettings settings;
    Resolver* resolver = nullptr;
    OriginPool* pool = nullptr;
    EventLogger* logger = nullptr;
    QHostAddress boundAddress;
    quint16 boundPort = 0;
    int activeConnections = 0;
    quint64 totalBytesUp = 0;
    quint64 totalBytesDown = 0;
    quint64 totalRequests = 0;

    /// Whether host:port names this proxy's own listening socket.
    bool isSelf(const QString& host, quint16 port) const;
};

} // namespace Switchyard
