#include "SecretsLoader.h"

#include "SecretStore.h"

#include <QSet>
#include <algorithm>

namespace Switchyard {

namespace {

/// SOCKS4a has a user id but no password; without a user name there is none either.
bool needsPassword(const UpstreamProfile& profile)
{
    return !profile.username.isEmpty() && profile.type != UpstreamProfile::Type::Socks4a;
}

/// The keys a document needs secrets for.
QSet<QString> neededKeys(const SettingsDocument& document)
{
    QSet<QString> keys;
    for (const UpstreamProfile& profile : document.engine.profiles) {
        if (needsPassword(profile))
            keys.insert(SecretStore::profileKey(profile.id));
    }
    if (document.engine.inboundAuth.required)
        keys.insert(SecretStore::inboundKey());
    return keys;
}

} // namespace

SecretsLoader::SecretsLoader(SecretStore* store, QObject* parent) : QObject(parent), m_store(store)
{
    connect(m_store, &SecretStore::secretChanged, this, &SecretsLoader::onSecretChanged);
}

void SecretsLoader::load(const SettingsDocument& document)
{
    const QSet<QString> keys = neededKeys(document);
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (keys.contains(it.key())) {
            ++it;
        } else {
            it->secret.fill(u'\0');
            it = m_entries.erase(it);
        }
    }
    for (const QString& key : keys) {
        if (!m_entries.contains(key))
            readKey(key);
    }
    if (isComplete())
        Q_EMIT finished();
}

void SecretsLoader::readKey(const QString& key)
{
    Entry& entry = m_entries[key];
    entry.state = State::Pending;
    entry.ticket = ++m_nextTicket;
    const quint64 ticket = entry.ticket;
    m_store->read(key, this,
                  [this, key, ticket](const SecretResult& result, const QString& secret) {
                      const auto found = m_entries.find(key);
                      if (found == m_entries.end() || found->ticket != ticket)
                          return; // no longer needed, or a newer read is on its way
                      found->result = result;
                      found->secret.fill(u'\0');
                      found->secret.clear();
                      switch (result.status) {
                      case SecretResult::Status::Ok:
                          found->state = State::Ready;
                          found->secret = secret;
                          break;
                      case SecretResult::Status::NotFound:
                          found->state = State::Missing;
                          break;
                      case SecretResult::Status::Unavailable:
                      case SecretResult::Status::Denied:
                      case SecretResult::Status::Failed:
                          found->state = State::Failed;
                          break;
                      }
                      Q_EMIT ready(key);
                      if (isComplete())
                          Q_EMIT finished();
                  });
}

void SecretsLoader::onSecretChanged(const QString& key)
{
    if (m_entries.contains(key))
        readKey(key);
}

SecretsLoader::State SecretsLoader::state(const QString& key) const
{
    const auto found = m_entries.constFind(key);
    return found == m_entries.constEnd() ? State::NotNeeded : found->state;
}

SecretResult SecretsLoader::result(const QString& key) const
{
    return m_entries.value(key).result;
}

bool SecretsLoader::isComplete() const
{
    return std::none_of(m_entries.cbegin(), m_entries.cend(),
                        [](const Entry& entry) { return entry.state == State::Pending; });
}

QList<SecretResult> SecretsLoader::failures() const
{
    QList<SecretResult> failed;
    for (const Entry& entry : m_entries) {
        if (entry.state == State::Failed)
            failed.append(entry.result);
    }
    return failed;
}

QStringList SecretsLoader::fillIn(SettingsDocument* document) const
{
    QStringList notReady;
    const auto secretFor = [this, &notReady](const QString& key, QString* out) {
        switch (state(key)) {
        case State::Ready:
            *out = m_entries.value(key).secret;
            break;
        case State::Missing:
            out->clear();
            break;
        case State::NotNeeded: // needed by this document, but never asked for: not ready
        case State::Pending:
        case State::Failed:
            // Never an empty password in place of one not read yet.
            out->clear();
            notReady.append(key);
            break;
        }
    };
    for (UpstreamProfile& profile : document->engine.profiles) {
        if (!needsPassword(profile))
            profile.password.clear();
        else
            secretFor(SecretStore::profileKey(profile.id), &profile.password);
    }
    InboundAuth& inbound = document->engine.inboundAuth;
    if (inbound.required)
        secretFor(SecretStore::inboundKey(), &inbound.password);
    else
        inbound.password.clear();
    return notReady;
}

} // namespace Switchyard
