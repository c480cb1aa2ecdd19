#pragma once

#include "RouteAction.h"

#include <QComboBox>

namespace Switchyard {

class SettingsController;

/// The toolbar's exit picker: Direct, every exit, Block. Choosing one makes it
/// the route of traffic that no rule matches, at once for new connections. An
/// exit whose last check failed, or whose password is not there, is marked.
class ExitPicker : public QComboBox
{
    Q_OBJECT
public:
    explicit ExitPicker(SettingsController* settings, QWidget* parent = nullptr);

    /// The choice at index (for tests and the tray's mirror of it).
    RouteAction choiceAt(int index) const;
    /// The index showing action, or -1.
    int indexOf(const RouteAction& action) const;

Q_SIGNALS:
    /// The choice could not be saved; text says why (the picker shows the old one).
    void failed(const QString& text);

private:
    void rebuild();
    void showCurrent();
    void onActivated(int index);

    SettingsController* m_settings;
};

} // namespace Switchyard
