#pragma once

#include "GlibContextPump.h"
#include "SecretResult.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <functional>

namespace QKeychain {
class Job;
}

namespace Switchyard {

/// Passwords in the OS keychain, through QtKeychain: service "Switchyard", one
/// entry per key ("profile/<id>" for an exit, "inbound" for the password clients
/// must give). Nothing is ever written anywhere else: QtKeychain's insecure
/// plain-text fallback stays off.
///
/// Every call returns at once; the answer comes later, from the event loop, to
/// a callback run in the thread of its context object, and only if that object
/// still exists. Answers for one key arrive in the order the calls were made.
///
/// When no keychain can be used the caller may keep a password for this run
/// only (keepForThisRun): it is then held in memory and never stored.
///
/// Use it from one thread, the one it lives in.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using ReadCallback = std::function<void(const SecretResult& result, const QString& secret)>;
    using DoneCallback = std::function<void(const SecretResult& result)>;

    explicit SecretStore(QObject* parent = nullptr);
    ~SecretStore() override;

    /// "Switchyard": the service every entry is filed under.
    static QString serviceName();
    /// "profile/<id>": renaming a profile keeps its entry, deleting it should delete it.
    static QString profileKey(const QString& profileId);
    /// The profile id in a profileKey(), or an empty string.
    static QString profileIdOf(const QString& key);
    /// "inbound": the password clients must present when inbound auth is on.
    static QString inboundKey();

    /// Reads a secret: the one kept for this run if there is one, else the
    /// keychain's. NotFound when there is none.
    void read(const QString& key, QObject* context, ReadCallback callback);
    /// Stores a secret in the keychain. On success a copy kept for this run is
    /// dropped (the keychain has it now); on failure nothing is stored anywhere.
    void write(const QString& key, const QString& secret, QObject* context, DoneCallback callback);
    /// Deletes the keychain entry and any copy kept for this run. A key that has
    /// no entry is not an error.
    void remove(const QString& key, QObject* context, DoneCallback callback);

    /// Holds secret in memory for this run only, for when the keychain cannot be
    /// used and the user agreed. It is never written to disk.
    void keepForThisRun(const QString& key, const QString& secret);
    bool isKeptForThisRun(const QString& key) const { return m_thisRunOnly.contains(key); }
    void forgetForThisRun(const QString& key);

    /// Keychain jobs started and not yet answered.
    int pendingJobs() const { return m_pendingJobs; }

Q_SIGNALS:
    /// The secret under key was written, removed, or kept for this run: whoever
    /// holds a copy should read it again.
    void secretChanged(const QString& key);

private:
    void startJob(QKeychain::Job* job, const std::function<void(QKeychain::Job*)>& onFinished);
    static SecretResult resultOf(const QKeychain::Job* job, const QString& key);

    GlibContextPump m_pump;
    QHash<QString, QString> m_thisRunOnly;
    int m_pendingJobs = 0;
};

} // namespace Switchyard
