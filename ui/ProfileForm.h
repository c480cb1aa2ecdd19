#pragma once

#include "UpstreamProfile.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace Switchyard {

/// The form of one exit: name, type, host, port, user name, password, and the
/// two options that only apply to one type (resolve names at the exit for
/// SOCKS5, accept a self-signed certificate for HTTPS, with a warning while it
/// is on). A proxy URI pasted into its URI field fills the form.
///
/// The password field never shows a stored password: it starts empty, and
/// only what the user types (or a pasted URI brings) counts as a new one
/// (passwordEdited()). A stored password is deleted only by ticking "Remove
/// the stored password" (an empty field keeps it).
class ProfileForm : public QWidget
{
    Q_OBJECT
public:
    explicit ProfileForm(QWidget* parent = nullptr);

    /// Shows profile (its id is kept for profile()); the password field is
    /// emptied. hasStoredPassword changes only the field's placeholder.
    void setProfile(const UpstreamProfile& profile, bool hasStoredPassword = false);
    /// An empty form for a new exit.
    void clear();
    /// The exit as the form describes it, with the typed password.
    UpstreamProfile profile() const;
    /// Whether the password field holds a new password to store.
    bool passwordEdited() const { return m_passwordEdited; }
    /// Whether the user asked to delete the stored password (the box is only
    /// shown when there is one).
    bool removePasswordRequested() const;
    /// Empties the password field once its content has been handed over.
    void forgetPassword();

    /// What is wrong with the form, or an empty string; also shown in it.
    QString validate();
    /// Shows an error (from validate(), or the controller's refusal) in the form.
    void setError(const QString& error);
    QString error() const;

    /// Fills the form from the URI field; on failure says why next to it and
    /// leaves the form as it was. Returns whether it filled the form.
    bool fillFromUri();
    QString uriError() const;

    QLineEdit* nameEdit() const { return m_name; }
    QComboBox* typeBox() const { return m_type; }
    QLineEdit* hostEdit() const { return m_host; }
    QSpinBox* portBox() const { return m_port; }
    QLineEdit* usernameEdit() const { return m_username; }
    QLineEdit* passwordEdit() const { return m_password; }
    QCheckBox* removePasswordBox() const { return m_removePassword; }
    QCheckBox* resolveAtExitBox() const { return m_resolveAtExit; }
    QCheckBox* allowSelfSignedBox() const { return m_allowSelfSigned; }
    QLabel* selfSignedWarning() const { return m_selfSignedWarning; }
    QLineEdit* uriEdit() const { return m_uri; }
    QPushButton* fillButton() const { return m_fill; }

private:
    UpstreamProfile::Type type() const;
    void setType(UpstreamProfile::Type type);
    void onTypeChanged();
    void updateOptions();

    QString m_id;
    UpstreamProfile::Type m_previousType = UpstreamProfile::Type::Http;
    bool m_passwordEdited = false;

    QLineEdit* m_uri;
    QPushButton* m_fill;
    QLabel* m_uriError;
    QLineEdit* m_name;
    QComboBox* m_type;
    QLineEdit* m_host;
    QSpinBox* m_port;
    QLineEdit* m_username;
    QLineEdit* m_password;
    QCheckBox* m_removePassword;
    QCheckBox* m_resolveAtExit;
    QCheckBox* m_allowSelfSigned;
    QLabel* m_selfSignedWarning;
    QLabel* m_error;
};

} // namespace Switchyard
