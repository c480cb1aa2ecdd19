#include "RouteActionCombo.h"

#include "SettingsController.h"

#include <QSignalBlocker>
#include <QStyle>
#include <algorithm>

namespace Switchyard {

RouteActionCombo::RouteActionCombo(SettingsController* controller, QWidget* parent)
    : QComboBox(parent), m_controller(controller)
{
    rebuild();
    connect(m_controller, &SettingsController::profilesChanged, this, &RouteActionCombo::rebuild);
    // A check result, or a password that arrives or fails, changes what an
    // exit's entry says.
    connect(m_controller, &SettingsController::exitStateChanged, this, &RouteActionCombo::rebuild);
    connect(m_controller, &SettingsController::engineSettingsChanged, this,
            &RouteActionCombo::rebuild);
    connect(this, &QComboBox::currentIndexChanged, this,
            [this] { Q_EMIT actionChanged(action()); });
}

RouteAction RouteActionCombo::action() const
{
    const int index = currentIndex();
    if (index < 0)
        return RouteAction::direct();
    RouteAction result;
    result.kind = static_cast<RouteAction::Kind>(itemData(index, KindRole).toInt());
    result.profileId = itemData(index, ProfileIdRole).toString();
    return result;
}

int RouteActionCombo::indexOf(const RouteAction& wanted) const
{
    for (int i = 0; i < count(); ++i) {
        if (static_cast<RouteAction::Kind>(itemData(i, KindRole).toInt()) == wanted.kind &&
            itemData(i, ProfileIdRole).toString() == wanted.profileId)
            return i;
    }
    return -1;
}

void RouteActionCombo::setAction(const RouteAction& wanted)
{
    if (wanted.kind == RouteAction::Kind::Profile && !m_controller->profile(wanted.profileId) &&
        m_missingId != wanted.profileId) {
        m_missingId = wanted.profileId;
        rebuild();
    }
    setCurrentIndex(std::max(0, indexOf(wanted)));
}

void RouteActionCombo::addActionItem(const QString& text, const RouteAction& action)
{
    addItem(text);
    const int index = count() - 1;
    setItemData(index, static_cast<int>(action.kind), KindRole);
    setItemData(index, action.profileId, ProfileIdRole);
}

void RouteActionCombo::rebuild()
{
    const RouteAction current = action();
    QSignalBlocker blocker(this);
    clear();
    addActionItem(tr("Direct"), RouteAction::direct());
    addActionItem(tr("Block"), RouteAction::block());
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const UpstreamProfile& profile : m_controller->profiles()) {
        QString text = tr("Through %1").arg(profile.name);
        bool bad = false;
        if (m_controller->isWaitingForPassword(profile.id)) {
            text = tr("Through %1 (waiting for password)").arg(profile.name);
            bad = true;
        } else if (m_controller->isFailing(profile.id)) {
            text = tr("Through %1 (failing)").arg(profile.name);
            bad = true;
        }
        addActionItem(text, RouteAction::through(profile.id));
        if (bad)
            setItemIcon(count() - 1, warning);
    }
    if (!m_missingId.isEmpty() && !m_controller->profile(m_missingId)) {
        addActionItem(tr("Missing exit (blocked)"), RouteAction::through(m_missingId));
        setItemIcon(count() - 1, style()->standardIcon(QStyle::SP_MessageBoxCritical));
        setItemData(count() - 1,
                    tr("The exit this rule routes through was deleted: its traffic is blocked "
                       "until you pick another action."),
                    Qt::ToolTipRole);
    }
    const int index = indexOf(current);
    setCurrentIndex(index >= 0 ? index : 0);
    blocker.unblock();
    // The chosen exit went away: tell whoever follows the choice.
    if (index < 0)
        Q_EMIT actionChanged(action());
}

} // namespace Switchyard
