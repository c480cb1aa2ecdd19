#include "EventLogger.h"

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

void EventLogger::started(const LogEvent& event)
{
    LogEvent copy = event;
    copy.phase = LogPhase::Started;
    copy.requestBody.clear();
    copy.responseBody.clear();
    m_startedIndex.insert(copy.id, m_pending.size());
    m_pending.append(std::move(copy));
    schedule();
}

void EventLogger::finished(LogEvent&& event)
{
    event.phase = LogPhase::Finished;
    const auto it = m_startedIndex.constFind(event.id);
    if (it != m_startedIndex.constEnd()) {
        // Its start has not left yet: send the finished event in its place.
        m_pending[*it] = std::move(event);
        m_startedIndex.erase(it);
    } else {
        m_pending.append(std::move(event));
    }
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
    if (m_pending.isEmpty())
        return;
    LogEventBatch batch;
    batch.swap(m_pending);
    m_startedIndex.clear();
    Q_EMIT batchReady(batch);
}

} // namespace Switchyard
