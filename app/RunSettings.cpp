#include "RunSettings.h"

#include "CommandLine.h"
#include "Console.h"
#include "SettingsStore.h"

#include <QDir>
#include <QFileInfo>
#include <QTimer>

namespace Switchyard {

RunSettings::RunSettings(const CommandLine& commandLine, Mode mode, QObject* parent)
    : QObject(parent), m_commandLine(commandLine), m_mode(mode), m_store(commandLine.configPath()),
      m_loader(&m_secrets)
{
    connect(&m_loader, &SecretsLoader::finished, this, &RunSettings::onSecretsRead);
}

bool RunSettings::start()
{
    const SettingsStore& store = m_store;
    const SettingsLoadResult loaded =
        m_store.load(m_mode == Mode::Headless ? SettingsStore::LoadMode::ReadOnly
                                              : SettingsStore::LoadMode::Recover);
    if (m_mode == Mode::Headless && !loaded.usedSettingsFile()) {
        for (const SettingsIssue& issue : loaded.issues)
            Console::printError(issue.toString());
        const QString file = QDir::toNativeSeparators(store.filePath());
        if (QFileInfo::exists(store.backupFilePath()))
            Console::printError(tr("cannot use the settings in %1; fix them, or point --config "
                                   "at another file (the last good version is in %2)")
                                    .arg(file, QDir::toNativeSeparators(store.backupFilePath())));
        else
            Console::printError(tr("cannot use the settings in %1; fix them, or point --config "
                                   "at another file")
                                    .arg(file));
        return false;
    }
    for (const QString& line : loaded.messages())
        Console::printError(line.trimmed());
    // Plain-text passwords from the file: usable in this run at once; with a
    // window they also move into the keychain and out of the file.
    for (const RecoveredSecret& secret : loaded.recoveredSecrets)
        m_secrets.keepForThisRun(secret.key, secret.secret);
    if (m_mode == Mode::Window && !loaded.recoveredSecrets.isEmpty())
        moveIntoKeychain(loaded);

    m_document = loaded.document;
    // The window keeps the file's exits and rules to edit and save; a headless
    // run with --upstream has no use for them nor for their passwords.
    if (m_mode == Mode::Headless && m_commandLine.replacesRouting()) {
        // --upstream brings its own exit and password: the file's are not needed.
        m_document.engine.profiles.clear();
        m_document.engine.routing = RuleList{};
    }
    m_loader.load(m_document); // finished() at once if nothing is needed
    return true;
}

void RunSettings::moveIntoKeychain(const SettingsLoadResult& loaded)
{
    m_secretsToMove = int(loaded.recoveredSecrets.size());
    const SettingsDocument withoutPasswords = loaded.document;
    for (const RecoveredSecret& secret : loaded.recoveredSecrets) {
        const QString origin = secret.origin;
        m_secrets.write(
            secret.key, secret.secret, this,
            [this, origin, withoutPasswords](const SecretResult& result) {
                if (!result.ok()) {
                    m_moveFailed = true;
                    Console::printError(tr("the password in %1 stays in the settings file: %2")
                                            .arg(origin, result.message()));
                }
                if (--m_secretsToMove > 0 || m_moveFailed)
                    return;
                // Only now that the keychain has all of them: drop them from disk.
                const SettingsSaveResult saved = m_store.save(withoutPasswords);
                for (const QString& note : saved.notes)
                    Console::printError(note);
                if (saved.ok())
                    Console::printStatus(tr("The passwords from %1 are now in the system "
                                            "keychain, and no longer in the file.")
                                             .arg(QDir::toNativeSeparators(m_store.filePath())));
                else
                    Console::printError(
                        tr("cannot save the settings without the passwords: %1").arg(saved.error));
            });
    }
}

void RunSettings::onSecretsRead()
{
    // SecretsLoader may finish inside load(), before start() has returned.
    QTimer::singleShot(0, this, &RunSettings::finish);
}

void RunSettings::finish()
{
    if (m_done)
        return;
    m_done = true;
    SettingsDocument filled = m_document;
    const QStringList notReady = m_loader.fillIn(&filled);
    for (const SecretResult& failure : m_loader.failures())
        Console::printError(failure.message());
    if (notReady.contains(SecretStore::inboundKey())) {
        Console::printError(tr("inbound authentication is on but its password cannot be read; "
                               "not accepting clients without it"));
        Q_EMIT failed();
        return;
    }
    QList<UpstreamProfile>& profiles = filled.engine.profiles;
    for (const QString& key : notReady) {
        const QString id = SecretStore::profileIdOf(key);
        if (const UpstreamProfile* exit = filled.profile(id))
            Console::printError(tr("traffic for exit \"%1\" is blocked in this run: its password "
                                   "cannot be read")
                                    .arg(exit->name));
        profiles.removeIf([&id](const UpstreamProfile& profile) { return profile.id == id; });
    }
    EngineSettings settings = filled.engine;
    m_commandLine.applyOverrides(&settings);
    Q_EMIT ready(settings);
}

} // namespace Switchyard
