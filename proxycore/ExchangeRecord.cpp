#include "ExchangeRecord.h"

#include "EngineContext.h"
#include "EventLogger.h"

#include <QDateTime>

namespace Switchyard {

ExchangeRecord::~ExchangeRecord()
{
    finish();
    if (m_startAnnounced)
        m_context->logger->withdraw(this);
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
    if (m_open && !m_startAnnounced) {
        m_startAnnounced = true;
        m_context->logger->started(this);
    }
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
    if (m_startAnnounced) {
        m_startAnnounced = false;
        m_context->logger->withdraw(this);
    }
    event.durationUs = m_clock.nsecsElapsed() / 1000;
    ++m_context->totalRequests;
    m_context->logger->finished(std::move(event));
}

} // namespace Switchyard
