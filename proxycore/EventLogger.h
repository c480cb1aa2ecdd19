#pragma once

#include "LogEvent.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace Switchyard {

/// Collects log events in the engine thread and hands them on in batches on a
/// timer, so a flood of requests costs the receiver one signal per interval. An
/// exchange that starts and finishes within one interval is sent once, finished.
class EventLogger : public QObject
{
    Q_OBJECT
public:
    explicit EventLogger(QObject* parent = nullptr);

    void setFlushInterval(int ms);
    quint64 nextId() { return m_nextId++; }
    /// The start of an exchange (a copy without bodies is queued).
    void started(const LogEvent& event);
    /// The end of an exchange; event is moved from.
    void finished(LogEvent&& event);
    /// Sends whatever is queued now.
    void flush();

Q_SIGNALS:
    void batchReady(const Switchyard::LogEventBatch& events);

private:
    void schedule();

    LogEventBatch m_pending;
    QHash<quint64, qsizetype> m_startedIndex; // id → index in m_pending
    QTimer m_timer;
    quint64 m_nextId = 1;
};

} // namespace Switchyard
