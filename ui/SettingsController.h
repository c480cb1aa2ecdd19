#pragma once

#include "EngineSettings.h"
#include "ProfileChecker.h"
#include "SecretResult.h"
#include "SettingsDocument.h"
#include "SettingsImport.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <functional>

namespace Switchyard {

class SecretStore;
class SecretsLoader;
class SettingsStore;

/// The one place the window's pages change settings. It holds the live settings
/// document, saves every change at once (atomically, through SettingsStore) and
/// hands the engine the settings that follow from it, so that an edit in the
/// rules editor, the exits editor, the exit picker or the traffic view's "route
/// this host" takes effect for the next connection and survives a restart.
///
/// A change that would not survive a save (an invalid rule pattern, an exit
/// that does not validate) is refused with the reason and nothing changes.
///
/// Passwords: the document's profiles carry none (they are in the keychain);
/// engineSettings() fills them in from the SecretsLoader and leaves out every
/// exit whose password is not there yet, so that its traffic is blocked, never
/// sent with an empty password (fail closed).
class SettingsController : public QObject
{
    Q_OBJECT
public:
    /// Options given on the command line for this run only, put on top of the
    /// engine settings and never saved.
    using Overrides = std::function<void(EngineSettings*)>;

    /// store, secrets and loader must outlive the controller; loader already
    /// reads what document needs.
    SettingsController(const SettingsDocument& document, SettingsStore* store, SecretStore* secrets,
                       SecretsLoader* loader, Overrides overrides = {}, QObject* parent = nullptr);

    const SettingsDocument& document() const { return m_document; }
    const QList<UpstreamProfile>& profiles() const { return m_document.engine.profiles; }
    const RuleList& routing() const { return m_document.engine.routing; }
    const UiPreferences& uiPreferences() const { return m_document.ui; }
    /// What the engine runs with: the document, the passwords that are ready,
    /// the command line's overrides.
    EngineSettings engineSettings() const;
    /// The exit with this id, or nullptr.
    const UpstreamProfile* profile(const QString& id) const { return m_document.profile(id); }
    /// What the exit picker shows as the current choice.
    RouteAction defaultAction() const { return m_document.engine.routing.defaultAction; }

    /// Replaces the rule list (editor: add, edit, delete, reorder, enable).
    /// Refused, with *error naming the first bad rule, if any pattern is invalid.
    bool setRules(const QList<Rule>& rules, QString* error = nullptr);
    /// Puts one rule first, so that it wins over the others ("route this host").
    bool addRuleFirst(const Rule& rule, QString* error = nullptr);
    /// The exit picker: where traffic no rule matches goes.
    bool setDefaultAction(const RouteAction& action, QString* error = nullptr);

    /// Adds the exit, or replaces the one with the same id (a rename keeps the
    /// keychain entry). Refused when profile.validate() fails.
    bool saveProfile(const UpstreamProfile& profile, QString* error = nullptr);
    /// Removes the exit and deletes its keychain entry. Rules and the default
    /// action that used it now block their traffic (fail closed); the caller
    /// may warn beforehand with rulesUsing().
    bool removeProfile(const QString& id, QString* error = nullptr);
    /// How many rules (and whether the default action) route through id.
    int rulesUsing(const QString& id) const;

    /// Stores the exit's password in the keychain; done runs with the outcome.
    /// On failure nothing is stored anywhere: the caller may ask the user and
    /// then call keepPasswordForThisRun().
    /// Deletes the exit's password from the keychain (and any copy kept for
    /// this run); the exit then goes on without one.
    void removePassword(const QString& profileId, QObject* context,
                        std::function<void(const SecretResult&)> done);
    void setPassword(const QString& profileId, const QString& password, QObject* context,
                     std::function<void(const SecretResult&)> done);
    /// For when the keychain cannot be used and the user agreed: the password
    /// lives in memory until the app quits, and is never written anywhere.
    void keepPasswordForThisRun(const QString& profileId, const QString& password);
    /// Whether the exit needs a password that is not usable yet (pending, or
    /// the keychain failed); its traffic is blocked meanwhile.
    /// Whether the keychain may hold a password for the exit (read, being
    /// read or unreadable); false once it is known to have none.
    bool mayHaveStoredPassword(const QString& profileId) const;
    bool isWaitingForPassword(const QString& profileId) const;

