#include "CoarseTimer.h"

#include <QDeadlineTimer>

namespace Switchyard {

namespace {

qint64 nowMs()
{
    return QDeadlineTimer::current().deadline();
}

} // namespace

void CoarseTimer::start(int msec)
{
    const qint64 now = nowMs();
    m_deadlineMs = now + msec;
    m_armed = true;
    if (m_timer.isActive() && m_wakeUpMs <= m_deadlineMs)
        return; // the pending wake-up comes first and re-arms for the rest
    m_wakeUpMs = m_deadlineMs;
    m_timer.start(msec);
}

bool CoarseTimer::deadlinePassed()
{
    if (!m_armed)
        return false;
    const qint64 now = nowMs();
    if (now < m_deadlineMs) {
        m_wakeUpMs = m_deadlineMs;
        m_timer.start(int(m_deadlineMs - now));
        return false;
    }
    m_armed = false;
    return true;
}

} // namespace Switchyard
