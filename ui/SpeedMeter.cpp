#include "SpeedMeter.h"

#include <QCoreApplication>
#include <QLocale>

namespace Switchyard {

SpeedMeter::SpeedMeter(QObject* parent) : QObject(parent)
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &SpeedMeter::tick);
    m_timer.start();
    m_sinceTick.start();
}

void SpeedMeter::setTotals(quint64 bytesUp, quint64 bytesDown)
{
    // Totals that go down mean a new engine run: start counting again.
    if (bytesUp < m_up || bytesDown < m_down) {
        m_upAtTick = bytesUp;
        m_downAtTick = bytesDown;
    }
    m_up = bytesUp;
    m_down = bytesDown;
}

void SpeedMeter::reset()
{
    m_up = m_down = m_upAtTick = m_downAtTick = 0;
    m_upRate = m_downRate = 0;
    m_sinceTick.restart();
    Q_EMIT updated();
}

void SpeedMeter::tick()
{
    const double seconds = double(m_sinceTick.restart()) / 1000.0;
    if (seconds <= 0)
        return;
    m_upRate = double(m_up - m_upAtTick) / seconds;
    m_downRate = double(m_down - m_downAtTick) / seconds;
    m_upAtTick = m_up;
    m_downAtTick = m_down;
    Q_EMIT updated();
}

QString SpeedMeter::formatRate(double bytesPerSecond)
{
    // Decimal units, as browsers and download managers show speeds.
    const QLocale locale;
    if (bytesPerSecond < 1000)
        return QCoreApplication::translate("SpeedMeter", "%1 B/s")
            .arg(locale.toString(qRound64(bytesPerSecond)));
    if (bytesPerSecond < 1000 * 1000)
        return QCoreApplication::translate("SpeedMeter", "%1 KB/s")
            .arg(locale.toString(bytesPerSecond / 1000, 'f', 1));
    if (bytesPerSecond < 1000.0 * 1000 * 1000)
        return QCoreApplication::translate("SpeedMeter", "%1 MB/s")
            .arg(locale.toString(bytesPerSecond / 1000 / 1000, 'f', 1));
    return QCoreApplication::translate("SpeedMeter", "%1 GB/s")
        .arg(locale.toString(bytesPerSecond / 1000 / 1000 / 1000, 'f', 2));
}

} // namespace Switchyard
