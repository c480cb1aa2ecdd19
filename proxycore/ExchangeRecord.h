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
    // The event logger keeps a pointer to a started record.
    ExchangeRecord(const ExchangeRecord&) = delete;
    ExchangeRecord& operator=(const ExchangeRecord&) = delete;

    /// Starts a new record (finishing an open one first).
    void begin(LogProtocol protocol, const QString& clientAddress);
    /// Announces the start, for exchanges that may run for a while (sent at the
    /// next flush if the exchange is still running then).
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
    bool m_startAnnounced = false;
};

} // namespace Switchyard
