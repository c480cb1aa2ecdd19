#pragma once

#include "Engine.h"

#include <QObject>

/// Follows EngineStats::systemDnsLookups (sent with Engine::statsUpdated every
/// 500 ms), so a test can prove that traffic through an exit made the engine hand no
/// name to the system resolver, or that local resolution did.
class UpstreamLookupWatch : public QObject
{
    Q_OBJECT
public:
    explicit UpstreamLookupWatch(Switchyard::Engine* engine, QObject* parent = nullptr);

    /// The counter as of now: drops the updates queued so far (they may predate what
    /// the test just did) and waits (bounded) for one published afterwards. -1 when
    /// none arrived in time.
    qint64 current(int timeoutMs = 3000);
    int updates() const { return m_updates; }

private:
    void onStats(const Switchyard::EngineStats& stats);

    int m_updates = 0;
    Switchyard::EngineStats m_latest;
};
