#pragma once

#include "SecretStore.h"

#include <QObject>
#include <QString>

namespace Switchyard {

/// switchyard --set-password PROFILE: finds the exit (by id or name) in the
/// settings file, reads its password from standard input (PasswordPrompt) and
/// stores it in the system keychain. Prints a confirmation that never contains
/// the password; any failure, including no keychain, ends with exit code 1 and
/// a message naming the cause.
class PasswordCommand : public QObject
{
    Q_OBJECT
public:
    explicit PasswordCommand(QObject* parent = nullptr);

    /// Returns false, having printed why, when it cannot even begin; otherwise
    /// finished() follows from the event loop.
    bool start(const QString& configPath, const QString& profile);

Q_SIGNALS:
    /// 0 once the keychain has the password, 1 if it could not be stored.
    void finished(int exitCode);

private:
    SecretStore m_secrets;
};

} // namespace Switchyard
