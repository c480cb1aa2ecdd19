#include "ExitPicker.h"

#include "SettingsController.h"

#include <QApplication>
#include <QSignalBlocker>
#include <QStyle>

namespace Switchyard {

namespace {
constexpr int routeKindRole = Qt::UserRole;
constexpr int profileIdRole = Qt::UserRole + 1;
} // namespace

ExitPicker::ExitPicker(SettingsController* settings, QWidget* parent)
    : QComboBox(parent), m_settings(settings)
{
    setObjectName(QStringLiteral("exitPicker"));
    setToolTip(tr("Where traffic goes when no rule matches it"));
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(this, &QComboBox::activated, this, &ExitPicker::onActivated);
    connect(m_settings, &SettingsController::profilesChanged, this, &ExitPicker::rebuild);
    connect(m_settings, &SettingsController::exitStateChanged, this, &ExitPicker::rebuild);
    connect(m_settings, &SettingsController::defaultActionChanged, this, &ExitPicker::showCurrent);
    rebuild();
}

RouteAction ExitPicker::choiceAt(int index) const
{
    return {RouteAction::Kind(itemData(index, routeKindRole).toInt()),
            itemData(index, profileIdRole).toString()};
}

int ExitPicker::indexOf(const RouteAction& action) const
{
    for (int i = 0; i < count(); ++i) {
        if (choiceAt(i) == action)
            return i;
    }
    return -1;
}

void ExitPicker::rebuild()
{
    const QSignalBlocker blocker(this);
    clear();
    const QIcon warning = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const RouteAction& choice : m_settings->pickerChoices()) {
        addItem(m_settings->isUnusable(choice) ? warning : QIcon(), m_settings->pickerText(choice));
        setItemData(count() - 1, int(choice.kind), routeKindRole);
        setItemData(count() - 1, choice.profileId, profileIdRole);
    }
    showCurrent();
}

void ExitPicker::showCurrent()
{
    const QSignalBlocker blocker(this);
    setCurrentIndex(indexOf(m_settings->defaultAction()));
}

void ExitPicker::onActivated(int index)
{
    QString error;
    if (!m_settings->setDefaultAction(choiceAt(index), &error)) {
        showCurrent();
        Q_EMIT failed(error);
    }
}

} // namespace Switchyard