    /// Whether clients must log in (Proxy-Authorization Basic, SOCKS5 RFC 1929)
    /// and with which user name. Refused when required without a user name.
    bool setInboundAuth(bool required, const QString& username, QString* error = nullptr);
    /// Stores the password clients must give in the keychain; as setPassword().
    void setInboundPassword(const QString& password, QObject* context,
                            std::function<void(const SecretResult&)> done);
    /// As keepPasswordForThisRun(), for the inbound password.
    void keepInboundPasswordForThisRun(const QString& password);
    /// Inbound authentication is on but its password is not usable (not set,
    /// pending or the keychain failed): every client is refused meanwhile.
    bool isWaitingForInboundPassword() const;

    /// Listen address and port (settings page). The engine restarts its listener.
    bool setListen(const QHostAddress& address, quint16 port, QString* error = nullptr);
    bool setUiPreferences(const UiPreferences& preferences, QString* error = nullptr);

    /// Writes the configuration (no passwords, no window state) to path.
    bool exportTo(const QString& path, QString* error = nullptr) const;
    /// Takes in an export (SettingsStore::importFrom): replaced or merged, then
    /// saved and applied. Exits it removes lose their keychain entries.
    /// Refused when the import has errors or would leave an invalid rule.
    bool importFrom(const SettingsImport& import, SettingsImport::Mode mode,
                    QString* error = nullptr);

    /// The last check of an exit (the exits editor's Check button); pickers
    /// mark an exit whose last check failed.
    void setCheckResult(const QString& profileId, const ProfileCheckResult& result);
    /// nullptr when the exit was never checked in this run.
    const ProfileCheckResult* checkResult(const QString& profileId) const;
    /// The last check failed.
    bool isFailing(const QString& profileId) const;

    /// Human-readable name of a route ("Direct", "Blocked", the exit's name).
    QString routeName(const RouteAction& action) const;
    /// What exit pickers offer, in order: Direct, every exit, Block.
    QList<RouteAction> pickerChoices() const;
    /// A picker's text for a choice: the route's name, marked when the exit is
    /// failing or waiting for its password (its traffic is blocked then).
    QString pickerText(const RouteAction& action) const;
    /// The choice is an exit that cannot carry traffic right now.
    bool isUnusable(const RouteAction& action) const;

Q_SIGNALS:
    void rulesChanged();
    void profilesChanged();
    void defaultActionChanged(const Switchyard::RouteAction& action);
    void uiPreferencesChanged();
    /// The engine should now run with settings (a rule, exit, password or the
    /// listen address changed).
    void engineSettingsChanged(const Switchyard::EngineSettings& settings);
    void checkResultChanged(const QString& profileId);
    /// Whether an exit can carry traffic may have changed: its check result, or
    /// its password arrived from the keychain or failed. Pickers refresh marks.
    void exitStateChanged(const QString& profileId);
    /// The inbound password arrived from the keychain, failed, or changed.
    void inboundStateChanged();
    /// Something the user should know about a save that worked (a file changed
    /// by another program was kept aside, …).
    void notice(const QString& text);

private:
    /// Saves candidate; on success it becomes the document. Returns false with
    /// *error when the file could not be written (the document stays as it was).
    bool commit(const SettingsDocument& candidate, QString* error);
    static bool fail(QString* error, const QString& reason);

    SettingsDocument m_document;
    SettingsStore* m_store;
    SecretStore* m_secrets;
    SecretsLoader* m_loader;
    Overrides m_overrides;
    QHash<QString, ProfileCheckResult> m_checks;
};

} // namespace Switchyard
