#include "EventLogger.h"

#include "ExchangeRecord.h"

namespace Switchyard {

EventLogger::EventLogger(QObject* parent) : QObject(parent), m_timer(this)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &EventLogger::flush);
}

void EventLogger::setFlushInterval(int ms)
{
    m_timer.setInterval(ms);
}

void EventLogger::started(ExchangeRecord* record)
{
    m_running.insert(record);
    schedule();
}

void EventLogger::finished(LogEvent&& event)
{
    event.phase = LogPhase::Finished;
    m_pending.append(std::move(event));
    schedule();
}

void EventLogger::schedule()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void EventLogger::flush()
{
    m_timer.stop();
    // Exchanges still running now are reported as started; the rest of their
    // events come when they finish.
    for (ExchangeRecord* record : std::as_const(m_running)) {
        LogEvent copy = record->event;
        copy.phase = LogPhase::Started;
        copy.requestBody.clear();
        copy.responseBody.clear();
        m_pending.append(std::move(copy));
    }
    m_running.clear();
    if (m_pending.isEmpty())
        return;
    LogEventBatch batch;
    batch.swap(m_pending);
    Q_EMIT batchReady(batch);
}

} // namespace Switchyard
