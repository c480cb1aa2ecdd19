#include "SecretStore.h"

#include <QPointer>
#include <qt6keychain/keychain.h>

namespace Switchyard {

using namespace Qt::StringLiterals;

namespace {

/// Runs work in context's thread from its event loop, unless context is gone
/// by then. Results never reach a caller from inside the call that asked, nor
/// from inside a GLib callback.
void deliver(QObject* context, std::function<void()> work)
{
    if (context)
        QMetaObject::invokeMethod(context, std::move(work), Qt::QueuedConnection);
}

} // namespace

SecretStore::SecretStore(QObject* parent) : QObject(parent) {}

SecretStore::~SecretStore()
{
    for (QString& secret : m_thisRunOnly)
        secret.fill(u'\0');
}

QString SecretStore::serviceName()
{
    return u"Switchyard"_s;
}

QString SecretStore::profileKey(const QString& profileId)
{
    return u"profile/"_s + profileId;
}

QString SecretStore::profileIdOf(const QString& key)
{
    return key.startsWith(u"profile/") ? key.mid(8) : QString();
}

QString SecretStore::inboundKey()
{
    return u"inbound"_s;
}

SecretResult SecretStore::resultOf(const QKeychain::Job* job, const QString& key)
{
    SecretResult result;
    result.key = key;
    switch (job->error()) {
    case QKeychain::NoError:
        return result;
    case QKeychain::EntryNotFound:
        result.status = SecretResult::Status::NotFound;
        break;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        result.status = SecretResult::Status::Denied;
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
        // With libsecret every "cannot reach a Secret Service" case (no bus, no
        // service on it, no login collection) comes back as OtherError.
        result.status = SecretResult::Status::Unavailable;
        break;
    case QKeychain::CouldNotDeleteEntry:
        result.status = SecretResult::Status::Failed;
        break;
    }
    result.cause = job->errorString();
    return result;
}

void SecretStore::startJob(QKeychain::Job* job,
                           const std::function<void(QKeychain::Job*)>& onFinished)
{
    job->setInsecureFallback(false);
    job->setAutoDelete(false);
    ++m_pendingJobs;
    m_pump.acquire();
    connect(job, &QKeychain::Job::finished, this, [this, onFinished](QKeychain::Job* finished) {
        // This runs inside a GLib callback (see GlibContextPump): take what is
        // needed and hand the rest to the event loop.
        --m_pendingJobs;
        m_pump.release();
        onFinished(finished);
        finished->deleteLater();
    });
    job->start();
}

void SecretStore::read(const QString& key, QObject* context, ReadCallback callback)
{
    if (const auto kept = m_thisRunOnly.constFind(key); kept != m_thisRunOnly.constEnd()) {
        SecretResult result;
        result.key = key;
        result.inMemory = true;
        deliver(context, [callback, result, secret = kept.value()] { callback(result, secret); });
        return;
    }
    auto* job = new QKeychain::ReadPasswordJob(serviceName());
    job->setKey(key);
    QPointer<QObject> guard(context);
    startJob(job, [guard, key, callback](QKeychain::Job* finished) {
        const SecretResult result = resultOf(finished, key);
        const QString secret = result.ok()
                                   ? static_cast<QKeychain::ReadPasswordJob*>(finished)->textData()
                                   : QString();
        deliver(guard, [callback, result, secret] { callback(result, secret); });
    });
}

void SecretStore::write(const QString& key, const QString& secret, QObject* context,
                        DoneCallback callback)
{
    auto* job = new QKeychain::WritePasswordJob(serviceName());
    job->setKey(key);
    job->setTextData(secret);
    QPointer<QObject> guard(context);
    startJob(job, [this, guard, key, callback](QKeychain::Job* finished) {
        const SecretResult result = resultOf(finished, key);
        deliver(this, [this, guard, key, callback, result] {
            if (result.ok()) {
                forgetForThisRun(key);
                Q_EMIT secretChanged(key);
            }
            deliver(guard, [callback, result] { callback(result); });
        });
    });
}

void SecretStore::remove(const QString& key, QObject* context, DoneCallback callback)
{
    if (m_thisRunOnly.contains(key))
        forgetForThisRun(key);
    auto* job = new QKeychain::DeletePasswordJob(serviceName());
    job->setKey(key);
    QPointer<QObject> guard(context);
    startJob(job, [this, guard, key, callback](QKeychain::Job* finished) {
        SecretResult result = resultOf(finished, key);
        if (result.status == SecretResult::Status::NotFound)
            result = SecretResult{SecretResult::Status::Ok, key, {}, false};
        deliver(this, [this, guard, key, callback, result] {
            if (result.ok())
                Q_EMIT secretChanged(key);
            deliver(guard, [callback, result] { callback(result); });
        });
    });
}

void SecretStore::keepForThisRun(const QString& key, const QString& secret)
{
    m_thisRunOnly.insert(key, secret);
    Q_EMIT secretChanged(key);
}

void SecretStore::forgetForThisRun(const QString& key)
{
    auto kept = m_thisRunOnly.find(key);
    if (kept == m_thisRunOnly.end())
        return;
    kept->fill(u'\0');
    m_thisRunOnly.erase(kept);
}

} // namespace Switchyard
