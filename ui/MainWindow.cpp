#include "MainWindow.h"

#include "TrafficPage.h"

#include <QAction>
#include <QCoreApplication>
#include <QLabel>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace Switchyard {

MainWindow::MainWindow(Engine* engine, const EngineSettings& settings, QWidget* parent)
    : QMainWindow(parent), m_engine(engine), m_settings(settings)
{
    setWindowTitle(QCoreApplication::applicationName());
    resize(900, 600);

    auto* toolBar = addToolBar(tr("Proxy"));
    toolBar->setObjectName(QStringLiteral("proxyToolBar"));
    toolBar->setMovable(false);
    m_proxyAction = toolBar->addAction(tr("Proxy enabled"));
    m_proxyAction->setCheckable(true);
    m_proxyAction->setToolTip(tr("Start or stop listening for proxy clients"));
    // triggered, not toggled: only the user's clicks start or stop the engine;
    // setChecked() from onStateChanged() merely shows the state.
    connect(m_proxyAction, &QAction::triggered, this, &MainWindow::setProxyEnabled);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_stateLabel = new QLabel(central);
    m_stateLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stateLabel->setWordWrap(true);
    layout->addWidget(m_stateLabel);
    m_trafficPage = new TrafficPage(central);
    TrafficPage::ExitList exits;
    for (const UpstreamProfile& exit : std::as_const(m_settings.profiles))
        exits.append({exit.id, exit.name});
    m_trafficPage->setExits(exits);
    layout->addWidget(m_trafficPage, 1);
    setCentralWidget(central);

    m_statsLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_statsLabel);

    connect(m_engine, &Engine::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_engine, &Engine::eventsReady, m_trafficPage, &TrafficPage::addEvents);
    connect(m_engine, &Engine::statsUpdated, this, &MainWindow::onStatsUpdated);
    onStateChanged(m_engine->state(), m_engine->lastError());
}

void MainWindow::setProxyEnabled(bool enabled)
{
    const Engine::State state = m_engine->state();
    const bool active = state == Engine::State::Starting || state == Engine::State::Running;
    if (enabled && !active && state != Engine::State::Stopping)
        m_engine->start(m_settings);
    else if (!enabled && active)
        m_engine->stop();
    m_proxyAction->setChecked(enabled);
}

void MainWindow::onStateChanged(Engine::State state, const QString& error)
{
    m_proxyAction->setChecked(state == Engine::State::Starting || state == Engine::State::Running);
    switch (state) {
    case Engine::State::Stopped:
        m_stateLabel->setText(
            tr("Proxy off. Turn on \"Proxy enabled\" to listen on %1.").arg(listenText()));
        break;
    case Engine::State::Starting:
        m_stateLabel->setText(tr("Starting on %1…").arg(listenText()));
        break;
    case Engine::State::Running:
        m_stateLabel->setText(tr("Listening on %1").arg(listenText()));
        break;
    case Engine::State::Stopping:
        m_stateLabel->setText(tr("Stopping…"));
        break;
    case Engine::State::Failed:
        m_stateLabel->setText(tr("Cannot listen on %1: %2").arg(listenText(), error));
        break;
    }
}

void MainWindow::onStatsUpdated(const EngineStats& stats)
{
    m_statsLabel->setText(tr("Active connections: %1    Requests: %2")
                              .arg(stats.activeConnections)
                              .arg(stats.totalRequests));
}

QString MainWindow::listenText() const
{
    const bool running = m_engine->state() == Engine::State::Running;
    const QHostAddress address = running ? m_engine->boundAddress() : m_settings.listenAddress;
    const quint16 port = running ? m_engine->boundPort() : m_settings.listenPort;
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

} // namespace Switchyard
