#include "SettingsController.h"

#include "CompiledRule.h"
#include "RuleText.h"
#include "SecretStore.h"
#include "SecretsLoader.h"
#include "SettingsStore.h"

namespace Switchyard {

SettingsController::SettingsController(const SettingsDocument& document, SettingsStore* store,
                                       SecretStore* secrets, SecretsLoader* loader,
                                       Overrides overrides, QObject* parent)
    : QObject(parent), m_document(document.withoutSecrets()), m_store(store), m_secrets(secrets),
      m_loader(loader), m_overrides(std::move(overrides))
{
    // A password that arrives (or changes) makes its exit usable: the engine
    // gets it for the next connection.
    connect(m_loader, &SecretsLoader::ready, this, [this](const QString& key) {
        Q_EMIT engineSettingsChanged(engineSettings());
        if (const QString id = SecretStore::profileIdOf(key); !id.isEmpty())
            Q_EMIT exitStateChanged(id);
        else if (key == SecretStore::inboundKey())
            Q_EMIT inboundStateChanged();
    });
}

EngineSettings SettingsController::engineSettings() const
{
    SettingsDocument filled = m_document;
    const QStringList notReady = m_loader->fillIn(&filled);
    QList<UpstreamProfile>& profiles = filled.engine.profiles;
    for (const QString& key : notReady) {
        const QString id = SecretStore::profileIdOf(key);
        if (!id.isEmpty())
            profiles.removeIf([&id](const UpstreamProfile& exit) { return exit.id == id; });
    }
    EngineSettings settings = filled.engine;
    if (m_overrides)
        m_overrides(&settings);
    return settings;
}

bool SettingsController::setRules(const QList<Rule>& rules, QString* error)
{
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const Rule& rule = rules.at(i);
        const QString problem = CompiledRule::checkPattern(rule.matcher, rule.pattern);
        if (!problem.isEmpty())
            return fail(error, tr("Rule %1 (%2) cannot be saved: %3")
                                   .arg(i + 1)
                                   .arg(RuleText::format(rule, profiles()), problem));
    }
    if (rules == m_document.engine.routing.rules)
        return true;
    SettingsDocument candidate = m_document;
    candidate.engine.routing.rules = rules;
    if (!commit(candidate, error))
        return false;
    Q_EMIT rulesChanged();
    Q_EMIT engineSettingsChanged(engineSettings());
    return true;
}

bool SettingsController::addRuleFirst(const Rule& rule, QString* error)
{
    QList<Rule> rules = m_document.engine.routing.rules;
    // The same rule again would only shadow itself: move it to the top instead.
    rules.removeIf([&rule](const Rule& existing) {
        return existing.matcher == rule.matcher && existing.pattern == rule.pattern;
    });
    rules.prepend(rule);
    return setRules(rules, error);
}

bool SettingsController::setDefaultAction(const RouteAction& action, QString* error)
{
    if (action.kind == RouteAction::Kind::Profile && !profile(action.profileId))
        return fail(error, tr("There is no exit with the id \"%1\".").arg(action.profileId));
    if (action == m_document.engine.routing.defaultAction)
        return true;
    SettingsDocument candidate = m_document;
    candidate.engine.routing.defaultAction = action;
    if (!commit(candidate, error))
        return false;
    Q_EMIT defaultActionChanged(action);
    Q_EMIT engineSettingsChanged(engineSettings());
    return true;
}

bool SettingsController::saveProfile(const UpstreamProfile& profile, QString* error)
{
    UpstreamProfile stored = profile;
    stored.password.clear(); // the keychain's, never the document's
    if (stored.id.isEmpty())
        stored.id = UpstreamProfile::newId();
    if (const QString problem = stored.validate(); !problem.isEmpty())
        return fail(error, problem);
    SettingsDocument candidate = m_document;
    QList<UpstreamProfile>& list = candidate.engine.profiles;
    bool replaced = false;
    for (UpstreamProfile& existing : list) {
        if (existing.id == stored.id) {
            if (existing == stored)
                return true;
            existing = stored;
            replaced = true;
        }
    }
    if (!replaced)
        list.append(stored);
    if (!commit(candidate, error))
        return false;
    // A user name added or removed changes which passwords are needed.
    m_loader->load(m_document);
    Q_EMIT profilesChanged();
    Q_EMIT engineSettingsChanged(engineSettings());
    return true;
}

