#pragma once

#include "RouteAction.h"

#include <QComboBox>

namespace Switchyard {

class SettingsController;

/// Picks where traffic goes: Direct, Block, or through one of the exits the
/// controller knows. Exits whose last check failed, or whose password is not
/// usable yet, say so in their entry, so that no one picks a broken exit
/// unawares. Follows the controller: the list is rebuilt when exits or check
/// results change, keeping the current choice.
class RouteActionCombo : public QComboBox
{
    Q_OBJECT
public:
    explicit RouteActionCombo(SettingsController* controller, QWidget* parent = nullptr);

    RouteAction action() const;
    /// Selects action. An exit that no longer exists gets an entry of its own
    /// ("missing exit"), so that a rule edited without touching its action keeps
    /// it rather than silently changing where its traffic goes.
    void setAction(const RouteAction& action);
    /// The entry index of action, or -1.
    int indexOf(const RouteAction& action) const;

Q_SIGNALS:
    void actionChanged(const Switchyard::RouteAction& action);

private:
    enum Role { KindRole = Qt::UserRole + 1, ProfileIdRole };

    void rebuild();
    void addActionItem(const QString& text, const RouteAction& action);

    SettingsController* m_controller;
    /// An exit id kept although the controller no longer has it (see setAction).
    QString m_missingId;
};

} // namespace Switchyard
