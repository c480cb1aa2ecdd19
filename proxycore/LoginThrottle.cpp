#include "LoginThrottle.h"

namespace Switchyard {

bool LoginThrottle::isBlocked(const QHostAddress& client)
{
    const qint64 now = m_clock.elapsed();
    const auto it = m_entries.constFind(client);
    if (it == m_entries.constEnd())
        return false;
    if (now - it->windowStartMs >= windowMs) {
        m_entries.remove(client);
        return false;
    }
    return it->failures >= maxFailures;
}

void LoginThrottle::recordFailure(const QHostAddress& client)
{
    const qint64 now = m_clock.elapsed();
    if (m_entries.size() > 10'000)
        prune(now); // many addresses guessing: keep the table bounded
    Entry& entry = m_entries[client];
    if (entry.failures == 0 || now - entry.windowStartMs >= windowMs)
        entry = {0, now};
    ++entry.failures;
}

void LoginThrottle::recordSuccess(const QHostAddress& client)
{
    m_entries.remove(client);
}

void LoginThrottle::prune(qint64 now)
{
    m_entries.removeIf(
        [now](const auto& item) { return now - item.value().windowStartMs >= windowMs; });
}

} // namespace Switchyard
