#include "ExchangeRecord.h"

#include "EngineContext.h"
#include "EventLogger.h"

#include <QDateTime>

namespace Switchyard {

ExchangeRecord::~ExchangeRecord()
{
    finish();
}

void ExchangeRecord::begin(LogProtocol protocol, const QString& clientAddress)
{
    finish();
    event = LogEvent();
    event.id = m_context->logger->nextId();
    event.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    event.clientAddress = clientAddress;
    event.protocol = protocol;
    event.route = QStringLiteral("direct");
    m_clock.start();
    m_open = true;
}

void ExchangeRecord::publishStart()
{
    if (m_open)
        m_context->logger->started(event);
}

void ExchangeRecord::finishAbandoned()
{
    if (m_open && event.error.isEmpty())
        event.error = QStringLiteral("client closed the connection");
    finish();
}

void ExchangeRecord::finish()
{
    if (!m_open)
        return;
    m_open = false;
    event.durationUs = m_clock.nsecsElapsed() / 1000;
    ++m_context->totalRequests;
    m_context->logger->finished(std::move(event));
}

} // namespace Switchyard
