#include "UpstreamLookupWatch.h"

#include <QCoreApplication>
#include <QTest>

UpstreamLookupWatch::UpstreamLookupWatch(Switchyard::Engine* engine, QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<Switchyard::EngineStats>();
    connect(engine, &Switchyard::Engine::statsUpdated, this, &UpstreamLookupWatch::onStats);
}

void UpstreamLookupWatch::onStats(const Switchyard::EngineStats& stats)
{
    ++m_updates;
    m_latest = stats;
}

qint64 UpstreamLookupWatch::current(int timeoutMs)
{
    // Updates that queued up while the test blocked (in curl, say) were published
    // before this point: deliver them, then wait for a fresh one.
    QCoreApplication::processEvents();
    const int seen = m_updates;
    if (!QTest::qWaitFor([&] { return m_updates > seen; }, timeoutMs))
        return -1;
    return qint64(m_latest.systemDnsLookups);
}
