#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

namespace Switchyard {

/// What the window remembers between runs. The engine never reads these; they
/// live in the settings document so that one file holds everything.
struct UiPreferences
{
    /// How "system proxy" points the desktop at Switchyard.
    enum class SystemProxyMode {
        Manual, ///< HTTP, HTTPS and SOCKS proxy set to the listen address
        Pac,    ///< the desktop reads the PAC file Switchyard serves
    };

    QByteArray windowGeometry; ///< QWidget::saveGeometry(); empty: let the window place itself
    QByteArray windowState;    ///< QMainWindow::saveState() (docks and toolbars)
    /// Column widths in pixels, per table (keyed by the view's own name).
    QMap<QString, QList<int>> columnWidths;
    bool closeToTray = true;             ///< closing the window hides it (when there is a tray)
    bool closeToTrayNoticeShown = false; ///< "Switchyard keeps running in the tray" was said
    bool proxyEnabled = true;            ///< the proxy was on when the app last quit
    bool systemProxyEnabled = false;     ///< the system proxy pointed at us when the app last quit
    bool autostart = false;              ///< start at login (off by default)
    QString language;                    ///< empty follows the system; else "de", "pt_BR" …
    int maxLogEntries = 20'000;          ///< rows the traffic view keeps (oldest go first)
    SystemProxyMode systemProxyMode = SystemProxyMode::Manual;

    static constexpr int minLogEntries = 100;
    static constexpr int maxLogEntriesLimit = 10'000'000;

    bool operator==(const UiPreferences& other) const = default;
};

} // namespace Switchyard