bool SettingsController::removeProfile(const QString& id, QString* error)
{
    if (!profile(id))
        return fail(error, tr("There is no exit with the id \"%1\".").arg(id));
    SettingsDocument candidate = m_document;
    candidate.engine.profiles.removeIf(
        [&id](const UpstreamProfile& exit) { return exit.id == id; });
    if (!commit(candidate, error))
        return false;
    // The entry goes only once the file no longer names the exit. Should the
    // keychain refuse, the entry is orphaned but never read: ids are not reused.
    m_secrets->remove(SecretStore::profileKey(id), this, [](const SecretResult&) {});
    m_checks.remove(id);
    m_loader->load(m_document);
    Q_EMIT profilesChanged();
    Q_EMIT engineSettingsChanged(engineSettings());
    return true;
}

int SettingsController::rulesUsing(const QString& id) const
{
    int count = 0;
    for (const Rule& rule : routing().rules) {
        if (rule.action.kind == RouteAction::Kind::Profile && rule.action.profileId == id)
            ++count;
    }
    return count;
}

void SettingsController::setPassword(const QString& profileId, const QString& password,
                                     QObject* context,
                                     std::function<void(const SecretResult&)> done)
{
    m_secrets->write(SecretStore::profileKey(profileId), password, context, std::move(done));
}

void SettingsController::removePassword(const QString& profileId, QObject* context,
                                        std::function<void(const SecretResult&)> done)
{
    m_secrets->remove(SecretStore::profileKey(profileId), context, std::move(done));
}

void SettingsController::keepPasswordForThisRun(const QString& profileId, const QString& password)
{
    m_secrets->keepForThisRun(SecretStore::profileKey(profileId), password);
}

bool SettingsController::mayHaveStoredPassword(const QString& profileId) const
{
    const SecretsLoader::State state = m_loader->state(SecretStore::profileKey(profileId));
    return state != SecretsLoader::State::Missing && state != SecretsLoader::State::NotNeeded;
}

bool SettingsController::isWaitingForPassword(const QString& profileId) const
{
    const SecretsLoader::State state = m_loader->state(SecretStore::profileKey(profileId));
    return state == SecretsLoader::State::Pending || state == SecretsLoader::State::Failed;
}

bool SettingsController::setInboundAuth(bool required, const QString& username, QString* error)
{
    const QString user = username.trimmed();
    if (required && user.isEmpty())
        return fail(error, tr("Clients need a user name to log in with."));
    // RFC 1929 carries the user name in one length byte.
    if (user.toUtf8().size() > 255)
        return fail(error, tr("The user name is longer than 255 bytes."));
    const InboundAuth& current = m_document.engine.inboundAuth;
    if (current.required == required && current.username == user)
        return true;
    SettingsDocument candidate = m_document;
    candidate.engine.inboundAuth.required = required;
    candidate.engine.inboundAuth.username = user;
    if (!commit(candidate, error))
        return false;
    m_loader->load(m_document);
    Q_EMIT engineSettingsChanged(engineSettings());
    return true;
}

void SettingsController::setInboundPassword(const QString& password, QObject* context,
                                            std::function<void(const SecretResult&)> done)
{
    m_secrets->write(SecretStore::inboundKey(), password, context, std::move(done));
}

void SettingsController::keepInboundPasswordForThisRun(const QString& password)
{
    m_secrets->keepForThisRun(SecretStore::inboundKey(), password);
}

bool SettingsController::isWaitingForInboundPassword() const
{
    if (!m_document.engine.inboundAuth.required)
        return false;
    return m_loader->state(SecretStore::inboundKey()) != SecretsLoader::State::Ready;
}

bool SettingsController::setListen(const QHostAddress& address, quint16 port, QString* error)
{
    if (address.isNull())
        return fail(error, tr("The listen address is not an IP address."));
    if (address == m_document.engine.listenAddress && port == m_document.engine.listenPort)
        return true;
    SettingsDocument candidate = m_document;
    candidate.engine.listenAddress = address;
    candidate.engine.listenPort = port;
    if (!commit(candidate, error))
        return false;
    Q_EMIT engineSettingsChanged(engineSettings());
    return true;
}

