#include "EngineFixture.h"

#include <QTest>
#include <utility>

using namespace Switchyard;

namespace {
constexpr int kStateTimeoutMs = 10'000;
}

EngineFixture::EngineFixture(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<Switchyard::LogEvent>();
    qRegisterMetaType<Switchyard::LogEventBatch>();
    qRegisterMetaType<Switchyard::EngineStats>();
    connect(&m_engine, &Engine::eventsReady, this, &EngineFixture::onEvents);
}

EngineFixture::~EngineFixture()
{
    stop();
}

EngineSettings EngineFixture::testSettings()
{
    EngineSettings settings;
    settings.listenAddress = QHostAddress(QHostAddress::LocalHost);
    settings.listenPort = 0;
    settings.logFlushIntervalMs = 20;
    return settings;
}

bool EngineFixture::waitForState(Engine::State state, int timeoutMs)
{
    return QTest::qWaitFor(
               [&] {
                   return m_engine.state() == state || m_engine.state() == Engine::State::Failed;
               },
               timeoutMs) &&
           m_engine.state() == state;
}

EngineSettings EngineFixture::routedThrough(const UpstreamProfile& profile, int connectTimeoutMs)
{
    EngineSettings settings = testSettings();
    settings.profiles = {profile};
    settings.routing.defaultAction = RouteAction::through(profile.id);
    settings.limits.connectTimeoutMs = connectTimeoutMs;
    return settings;
}

bool EngineFixture::start(const EngineSettings& settings)
{
    m_engine.start(settings);
    if (!waitForState(Engine::State::Running, kStateTimeoutMs)) {
        m_error = QStringLiteral("engine did not reach Running (state %1): %2")
                      .arg(static_cast<int>(m_engine.state()))
                      .arg(m_engine.lastError());
        return false;
    }
    if (m_engine.boundPort() == 0) {
        m_error = QStringLiteral("engine is Running but reports port 0");
        return false;
    }
    return true;
}

bool EngineFixture::stop()
{
    const Engine::State state = m_engine.state();
    if (state == Engine::State::Stopped || state == Engine::State::Failed)
        return true;
    m_engine.stop();
    return QTest::qWaitFor([&] { return m_engine.state() == Engine::State::Stopped; },
                           kStateTimeoutMs);
}

QString EngineFixture::proxyUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

QList<LogEvent> EngineFixture::finishedEvents() const
{
    QList<LogEvent> out;
    for (quint64 id : m_finishedOrder)
        out.append(m_finished.value(id));
    return out;
}

QList<LogEvent> EngineFixture::finishedMatching(const Match& match) const
{
    QList<LogEvent> out;
    for (quint64 id : m_finishedOrder) {
        const LogEvent& event = m_finished[id];
        if (match(event))
            out.append(event);
    }
    return out;
}

std::optional<LogEvent> EngineFixture::waitForFinished(const Match& match, int timeoutMs)
{
    std::optional<LogEvent> found;
    const bool matched = QTest::qWaitFor(
        [&] {
            for (quint64 id : std::as_const(m_finishedOrder)) {
                if (match(m_finished[id])) {
                    found = m_finished[id];
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return matched ? found : std::nullopt;
}

QStringList EngineFixture::takeSequenceErrors()
{
    return std::exchange(m_sequenceErrors, {});
}

void EngineFixture::clearEvents()
{
    m_events.clear();
    m_finished.clear();
    m_finishedOrder.clear();
}

void EngineFixture::onEvents(const LogEventBatch& batch)
{
    for (const LogEvent& event : batch) {
        m_events.append(event);
        const QString id = QString::number(event.id);
        if (event.phase == LogPhase::Started) {
            if (m_started.contains(event.id))
                m_sequenceErrors.append(QStringLiteral("event %1 started twice").arg(id));
            if (m_finishedIds.contains(event.id))
                m_sequenceErrors.append(
                    QStringLiteral("event %1 started after it finished").arg(id));
            m_started.insert(event.id);
            continue;
        }
        // A Finished without a Started is allowed: the engine sends an exchange
        // that starts and ends within one flush interval once, finished.
        if (m_finishedIds.contains(event.id))
            m_sequenceErrors.append(QStringLiteral("event %1 finished twice").arg(id));
        if (event.durationUs < 0)
            m_sequenceErrors.append(QStringLiteral("event %1 finished with no duration").arg(id));
        m_finishedIds.insert(event.id);
        if (!m_finished.contains(event.id))
            m_finishedOrder.append(event.id);
        m_finished.insert(event.id, event);
    }
}
