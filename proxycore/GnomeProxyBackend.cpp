#include "GnomeProxyBackend.h"

#include "SystemProxyTool.h"

using namespace Qt::StringLiterals;

namespace Switchyard {

namespace {

const QString rootSchema = u"org.gnome.system.proxy"_s;

// Every key apply() may change; nothing else is read or written.
const QStringList& managedKeys()
{
    static const QStringList keys = {
        u"org.gnome.system.proxy mode"_s,
        u"org.gnome.system.proxy autoconfig-url"_s,
        u"org.gnome.system.proxy ignore-hosts"_s,
        u"org.gnome.system.proxy use-same-proxy"_s,
        u"org.gnome.system.proxy.http host"_s,
        u"org.gnome.system.proxy.http port"_s,
        u"org.gnome.system.proxy.http enabled"_s,
        u"org.gnome.system.proxy.http use-authentication"_s,
        u"org.gnome.system.proxy.https host"_s,
        u"org.gnome.system.proxy.https port"_s,
        u"org.gnome.system.proxy.socks host"_s,
        u"org.gnome.system.proxy.socks port"_s,
        u"org.gnome.system.proxy.ftp host"_s,
        u"org.gnome.system.proxy.ftp port"_s,
    };
    return keys;
}

QString gsettings()
{
    return u"gsettings"_s;
}

// dconf is the database behind GSettings on every GNOME desktop; its dump tells
// which keys the user set. Anything else (GSETTINGS_BACKEND=memory/keyfile) has
// no such dump.
bool canTellUserValues()
{
    const QString backend = qEnvironmentVariable("GSETTINGS_BACKEND");
    return (backend.isEmpty() || backend == u"dconf"_s) &&
           !SystemProxyTool::find(u"dconf"_s).isEmpty();
}

// "[/]" holds org.gnome.system.proxy's keys, "[http]" its child's.
QStringList userSetKeys(const QByteArray& dump)
{
    QStringList keys;
    QString schema;
    for (const QByteArray& rawLine : dump.split('\n')) {
        const QString line = QString::fromUtf8(rawLine).trimmed();
        if (line.startsWith(u'[') && line.endsWith(u']')) {
            const QString section = line.mid(1, line.size() - 2);
            schema = section == u"/"_s ? rootSchema : rootSchema + u'.' + section;
            continue;
        }
        const qsizetype equals = line.indexOf(u'=');
        if (!schema.isEmpty() && equals > 0)
            keys.append(schema + u' ' + line.left(equals));
    }
    return keys;
}

} // namespace

QString GnomeProxyBackend::name() const
{
    return u"gnome"_s;
}

QString GnomeProxyBackend::displayName() const
{
    return tr("GNOME (gsettings)");
}

QString GnomeProxyBackend::unavailableReason() const
{
    if (SystemProxyTool::find(gsettings()).isEmpty())
        return tr("gsettings is not installed");
    const SystemProxyToolResult keys =
        SystemProxyTool::run(gsettings(), {u"list-keys"_s, rootSchema});
    if (!keys.ok)
        return tr("the GSettings schema %1 is not installed (package gsettings-desktop-schemas)")
            .arg(rootSchema);
    return {};
}

QString GnomeProxyBackend::readStates(KeyStates* states)
{
    states->clear();
    const SystemProxyToolResult values =
        SystemProxyTool::run(gsettings(), {u"list-recursively"_s, rootSchema});
    if (!values.ok)
        return tr("cannot read the GNOME proxy settings: %1").arg(values.error);
    for (const QByteArray& rawLine : values.output.split('\n')) {
        // "org.gnome.system.proxy.http port 8080": the value may hold spaces.
        const QString line = QString::fromUtf8(rawLine).trimmed();
        const qsizetype first = line.indexOf(u' ');
        const qsizetype second = first < 0 ? -1 : line.indexOf(u' ', first + 1);
        if (second < 0)
            continue;
        const QString key = line.left(second);
        if (managedKeys().contains(key))
            (*states)[key] = KeyState{line.mid(second + 1), true};
    }
    for (const QString& key : managedKeys()) {
        if (!states->contains(key))
            return tr("cannot read the GNOME proxy settings: gsettings did not list %1").arg(key);
    }
    if (!canTellUserValues())
        return {};
    const SystemProxyToolResult dump =
        SystemProxyTool::run(u"dconf"_s, {u"dump"_s, u"/system/proxy/"_s});
    if (!dump.ok)
        return tr("cannot read the GNOME proxy settings: %1").arg(dump.error);
    const QStringList userSet = userSetKeys(dump.output);
    for (auto it = states->begin(); it != states->end(); ++it)
        it->userSet = userSet.contains(it.key());
    return {};
}

QString GnomeProxyBackend::read(QJsonObject* snapshot)
{
    KeyStates states;
    if (QString error = readStates(&states); !error.isEmpty())
        return error;
    *snapshot = toJson(states);
    return {};
}

QMap<QString, QString> GnomeProxyBackend::valuesFor(const SystemProxyTarget& target)
{
    QMap<QString, QString> values;
    if (target.mode == SystemProxyTarget::Mode::Pac) {
        values[u"org.gnome.system.proxy mode"_s] = u"'auto'"_s;
        values[u"org.gnome.system.proxy autoconfig-url"_s] = gvariantString(target.pacUrl());
        return values;
    }
    const QString host = gvariantString(target.host);
    const QString port = QString::number(target.port);
    values[u"org.gnome.system.proxy mode"_s] = u"'manual'"_s;
    values[u"org.gnome.system.proxy ignore-hosts"_s] =
        gvariantStringArray(SystemProxyTarget::bypassHosts());
    // Each protocol is set on its own below; "same proxy" would make some
    // clients send SOCKS traffic to the HTTP entry.
    values[u"org.gnome.system.proxy use-same-proxy"_s] = u"false"_s;
    for (const QString& child : {u"http"_s, u"https"_s, u"socks"_s}) {
        values[rootSchema + u'.' + child + u" host"_s] = host;
        values[rootSchema + u'.' + child + u" port"_s] = port;
    }
    values[u"org.gnome.system.proxy.http enabled"_s] = u"true"_s;
    values[u"org.gnome.system.proxy.http use-authentication"_s] = u"false"_s;
    // Switchyard does not speak FTP: an old FTP proxy left in place would take
    // traffic the user believes goes through Switchyard.
    values[u"org.gnome.system.proxy.ftp host"_s] = u"''"_s;
    values[u"org.gnome.system.proxy.ftp port"_s] = u"0"_s;
    return values;
}

QString GnomeProxyBackend::write(const QString& schemaKey, const std::optional<QString>& value)
{
    const QStringList parts = schemaKey.split(u' ');
    const QStringList arguments = value ? QStringList{u"set"_s, parts[0], parts[1], *value}
                                        : QStringList{u"reset"_s, parts[0], parts[1]};
    const SystemProxyToolResult result = SystemProxyTool::run(gsettings(), arguments);
    if (!result.ok)
        return tr("cannot change the GNOME proxy setting %1: %2").arg(schemaKey, result.error);
    return {};
}

QString GnomeProxyBackend::apply(const SystemProxyTarget& target)
{
    if (QString error = target.validationError(); !error.isEmpty())
        return error;
    KeyStates before;
    if (QString error = readStates(&before); !error.isEmpty())
        return error;
    const QMap<QString, QString> wanted = valuesFor(target);
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        if (before.value(it.key()).value == it.value())
            continue; // a default that already says this may stay a default
        if (QString error = write(it.key(), it.value()); !error.isEmpty())
            return error;
    }
    KeyStates after;
    if (QString error = readStates(&after); !error.isEmpty())
        return error;
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        if (after.value(it.key()).value != it.value()) {
            return tr("the GNOME proxy settings did not change (%1 is %2, not %3): without a D-Bus "
                      "session bus gsettings cannot save")
                .arg(it.key(), after.value(it.key()).value, it.value());
        }
    }
    return {};
}

