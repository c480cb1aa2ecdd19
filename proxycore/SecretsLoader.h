#pragma once

#include "SecretResult.h"
#include "SettingsDocument.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

namespace Switchyard {

class SecretStore;

/// Reads, without blocking, every secret a settings document needs (the
/// password of each exit that has a user name, and the inbound password when
/// inbound authentication is on) and knows, key by key, whether it is there yet.
///
/// This is how the application keeps the engine from using an exit with an
/// empty password while the keychain is still answering: it asks fillIn() for
/// the passwords, and routes through none of the keys fillIn() says are not
/// ready (fail closed). Secrets changed later (SecretStore::secretChanged) are
/// read again, and ready()/finished() say so.
class SecretsLoader : public QObject
{
    Q_OBJECT
public:
    enum class State {
        NotNeeded, ///< the key is not needed by the document (no user name, auth off)
        Pending,   ///< being read: whatever needs it must wait
        Ready,     ///< read from the keychain (or the copy kept for this run)
        Missing,   ///< the keychain has no entry: the password is empty, and that is the truth
        Failed,    ///< the keychain could not be asked (see result()): do not use it
    };
    Q_ENUM(State)

    /// store must outlive the loader.
    explicit SecretsLoader(SecretStore* store, QObject* parent = nullptr);

    /// Starts reading what document needs; forgets keys it no longer needs.
    void load(const SettingsDocument& document);

    State state(const QString& key) const;
    /// The keychain's answer for key (its cause when Failed).
    SecretResult result(const QString& key) const;
    /// No key is Pending.
    bool isComplete() const;
    /// Keys that are Failed, with the keychain's reasons.
    QList<SecretResult> failures() const;

    /// Copies every secret that is there into document (profiles by id, the
    /// inbound password) and returns the keys that are not usable yet: Pending,
    /// Failed, or needed by document but never asked for by load()
    /// ("profile/<id>", "inbound"). Their passwords are left empty. The caller
    /// must not route through those profiles (leaving them out of the engine's
    /// settings makes the rule engine block their traffic), nor accept clients
    /// while "inbound" is listed.
    QStringList fillIn(SettingsDocument* document) const;

Q_SIGNALS:
    /// key is no longer Pending (Ready, Missing or Failed).
    void ready(const QString& key);
    /// Nothing is Pending any more.
    void finished();

private:
    struct Entry
    {
        State state = State::Pending;
        QString secret;
        SecretResult result;
        quint64 ticket = 0; // the read whose answer counts
    };

    void readKey(const QString& key);
    void onSecretChanged(const QString& key);

    SecretStore* m_store;
    QHash<QString, Entry> m_entries;
    quint64 m_nextTicket = 0;
};

} // namespace Switchyard
