#include "SettingsDocument.h"

#include <QCoreApplication>
#include <QSet>

namespace Switchyard {

namespace {

// A new field in ProxyLimits would silently go uncompared; make it a build error.
static_assert(sizeof(ProxyLimits) == 11 * sizeof(int),
              "ProxyLimits changed: compare the new field here and store it in SettingsCodec");

// EngineSettings and its parts have no operator==, and they are not ours to
// change; compare them here, field by field.
bool sameLimits(const ProxyLimits& a, const ProxyLimits& b)
{
    return a.maxHeadBytes == b.maxHeadBytes && a.maxUriBytes == b.maxUriBytes &&
           a.maxHeaderFields == b.maxHeaderFields && a.headTimeoutMs == b.headTimeoutMs &&
           a.idleTimeoutMs == b.idleTimeoutMs && a.connectTimeoutMs == b.connectTimeoutMs &&
           a.responseTimeoutMs == b.responseTimeoutMs &&
           a.maxClientConnections == b.maxClientConnections && a.bufferBytes == b.bufferBytes &&
           a.originIdleTimeoutMs == b.originIdleTimeoutMs &&
           a.maxIdleOriginConnections == b.maxIdleOriginConnections;
}

bool sameInbound(const InboundAuth& a, const InboundAuth& b)
{
    return a.required == b.required && a.username == b.username && a.password == b.password;
}

bool sameEngine(const EngineSettings& a, const EngineSettings& b)
{
    return a.listenAddress == b.listenAddress && a.listenPort == b.listenPort &&
           sameLimits(a.limits, b.limits) && a.capture.enabled == b.capture.enabled &&
           a.capture.maxBodyBytes == b.capture.maxBodyBytes && a.addViaHeader == b.addViaHeader &&
           a.logFlushIntervalMs == b.logFlushIntervalMs && a.profiles == b.profiles &&
           a.routing == b.routing && a.hostsOverride == b.hostsOverride &&
           sameInbound(a.inboundAuth, b.inboundAuth) && a.remoteTunnelPorts == b.remoteTunnelPorts;
}

} // namespace

const UpstreamProfile* SettingsDocument::profile(const QString& id) const
{
    for (const UpstreamProfile& candidate : engine.profiles) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

QString SettingsDocument::resolveProfile(const QString& idOrName, QString* error) const
{
    if (const UpstreamProfile* byId = profile(idOrName))
        return byId->id;
    QStringList matches;
    for (const UpstreamProfile& candidate : engine.profiles) {
        if (candidate.name == idOrName)
            matches.append(candidate.id);
    }
    if (matches.size() == 1)
        return matches.constFirst();
    if (matches.isEmpty()) {
        *error = QCoreApplication::translate("SettingsDocument",
                                             "there is no exit with the id or name \"%1\"")
                     .arg(idOrName);
    } else {
        *error = QCoreApplication::translate("SettingsDocument",
                                             "%1 exits are named \"%2\"; give the id instead (%3)")
                     .arg(matches.size())
                     .arg(idOrName, matches.join(QStringLiteral(", ")));
    }
    return {};
}

QStringList SettingsDocument::removedProfileIds(const SettingsDocument& before,
                                                const SettingsDocument& after)
{
    QSet<QString> remaining;
    for (const UpstreamProfile& profile : after.engine.profiles)
        remaining.insert(profile.id);
    QStringList removed;
    for (const UpstreamProfile& profile : before.engine.profiles) {
        if (!remaining.contains(profile.id) && !removed.contains(profile.id))
            removed.append(profile.id);
    }
    return removed;
}

SettingsDocument SettingsDocument::withoutSecrets() const
{
    SettingsDocument copy = *this;
    for (UpstreamProfile& profile : copy.engine.profiles)
        profile.password.clear();
    copy.engine.inboundAuth.password.clear();
    return copy;
}

bool SettingsDocument::operator==(const SettingsDocument& other) const
{
    return sameEngine(engine, other.engine) && ui == other.ui;
}

} // namespace Switchyard