QString GnomeProxyBackend::restore(const QJsonObject& snapshot)
{
    QString error;
    const KeyStates wanted = fromJson(snapshot, &error);
    if (!error.isEmpty())
        return error;
    KeyStates current;
    if (error = readStates(&current); !error.isEmpty())
        return error;
    const bool exact = canTellUserValues();
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        const KeyState& now = current.value(it.key());
        if (now.value == it->value && (!exact || now.userSet == it->userSet))
            continue;
        const std::optional<QString> value =
            it->userSet || !exact ? std::optional<QString>(it->value) : std::nullopt;
        if (error = write(it.key(), value); !error.isEmpty())
            return error;
    }
    KeyStates after;
    if (error = readStates(&after); !error.isEmpty())
        return error;
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        const KeyState& now = after.value(it.key());
        if (now.value != it->value || (exact && now.userSet != it->userSet)) {
            return tr("the GNOME proxy settings were not restored (%1 is %2, not %3): without a "
                      "D-Bus session bus gsettings cannot save")
                .arg(it.key(), now.value, it->value);
        }
    }
    return {};
}

bool GnomeProxyBackend::pointsAt(const QJsonObject& snapshot, const SystemProxyTarget& target) const
{
    QString error;
    const KeyStates states = fromJson(snapshot, &error);
    if (!error.isEmpty())
        return false;
    const QMap<QString, QString> wanted = valuesFor(target);
    // The keys that say where traffic goes; the bypass list and the rest may
    // have been tuned by the user without turning Switchyard off.
    QStringList deciding = {u"org.gnome.system.proxy mode"_s};
    if (target.mode == SystemProxyTarget::Mode::Pac) {
        deciding.append(u"org.gnome.system.proxy autoconfig-url"_s);
    } else {
        for (const QString& child : {u"http"_s, u"https"_s, u"socks"_s}) {
            deciding.append(rootSchema + u'.' + child + u" host"_s);
            deciding.append(rootSchema + u'.' + child + u" port"_s);
        }
    }
    for (const QString& key : deciding) {
        if (states.value(key).value != wanted.value(key))
            return false;
    }
    return true;
}

