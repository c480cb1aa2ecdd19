#include "KdeProxyBackend.h"

#include "SystemProxyTool.h"

#include <QtDebug>

using namespace Qt::StringLiterals;

namespace Switchyard {

namespace {

const QString configFile = u"kioslaverc"_s;
const QString group = u"Proxy Settings"_s;
// Two defaults no real setting holds: a key that comes back as each of them in
// turn is not in the file.
const QString absentMarkerA = u"\u0001switchyard-absent-a\u0001"_s;
const QString absentMarkerB = u"\u0001switchyard-absent-b\u0001"_s;

// kioslaverc's own format: "scheme://host port", as KDE's settings module writes it.
QString kioProxy(const QString& scheme, const SystemProxyTarget& target)
{
    return u"%1://%2 %3"_s.arg(scheme, target.urlHost()).arg(target.port);
}

// KIO's NoProxyFor takes host names, ".suffix" domains and CIDR ranges.
QString kioBypassList()
{
    QStringList entries;
    for (const QString& host : SystemProxyTarget::bypassHosts())
        entries.append(host.startsWith(u"*."_s) ? host.mid(1) : host);
    return entries.join(u',');
}

} // namespace

QString KdeProxyBackend::name() const
{
    return u"kde"_s;
}

QString KdeProxyBackend::displayName() const
{
    return tr("KDE (kioslaverc)");
}

QStringList KdeProxyBackend::managedKeys()
{
    return {u"ProxyType"_s,  u"httpProxy"_s,           u"httpsProxy"_s, u"ftpProxy"_s,
            u"socksProxy"_s, u"Proxy Config Script"_s, u"NoProxyFor"_s, u"ReversedException"_s};
}

QString KdeProxyBackend::tool(const QString& kind) const
{
    // The pair must match: kreadconfig5 reads what kwriteconfig5 writes.
    for (const QString& version : {u"6"_s, u"5"_s}) {
        const QString writer = SystemProxyTool::find(u"kwriteconfig"_s + version);
        const QString reader = SystemProxyTool::find(u"kreadconfig"_s + version);
        if (!writer.isEmpty() && !reader.isEmpty())
            return kind == u"write"_s ? writer : reader;
    }
    return {};
}

QString KdeProxyBackend::unavailableReason() const
{
    if (tool(u"write"_s).isEmpty())
        return tr("kwriteconfig6/kreadconfig6 or kwriteconfig5/kreadconfig5 are not installed");
    return {};
}

QString KdeProxyBackend::readKey(const QString& key, std::optional<QString>* value)
{
    const QStringList base = {u"--file"_s, configFile, u"--group"_s, group, u"--key"_s, key};
    QString seen[2];
    int index = 0;
    for (const QString& marker : {absentMarkerA, absentMarkerB}) {
        const SystemProxyToolResult result =
            SystemProxyTool::run(tool(u"read"_s), base + QStringList{u"--default"_s, marker});
        if (!result.ok)
            return tr("cannot read the KDE proxy setting %1: %2").arg(key, result.error);
        QByteArray output = result.output;
        if (output.endsWith('\n'))
            output.chop(1);
        seen[index] = QString::fromUtf8(output);
        if (index == 0 && seen[0] != absentMarkerA) {
            *value = seen[0];
            return {};
        }
        ++index;
    }
    *value = seen[1] == absentMarkerB ? std::nullopt : std::optional<QString>(seen[1]);
    return {};
}

QString KdeProxyBackend::readValues(Values* values)
{
    if (QString reason = unavailableReason(); !reason.isEmpty())
        return reason;
    values->clear();
    for (const QString& key : managedKeys()) {
        std::optional<QString> value;
        if (QString error = readKey(key, &value); !error.isEmpty())
            return error;
        values->insert(key, value);
    }
    return {};
}

QString KdeProxyBackend::read(QJsonObject* snapshot)
{
    Values values;
    if (QString error = readValues(&values); !error.isEmpty())
        return error;
    *snapshot = toJson(values);
    return {};
}

QString KdeProxyBackend::writeKey(const QString& key, const std::optional<QString>& value)
{
    QStringList arguments = {u"--file"_s, configFile, u"--group"_s, group, u"--key"_s, key};
    if (value) {
        // "--" so that a value starting with a dash is not taken for an option.
        arguments << u"--"_s << *value;
    } else {
        arguments << u"--delete"_s;
    }
    const SystemProxyToolResult result = SystemProxyTool::run(tool(u"write"_s), arguments);
    if (!result.ok)
        return tr("cannot change the KDE proxy setting %1: %2").arg(key, result.error);
    return {};
}

QString KdeProxyBackend::writeAll(const Values& values)
{
    Values current;
    if (QString error = readValues(&current); !error.isEmpty())
        return error;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (current.value(it.key()) == it.value())
            continue;
        if (QString error = writeKey(it.key(), it.value()); !error.isEmpty())
            return error;
    }
    Values after;
    if (QString error = readValues(&after); !error.isEmpty())
        return error;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (after.value(it.key()) != it.value())
            return tr("the KDE proxy setting %1 did not change (is kioslaverc writable?)")
                .arg(it.key());
    }
    notifyKio();
    return {};
}

