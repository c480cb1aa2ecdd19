#pragma once

#include <QMainWindow>

class QLabel;
class QTabWidget;

namespace Switchyard {

class AppActions;
class ExitPicker;
class ProxyController;
class SettingsController;
class TrafficPage;

/// The application window. It only assembles: the toolbar (proxy and system
/// proxy switches, the exit picker, the listen address), the pages (traffic in
/// front; rules, exits and settings beside it as tabs) and the status bar
/// (state, live connections, speeds). Pages are added by whoever builds them.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ProxyController* proxy, SettingsController* settings, AppActions* actions,
               QWidget* parent = nullptr);

    TrafficPage* trafficPage() const { return m_trafficPage; }
    ExitPicker* exitPicker() const { return m_exitPicker; }
    QTabWidget* pages() const { return m_pages; }
    /// Adds a page as a tab after the traffic page.
    void addPage(QWidget* page, const QString& title);
    /// Shows a message in the status bar for a while (errors from the toolbar).
    void showStatusMessage(const QString& text);

    /// When true (there is a tray and the user did not turn it off), closing
    /// the window hides it; otherwise closing quits.
    void setHideOnClose(bool hide) { m_hideOnClose = hide; }

Q_SIGNALS:
    /// The window was closed and hidden rather than quitting.
    void hiddenToTray();
    /// The window was closed while hiding is off: the application should quit.
    void closeRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void addPageShortcut(int index);
    void updateStatus();
    void updateTraffic();
    void updateTrafficExits();

    ProxyController* m_proxy;
    SettingsController* m_settings;
    AppActions* m_actions;
    ExitPicker* m_exitPicker = nullptr;
    QLabel* m_listenLabel = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_connectionsLabel = nullptr;
    QLabel* m_speedLabel = nullptr;
    QTabWidget* m_pages = nullptr;
    TrafficPage* m_trafficPage = nullptr;
    bool m_hideOnClose = false;
};

} // namespace Switchyard
