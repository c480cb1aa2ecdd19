#pragma once

#include "TrafficRouteKind.h"

#include <QColor>
#include <QIcon>
#include <QPalette>

namespace Switchyard {

/// The colours and route badges of the traffic table, derived from a palette so
/// that they stay readable on light and dark themes alike: every text colour is
/// pushed away from the base colour until it has a contrast ratio of at least
/// 4.5 (WCAG AA) against it.
class TrafficStyle
{
public:
    /// No colours and no icons: rows drawn in the palette's text colour.
    TrafficStyle() = default;
    static TrafficStyle fromPalette(const QPalette& palette);

    QColor errorText() const { return m_errorText; }
    QColor blockedText() const { return m_blockedText; }
    /// Exchanges still running.
    QColor runningText() const { return m_runningText; }
    /// A small badge per route kind: a green disc for direct, a blue diamond for
    /// an exit, a red barred circle for blocked, a grey square for local.
    QIcon routeIcon(TrafficRouteKind kind) const;
    bool isDark() const { return m_dark; }

    /// WCAG contrast ratio between two colours (1 to 21).
    static double contrastRatio(const QColor& a, const QColor& b);
    /// color with its lightness moved away from background until the ratio is met.
    static QColor readableOn(QColor color, const QColor& background, double ratio = 4.5);

private:
    QColor m_errorText;
    QColor m_blockedText;
    QColor m_runningText;
    QIcon m_direct;
    QIcon m_exit;
    QIcon m_blocked;
    QIcon m_local;
    bool m_dark = false;
};

} // namespace Switchyard
