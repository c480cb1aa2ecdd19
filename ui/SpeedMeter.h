#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

namespace Switchyard {

/// Turns the engine's running byte totals into speeds for the status bar and
/// the tray tooltip. The engine reports totals only when something happened;
/// a steady tick here makes the speed fall to zero when traffic stops.
class SpeedMeter : public QObject
{
    Q_OBJECT
public:
    explicit SpeedMeter(QObject* parent = nullptr);

    /// The engine's totals so far (they only grow while it runs).
    void setTotals(quint64 bytesUp, quint64 bytesDown);
    /// Forgets the past: the next totals start from zero (the engine restarted).
    void reset();

    double bytesUpPerSecond() const { return m_upRate; }
    double bytesDownPerSecond() const { return m_downRate; }
    /// "0 B/s", "12.3 KB/s", "4.1 MB/s" in the user's locale.
    static QString formatRate(double bytesPerSecond);

Q_SIGNALS:
    void updated();

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_sinceTick;
    quint64 m_up = 0;
    quint64 m_down = 0;
    quint64 m_upAtTick = 0;
    quint64 m_downAtTick = 0;
    double m_upRate = 0;
    double m_downRate = 0;
};

} // namespace Switchyard
