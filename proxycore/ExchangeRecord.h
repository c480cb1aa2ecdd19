#pragma once

#include "LogEvent.h"

#include <QElapsedTimer>

namespace Switchyard {

struct EngineContext;

/// The log record of one exchange (request or tunnel) while it runs: gives it an
/// id and start time, times it, and hands it to the event logger when it ends.
class ExchangeRecord
{
public:
    explicit ExchangeRecord(EngineContext* context) : m_context(context) {}
    ~ExchangeRecord();

    /// Starts a new record (finishing an open one first).
    void begin(LogProtocol protocol, const QString& clientAddress);
    /// Queues the start, for exchanges that may run for a while.
    void publishStart();
    /// Ends the record and queues it; nothing happens if none is open.
    void finish();
    /// Ends an open record of an exchange the client walked away from (keeping an
    /// error already recorded).
    void finishAbandoned();
    bool isOpen() const { return m_open; }
    qint64 elapsedUs() const { return m_clock.nsecsElapsed() / 1000; }

    LogEvent event;

private:
    EngineContext* m_context;
    QElapsedTimer m_clock;
    bool m_open = false;
};

} // namespace Switchyard