QString GnomeProxyBackend::gvariantString(const QString& text)
{
    QString escaped = text;
    escaped.replace(u"\\"_s, u"\\\\"_s);
    // As g_variant_print: single quotes, unless the text holds one and no double.
    if (text.contains(u'\'') && !text.contains(u'"'))
        return u'"' + escaped + u'"';
    escaped.replace(u"'"_s, u"\\'"_s);
    return u'\'' + escaped + u'\'';
}

QString GnomeProxyBackend::gvariantStringArray(const QStringList& list)
{
    QStringList quoted;
    for (const QString& item : list)
        quoted.append(gvariantString(item));
    return u'[' + quoted.join(u", "_s) + u']';
}

QJsonObject GnomeProxyBackend::toJson(const KeyStates& states)
{
    QJsonObject keys;
    for (auto it = states.cbegin(); it != states.cend(); ++it)
        keys[it.key()] = QJsonObject{{u"value"_s, it->value}, {u"set"_s, it->userSet}};
    return {{u"keys"_s, keys}};
}

GnomeProxyBackend::KeyStates GnomeProxyBackend::fromJson(const QJsonObject& snapshot,
                                                         QString* error)
{
    KeyStates states;
    const QJsonObject keys = snapshot.value(u"keys"_s).toObject();
    for (const QString& key : managedKeys()) {
        const QJsonObject state = keys.value(key).toObject();
        if (!state.value(u"value"_s).isString() || !state.value(u"set"_s).isBool()) {
            *error = tr("the saved GNOME proxy settings are damaged (%1 is missing)").arg(key);
            return {};
        }
        states[key] = KeyState{state.value(u"value"_s).toString(), state.value(u"set"_s).toBool()};
    }
    return states;
}

} // namespace Switchyard
