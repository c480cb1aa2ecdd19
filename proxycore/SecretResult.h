#pragma once

#include <QCoreApplication>
#include <QString>

namespace Switchyard {

/// The outcome of one keychain operation, with a sentence for the user. Never
/// holds the secret itself.
struct SecretResult
{
    Q_DECLARE_TR_FUNCTIONS(SecretResult)
public:
    enum class Status {
        Ok,
        NotFound,    ///< no entry under this key (also what a locked keychain answers a read)
        Unavailable, ///< no keychain to talk to: no Secret Service on the bus, no bus, no libsecret
        Denied,      ///< the keychain is locked and unlocking was declined, or access refused
        Failed,      ///< the keychain answered with another error
    };

    Status status = Status::Ok;
    QString key;           ///< which entry ("profile/<id>", "inbound")
    QString cause;         ///< the keychain's own words, for the curious and for bug reports
    bool inMemory = false; ///< a read answered from the secrets kept for this run only

    bool ok() const { return status == Status::Ok; }
    /// A sentence naming the cause, fit for a dialog or the terminal.
    QString message() const;
};

} // namespace Switchyard