bool SettingsController::setUiPreferences(const UiPreferences& preferences, QString* error)
{
    if (preferences == m_document.ui)
        return true;
    SettingsDocument candidate = m_document;
    candidate.ui = preferences;
    if (!commit(candidate, error))
        return false;
    Q_EMIT uiPreferencesChanged();
    return true;
}

bool SettingsController::exportTo(const QString& path, QString* error) const
{
    const SettingsSaveResult saved = SettingsStore::exportTo(path, m_document);
    if (!saved.ok())
        return fail(error, saved.error);
    return true;
}

bool SettingsController::importFrom(const SettingsImport& import, SettingsImport::Mode mode,
                                    QString* error)
{
    if (!import.ok())
        return fail(error, tr("%1 cannot be imported; it has errors.").arg(import.filePath));
    SettingsDocument candidate = m_document;
    const QStringList removed = import.applyTo(&candidate, mode);
    const QList<Rule>& rules = candidate.engine.routing.rules;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        if (const QString problem =
                CompiledRule::checkPattern(rules.at(i).matcher, rules.at(i).pattern);
            !problem.isEmpty())
            return fail(error,
                        tr("Rule %1 of the import cannot be used: %2").arg(i + 1).arg(problem));
    }
    if (!commit(candidate.withoutSecrets(), error))
        return false;
    for (const QString& id : removed) {
        m_secrets->remove(SecretStore::profileKey(id), this, [](const SecretResult&) {});
        m_checks.remove(id);
    }
    m_loader->load(m_document);
    Q_EMIT profilesChanged();
    Q_EMIT rulesChanged();
    Q_EMIT defaultActionChanged(defaultAction());
    Q_EMIT uiPreferencesChanged();
    Q_EMIT engineSettingsChanged(engineSettings());
    return true;
}

void SettingsController::setCheckResult(const QString& profileId, const ProfileCheckResult& result)
{
    m_checks.insert(profileId, result);
    Q_EMIT checkResultChanged(profileId);
    Q_EMIT exitStateChanged(profileId);
}

const ProfileCheckResult* SettingsController::checkResult(const QString& profileId) const
{
    const auto found = m_checks.constFind(profileId);
    return found == m_checks.constEnd() ? nullptr : &found.value();
}

bool SettingsController::isFailing(const QString& profileId) const
{
    const ProfileCheckResult* result = checkResult(profileId);
    return result && !result->ok;
}

QString SettingsController::routeName(const RouteAction& action) const
{
    switch (action.kind) {
    case RouteAction::Kind::Direct:
        return tr("Direct");
    case RouteAction::Kind::Block:
        return tr("Blocked");
    case RouteAction::Kind::Profile:
        if (const UpstreamProfile* exit = profile(action.profileId))
            return exit->name;
        return tr("Missing exit (blocked)");
    }
    return {};
}

QList<RouteAction> SettingsController::pickerChoices() const
{
    QList<RouteAction> choices{RouteAction::direct()};
    for (const UpstreamProfile& exit : profiles())
        choices.append(RouteAction::through(exit.id));
    choices.append(RouteAction::block());
    return choices;
}

QString SettingsController::pickerText(const RouteAction& action) const
{
    if (action.kind == RouteAction::Kind::Block)
        return tr("Block (unmatched traffic)");
    const QString name = routeName(action);
    if (action.kind != RouteAction::Kind::Profile || !profile(action.profileId))
        return name;
    if (isFailing(action.profileId))
        return tr("%1 — failing").arg(name);
    if (isWaitingForPassword(action.profileId))
        return tr("%1 — no password yet").arg(name);
    return name;
}

bool SettingsController::isUnusable(const RouteAction& action) const
{
    return action.kind == RouteAction::Kind::Profile &&
           (!profile(action.profileId) || isFailing(action.profileId) ||
            isWaitingForPassword(action.profileId));
}

bool SettingsController::commit(const SettingsDocument& candidate, QString* error)
{
    const SettingsSaveResult saved = m_store->save(candidate);
    if (!saved.ok())
        return fail(
            error,
            tr("The settings could not be saved, so nothing was changed: %1").arg(saved.error));
    m_document = candidate;
    for (const QString& note : saved.notes)
        Q_EMIT notice(note);
    return true;
}

bool SettingsController::fail(QString* error, const QString& reason)
{
    if (error)
        *error = reason;
    return false;
}

} // namespace Switchyard
