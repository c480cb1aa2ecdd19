#include "SecretResult.h"

namespace Switchyard {

QString SecretResult::message() const
{
    switch (status) {
    case Status::Ok:
        return {};
    case Status::NotFound:
        return tr("No password is stored in the system keychain for %1.").arg(key);
    case Status::Unavailable:
        return tr("No system keychain is available (%1). Switchyard keeps passwords only in the "
                  "system keychain (a Secret Service such as GNOME Keyring, KWallet or KeePassXC); "
                  "start one, or keep the password in memory for this run only.")
            .arg(cause);
    case Status::Denied:
        return tr("The system keychain refused access (%1): it is probably locked and unlocking "
                  "was declined.")
            .arg(cause);
    case Status::Failed:
        return tr("The system keychain reported an error: %1").arg(cause);
    }
    return cause;
}

} // namespace Switchyard
