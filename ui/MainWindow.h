#pragma once

#include "Engine.h"

#include <QMainWindow>

class QAction;
class QLabel;

namespace Switchyard {

class TrafficPage;

/// The application window: a toggle that starts and stops the engine, the
/// engine's state, and the live traffic page. It only assembles those
/// parts and talks to the engine through its facade.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// The window drives engine (not owned) with settings when enabled.
    MainWindow(Engine* engine, const EngineSettings& settings, QWidget* parent = nullptr);

    /// Starts or stops the proxy, as the toolbar toggle does.
    void setProxyEnabled(bool enabled);

    /// The traffic page (its routeRequested() asks for rules).
    TrafficPage* trafficPage() const { return m_trafficPage; }

private:
    void onStateChanged(Engine::State state, const QString& error);
    void onStatsUpdated(const EngineStats& stats);
    QString listenText() const;

    Engine* m_engine;
    EngineSettings m_settings;
    QAction* m_proxyAction = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_statsLabel = nullptr;
    TrafficPage* m_trafficPage = nullptr;
};

} // namespace Switchyard
