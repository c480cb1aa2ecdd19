#include "PasswordCommand.h"

#include "Console.h"
#include "PasswordPrompt.h"
#include "SettingsStore.h"

#include <QDir>
#include <QFileInfo>

namespace Switchyard {

PasswordCommand::PasswordCommand(QObject* parent) : QObject(parent) {}

bool PasswordCommand::start(const QString& configPath, const QString& profile)
{
    SettingsStore store(configPath);
    const QString shownPath = QDir::toNativeSeparators(store.filePath());
    if (!QFileInfo::exists(store.filePath())) {
        Console::printError(tr("there are no exits yet: %1 does not exist").arg(shownPath));
        return false;
    }
    // Read only: this command never writes the settings file.
    const SettingsLoadResult loaded = store.load(SettingsStore::LoadMode::ReadOnly);
    if (!loaded.usedSettingsFile()) {
        for (const SettingsIssue& issue : loaded.issues)
            Console::printError(issue.toString());
        Console::printError(
            tr("cannot read the settings in %1, so the exit cannot be found").arg(shownPath));
        return false;
    }
    QString error;
    const QString id = loaded.document.resolveProfile(profile, &error);
    if (id.isEmpty()) {
        Console::printError(tr("%1 (in %2)").arg(error, shownPath));
        return false;
    }
    const UpstreamProfile* exit = loaded.document.profile(id);
    if (exit->type == UpstreamProfile::Type::Socks4a) {
        Console::printError(tr("exit \"%1\" is SOCKS4a, which has no passwords").arg(exit->name));
        return false;
    }
    if (exit->username.isEmpty())
        Console::printStatus(tr("note: exit \"%1\" has no user name; the password is used once "
                                "it has one")
                                 .arg(exit->name));

    QString password;
    if (!PasswordPrompt::read(tr("Password for exit \"%1\": ").arg(exit->name), &password,
                              &error)) {
        Console::printError(error);
        return false;
    }
    const QString name = exit->name;
    m_secrets.write(
        SecretStore::profileKey(id), password, this, [this, name, id](const SecretResult& result) {
            if (result.ok()) {
                Console::printOutput(tr("The password for exit \"%1\" (%2) is stored "
                                        "in the system keychain.")
                                         .arg(name, id));
                Q_EMIT finished(0);
            } else {
                Console::printError(tr("cannot store the password: %1").arg(result.message()));
                Q_EMIT finished(1);
            }
        });
    password.fill(u'\0');
    return true;
}

} // namespace Switchyard
