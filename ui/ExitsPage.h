#pragma once

#include "ProfileChecker.h"
#include "SecretResult.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace Switchyard {

class ExitListModel;
class ProfileForm;
class SettingsController;

/// The exits editor: the list of exits with their status, the form of the
/// selected one, Add / Save / Delete, and a Check button that tries the exit
/// (as saved, with its password) against a URL in the background.
///
/// Changes go through SettingsController only. Passwords go to the system
/// keychain (SettingsController::setPassword); when there is none, or it is
/// locked, the user is told why and asked whether to keep the password in
/// memory for this run only. Nothing else ever holds it.
///
/// Questions are asked through the virtual functions below, so that tests can
/// answer them without a modal loop.
class ExitsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ExitsPage(SettingsController* controller, QWidget* parent = nullptr);

    ExitListModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    ProfileForm* form() const { return m_form; }
    QPushButton* newButton() const { return m_new; }
    QPushButton* addButton() const { return m_add; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* deleteButton() const { return m_delete; }
    QPushButton* checkButton() const { return m_check; }
    QLineEdit* checkUrlEdit() const { return m_checkUrl; }
    QLabel* checkResultLabel() const { return m_checkResult; }
    /// Keychain outcomes and other messages of the last action.
    QLabel* messageLabel() const { return m_message; }

    /// The id of the selected exit, or an empty string.
    QString selectedId() const;
    void selectExit(const QString& profileId);
    /// A check is running.
    bool isChecking() const { return !m_checker.isNull(); }

public Q_SLOTS:
    /// Clears the selection and the form, for a new exit.
    void newExit();
    /// Saves the form as a new exit.
    void addExit();
    /// Saves the form over the selected exit (a rename keeps its password).
    void saveExit();
    void deleteExit();
    /// Checks the selected exit as saved.
    void checkExit();

Q_SIGNALS:
    /// The keychain answered for a password typed in the form (and the user
    /// was asked, if it failed).
    void passwordHandled(const QString& profileId, const Switchyard::SecretResult& result);
    void checkFinished(const QString& profileId, const Switchyard::ProfileCheckResult& result);

protected:
    /// Asks whether to delete; true to go ahead.
    virtual bool confirmDelete(const QString& question);
    /// The keychain could not store a password (message says why): true to
    /// keep it in memory for this run only.
    virtual bool askKeepForThisRun(const QString& message);

private:
    bool saveForm(bool asNew);
    void removeStoredPassword(const QString& profileId, const QString& name);
    void storePassword(const QString& profileId, const QString& name, const QString& password);
    void onPasswordStored(const QString& profileId, const QString& name, const QString& password,
                          const SecretResult& result);
    void onCheckFinished(const QString& profileId, const ProfileCheckResult& result);
    void showSelected();
    void showMessage(const QString& text);
    void updateButtons();

    SettingsController* m_controller;
    ExitListModel* m_model;
    QTableView* m_view;
    ProfileForm* m_form;
    QPushButton* m_new;
    QPushButton* m_add;
    QPushButton* m_save;
    QPushButton* m_delete;
    QLineEdit* m_checkUrl;
    QPushButton* m_check;
    QLabel* m_checkResult;
    QLabel* m_message;
    QPointer<ProfileChecker> m_checker;
    QString m_checkingId;
};

} // namespace Switchyard
