#include "MainWindow.h"

#include "AppActions.h"
#include "ExitPicker.h"
#include "ProxyController.h"
#include "SettingsController.h"
#include "TrafficPage.h"

#include <QAction>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QLabel>
#include <QSizePolicy>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

namespace Switchyard {

MainWindow::MainWindow(ProxyController* proxy, SettingsController* settings, AppActions* actions,
                       QWidget* parent)
    : QMainWindow(parent), m_proxy(proxy), m_settings(settings), m_actions(actions)
{
    setWindowTitle(QCoreApplication::applicationName());
    setWindowIcon(QIcon(QStringLiteral(":/icons/switchyard.svg")));
    resize(1100, 700);

    auto* toolBar = addToolBar(tr("Proxy"));
    toolBar->setObjectName(QStringLiteral("proxyToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addAction(m_actions->proxyEnabled());
    toolBar->addAction(m_actions->systemProxy());
    toolBar->addSeparator();
    auto* exitLabel = new QLabel(tr("Exit:"), toolBar);
    exitLabel->setContentsMargins(6, 0, 4, 0);
    toolBar->addWidget(exitLabel);
    m_exitPicker = new ExitPicker(m_settings, toolBar);
    exitLabel->setBuddy(m_exitPicker);
    toolBar->addWidget(m_exitPicker);
    auto* spacer = new QWidget(toolBar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolBar->addWidget(spacer);
    m_listenLabel = new QLabel(toolBar);
    m_listenLabel->setObjectName(QStringLiteral("listenLabel"));
    m_listenLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_listenLabel->setContentsMargins(6, 0, 6, 0);
    toolBar->addWidget(m_listenLabel);
    connect(m_exitPicker, &ExitPicker::failed, this, &MainWindow::showStatusMessage);
    connect(m_actions, &AppActions::failed, this, &MainWindow::showStatusMessage);

    m_pages = new QTabWidget(this);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_trafficPage = new TrafficPage(m_pages);
    m_trafficPage->setMaxEntries(m_settings->uiPreferences().maxLogEntries);
    m_pages->addTab(m_trafficPage, tr("Traffic"));
    addPageShortcut(0);
    setCentralWidget(m_pages);

    m_stateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    m_connectionsLabel = new QLabel(this);
    m_speedLabel = new QLabel(this);
    statusBar()->addWidget(m_stateLabel, 1);
    statusBar()->addPermanentWidget(m_connectionsLabel);
    statusBar()->addPermanentWidget(m_speedLabel);

    connect(m_proxy->engine(), &Engine::eventsReady, m_trafficPage, &TrafficPage::addEvents);
    connect(m_proxy, &ProxyController::statusChanged, this, &MainWindow::updateStatus);
    connect(m_proxy, &ProxyController::trafficChanged, this, &MainWindow::updateTraffic);
    connect(m_settings, &SettingsController::profilesChanged, this,
            &MainWindow::updateTrafficExits);
    connect(m_settings, &SettingsController::uiPreferencesChanged, this,
            [this] { m_trafficPage->setMaxEntries(m_settings->uiPreferences().maxLogEntries); });
    updateTrafficExits();
    updateStatus();
    updateTraffic();
}

void MainWindow::addPage(QWidget* page, const QString& title)
{
    addPageShortcut(m_pages->addTab(page, title));
}

void MainWindow::addPageShortcut(int index)
{
    // Ctrl+1 … Ctrl+9 jump to a page, as with a browser's tabs.
    if (index < 0 || index > 8)
        return;
    auto* jump = new QAction(this);
    jump->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
    connect(jump, &QAction::triggered, this, [this, index] { m_pages->setCurrentIndex(index); });
    addAction(jump);
}

void MainWindow::showStatusMessage(const QString& text)
{
    statusBar()->showMessage(text, 10'000);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_hideOnClose) {
        hide();
        event->ignore();
        Q_EMIT hiddenToTray();
        return;
    }
    event->ignore(); // the application decides, after stopping the engine
    Q_EMIT closeRequested();
}

void MainWindow::updateStatus()
{
    m_stateLabel->setText(m_proxy->statusText());
    m_listenLabel->setText(m_proxy->isProxyEnabled()
                               ? tr("Listening on %1").arg(m_proxy->listenText())
                               : tr("Not listening (%1)").arg(m_proxy->listenText()));
}

void MainWindow::updateTraffic()
{
    m_connectionsLabel->setText(tr("%Ln connection(s)", nullptr, m_proxy->activeConnections()));
    const SpeedMeter* speed = m_proxy->speed();
    m_speedLabel->setText(tr("↑ %1  ↓ %2")
                              .arg(SpeedMeter::formatRate(speed->bytesUpPerSecond()),
                                   SpeedMeter::formatRate(speed->bytesDownPerSecond())));
}

void MainWindow::updateTrafficExits()
{
    TrafficPage::ExitList exits;
    for (const UpstreamProfile& exit : m_settings->profiles())
        exits.append({exit.id, exit.name});
    m_trafficPage->setExits(exits);
}

} // namespace Switchyard