void KdeProxyBackend::notifyKio()
{
    // Running KIO programs re-read kioslaverc on this signal; without a session
    // bus there are none to tell, and the file is right for the next ones.
    const SystemProxyToolResult result = SystemProxyTool::run(
        u"dbus-send"_s, {u"--session"_s, u"--type=signal"_s, u"/KIO/Scheduler"_s,
                         u"org.kde.KIO.Scheduler.reparseSlaveConfiguration"_s, u"string:"_s});
    if (!result.ok)
        qWarning("KDE proxy settings written, but KIO was not told to reload: %s",
                 qUtf8Printable(result.error));
}

QMap<QString, QString> KdeProxyBackend::valuesFor(const SystemProxyTarget& target)
{
    QMap<QString, QString> values;
    if (target.mode == SystemProxyTarget::Mode::Pac) {
        values[u"ProxyType"_s] = u"2"_s;
        values[u"Proxy Config Script"_s] = target.pacUrl();
        return values;
    }
    values[u"ProxyType"_s] = u"1"_s;
    values[u"httpProxy"_s] = kioProxy(u"http"_s, target);
    values[u"httpsProxy"_s] = kioProxy(u"http"_s, target);
    values[u"socksProxy"_s] = kioProxy(u"socks"_s, target);
    // Switchyard does not speak FTP; an old FTP proxy would take traffic the
    // user believes goes through Switchyard.
    values[u"ftpProxy"_s] = QString();
    values[u"NoProxyFor"_s] = kioBypassList();
    values[u"ReversedException"_s] = u"false"_s;
    return values;
}

QString KdeProxyBackend::apply(const SystemProxyTarget& target)
{
    if (QString error = target.validationError(); !error.isEmpty())
        return error;
    Values values;
    const QMap<QString, QString> wanted = valuesFor(target);
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it)
        values.insert(it.key(), it.value());
    return writeAll(values);
}

QString KdeProxyBackend::restore(const QJsonObject& snapshot)
{
    QString error;
    const Values values = fromJson(snapshot, &error);
    if (!error.isEmpty())
        return error;
    return writeAll(values);
}

bool KdeProxyBackend::pointsAt(const QJsonObject& snapshot, const SystemProxyTarget& target) const
{
    QString error;
    const Values values = fromJson(snapshot, &error);
    if (!error.isEmpty())
        return false;
    const QMap<QString, QString> wanted = valuesFor(target);
    const QStringList deciding =
        target.mode == SystemProxyTarget::Mode::Pac
            ? QStringList{u"ProxyType"_s, u"Proxy Config Script"_s}
            : QStringList{u"ProxyType"_s, u"httpProxy"_s, u"httpsProxy"_s, u"socksProxy"_s};
    for (const QString& key : deciding) {
        if (values.value(key) != std::optional<QString>(wanted.value(key)))
            return false;
    }
    return true;
}

QJsonObject KdeProxyBackend::toJson(const Values& values)
{
    QJsonObject keys;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        keys[it.key()] = it.value() ? QJsonValue(*it.value()) : QJsonValue(QJsonValue::Null);
    return {{u"keys"_s, keys}};
}

KdeProxyBackend::Values KdeProxyBackend::fromJson(const QJsonObject& snapshot, QString* error)
{
    Values values;
    const QJsonObject keys = snapshot.value(u"keys"_s).toObject();
    for (const QString& key : managedKeys()) {
        const QJsonValue value = keys.value(key);
        if (value.isString()) {
            values.insert(key, value.toString());
        } else if (value.isNull()) {
            values.insert(key, std::nullopt);
        } else {
            *error = tr("the saved KDE proxy settings are damaged (%1 is missing)").arg(key);
            return {};
        }
    }
    return values;
}

} // namespace Switchyard
