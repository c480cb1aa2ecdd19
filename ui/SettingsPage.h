#pragma once

#include "SettingsImport.h"

#include <QWidget>
#include <functional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Switchyard {

class SettingsController;

/// The settings page: where Switchyard listens, how the system proxy points at
/// it, what closing the window does, start at login, the language, how many
/// rows the traffic view keeps, and export / import of the whole
/// configuration. Every change is saved at once through the controller.
class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    /// Asks for a file name: (save, suggested name) → path, empty when cancelled.
    using FileChooser = std::function<QString(bool save, const QString& suggestion)>;
    /// Asks whether to keep a password in memory for this run when the keychain
    /// cannot take it (the message says why); true: keep it.
    using KeepForThisRunQuestion = std::function<bool(const QString& message)>;
    /// Asks how to take in an import (merge or replace); false when cancelled.
    using ImportModeChooser =
        std::function<bool(const SettingsImport& import, SettingsImport::Mode* mode)>;

    explicit SettingsPage(SettingsController* settings, QWidget* parent = nullptr);

    /// Tests replace the dialogs.
    void setFileChooser(FileChooser chooser) { m_chooseFile = std::move(chooser); }
    void setImportModeChooser(ImportModeChooser chooser) { m_chooseMode = std::move(chooser); }
    void setKeepForThisRunQuestion(KeepForThisRunQuestion question)
    {
        m_askKeep = std::move(question);
    }
    /// Saves the client login as the form shows it (the Save login button).
    void saveLogin();

    /// The languages offered: code ("" = the system's) and the name in that language.
    static QList<QPair<QString, QString>> languages();

    void exportConfiguration();
    void importConfiguration();
    /// Shows the start-at-login box checked or not without asking for a change
    /// (when the change failed).
    void setAutostartShown(bool enabled);
    /// The last message shown under the page (tests read it).
    QString message() const;

Q_SIGNALS:
    /// Start at login was switched; the owner writes or removes the entry.
    void autostartRequested(bool enabled);

private:
    void load();
    void applyListen();
    void saveUi(const std::function<void(struct UiPreferences&)>& change);
    void showMessage(const QString& text, bool error);
    void updateLoginState();

    SettingsController* m_settings;
    QLineEdit* m_listenEdit;
    QButtonGroup* m_systemProxyMode;
    QCheckBox* m_authRequired;
    QLineEdit* m_authUser;
    QLineEdit* m_authPassword;
    QLabel* m_authState;
    QCheckBox* m_closeToTray;
    QCheckBox* m_autostart;
    QComboBox* m_language;
    QSpinBox* m_maxEntries;
    QLabel* m_message;
    FileChooser m_chooseFile;
    ImportModeChooser m_chooseMode;
    KeepForThisRunQuestion m_askKeep;
};

} // namespace Switchyard
