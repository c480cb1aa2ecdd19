#pragma once

#include <QTimer>

namespace Switchyard {

/// A single-shot deadline for connection limits (head, idle) that is cheap to
/// move. Connections push their deadline on with every request; a QTimer
/// restarted each time costs a timer-list removal and insertion in the event
/// dispatcher per request. This one keeps its QTimer running and only re-arms
/// it when the new deadline is earlier than the pending wake-up; a wake-up that
/// comes too early sleeps again for the rest, and one that comes after stop()
/// does nothing. It is no QObject of its own, so an idle connection pays for one
/// timer object only.
class CoarseTimer
{
public:
    /// Calls (receiver->*handler)() when a deadline passes; receiver is the
    /// context of the connection (it must outlive this timer's use).
    template <typename Receiver> void setHandler(Receiver* receiver, void (Receiver::*handler)())
    {
        m_timer.setSingleShot(true);
        QObject::connect(&m_timer, &QTimer::timeout, receiver, [this, receiver, handler] {
            if (deadlinePassed())
                (receiver->*handler)();
        });
    }

    /// (Re)starts the deadline msec milliseconds from now.
    void start(int msec);
    void stop() { m_armed = false; }
    bool isActive() const { return m_armed; }

private:
    /// On a wake-up: true if the deadline has passed (and disarms), otherwise
    /// re-arms for the rest.
    bool deadlinePassed();

    QTimer m_timer;
    qint64 m_deadlineMs = 0; ///< monotonic clock, valid while armed
    qint64 m_wakeUpMs = 0;   ///< when m_timer fires, valid while it runs
    bool m_armed = false;
};

} // namespace Switchyard
