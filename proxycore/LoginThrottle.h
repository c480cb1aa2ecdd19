#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>

namespace Switchyard {

/// Slows password guessing against the inbound credentials: after a few failed
/// logins from one address within a window, further attempts from it are refused
/// without being checked until the window ends.
class LoginThrottle
{
public:
    static constexpr int maxFailures = 5;
    static constexpr qint64 windowMs = 60'000;

    LoginThrottle() { m_clock.start(); }
    bool isBlocked(const QHostAddress& client);
    void recordFailure(const QHostAddress& client);
    void recordSuccess(const QHostAddress& client);

private:
    struct Entry
    {
        int failures = 0;
        qint64 windowStartMs = 0;
    };
    void prune(qint64 now);

    QHash<QHostAddress, Entry> m_entries;
    QElapsedTimer m_clock;
};

} // namespace Switchyard
