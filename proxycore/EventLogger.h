#pragma once

#include "LogEvent.h"

#include <QObject>
#include <QSet>
#include <QTimer>

namespace Switchyard {

class ExchangeRecord;

/// Collects log events in the engine thread and hands them on in batches on a
/// timer, so a flood of requests costs the receiver one signal per interval. An
/// exchange that starts and finishes within one interval is sent once, finished:
/// a start is only copied out at a flush that finds the exchange still running,
/// so the many short exchanges cost no copy of their start at all.
class EventLogger : public QObject
{
    Q_OBJECT
public:
    explicit EventLogger(QObject* parent = nullptr);

    void setFlushInterval(int ms);
    quint64 nextId() { return m_nextId++; }
    /// The start of an exchange: if it still runs at the next flush, a copy of its
    /// event without bodies goes out as Started. record must call withdraw()
    /// before it ends or goes away.
    void started(ExchangeRecord* record);
    void withdraw(ExchangeRecord* record) { m_running.remove(record); }
    /// The end of an exchange; event is moved from.
    void finished(LogEvent&& event);
    /// Sends whatever is queued now.
    void flush();

Q_SIGNALS:
    void batchReady(const Switchyard::LogEventBatch& events);

private:
    void schedule();

    LogEventBatch m_pending;
    QSet<ExchangeRecord*> m_running; ///< started, start not sent yet
    QTimer m_timer;
    quint64 m_nextId = 1;
};

} // namespace Switchyard
