#pragma once

#include <QString>

namespace Switchyard {

/// A password found in plain text in a settings or import file: an early build
/// kept the exit's password in its URI, or someone typed one in by hand. It is
/// never kept in the document; the caller moves it into the keychain (or keeps it
/// in memory for this run) and then saves, which removes it from the disk.
struct RecoveredSecret
{
    QString key;    ///< the keychain key (SecretStore::profileKey / inboundKey)
    QString secret; ///< the password itself: never log or print it
    QString origin; ///< where it was found ("upstream", "profiles[0].password")

    bool operator==(const RecoveredSecret& other) const = default;
};

} // namespace Switchyard
