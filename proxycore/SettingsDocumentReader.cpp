#include "SettingsDocumentReader.h"

#include "CompiledRule.h"
#include "JsonFieldReader.h"
#include "SecretStore.h"
#include "SettingsFileFormat.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>
#include <algorithm>
#include <cmath>

namespace Switchyard {

using namespace Qt::StringLiterals;
using namespace SettingsFileFormat;
using Need = JsonFieldReader::Need;

namespace {

template <typename E, std::size_t N> QString allNames(const NamedValue<E> (&table)[N])
{
    QStringList names;
    for (const NamedValue<E>& entry : table)
        names.append(u'"' + entry.name.toString() + u'"');
    return names.join(u", "_s);
}

/// Reads an enumeration by name; an unknown name is an error that lists the known ones.
template <typename E, std::size_t N>
bool readEnum(JsonFieldReader& reader, const QString& key, const NamedValue<E> (&table)[N], E* out,
              Need need)
{
    QString name;
    if (!reader.readString(key, &name, need))
        return false;
    for (const NamedValue<E>& entry : table) {
        if (entry.name == name) {
            *out = entry.value;
            return true;
        }
    }
    reader.error(key, SettingsCodec::tr("unknown value \"%1\"; this version of Switchyard knows %2")
                          .arg(name, allNames(table)));
    return false;
}

constexpr qint64 maxCaptureBytes = qint64(1024) * mebibyte;
constexpr int minLogFlushMs = 10;
constexpr int maxLogFlushMs = 10'000;
constexpr int maxColumnWidth = 100'000;

// Profile ids become keychain keys ("profile/<id>") and appear in rules, so they
// stay plain: UUIDs, or short names written by hand.
const QRegularExpression& profileIdPattern()
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9._~-]{1,128}$"_s);
    return pattern;
}

const QRegularExpression& languagePattern()
{
    static const QRegularExpression pattern(u"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"_s);
    return pattern;
}

bool hasSpaceOrControl(const QString& text)
{
    for (const QChar c : text) {
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

/// What is wrong with a host name or address; empty when it is usable.
QString hostProblem(const QString& host)
{
    if (hasSpaceOrControl(host))
        return SettingsCodec::tr("\"%1\" contains spaces or control characters").arg(host);
    QHostAddress address;
    if (address.setAddress(host))
        return {};
    if (QUrl::toAce(host).isEmpty())
        return SettingsCodec::tr("\"%1\" is not a host name or IP address").arg(host);
    return {};
}

int errorCount(const SettingsIssues& issues)
{
    return int(std::count_if(issues.cbegin(), issues.cend(),
                             [](const SettingsIssue& issue) { return issue.isError(); }));
}

QString elementPath(const JsonFieldReader& parent, const QString& key, qsizetype index)
{
    return parent.pathOf(key) + u'[' + QString::number(index) + u']';
}

} // namespace

void SettingsDocumentReader::read(const QJsonObject& rootObject)
{
    JsonFieldReader root(rootObject, {}, issues());
    QString format;
    if (root.readString(u"format"_s, &format)) {
        if (format == exportFormat)
            m_result->kind = SettingsCodec::Kind::Export;
        else if (format != settingsFormat)
            root.error(u"format"_s, SettingsCodec::tr("\"%1\" is not a Switchyard settings "
                                                      "or export file")
                                        .arg(format));
    }
    root.skip(u"version"_s); // checked before migration
    QString exportedAt;
    root.readString(u"exportedAt"_s, &exportedAt); // informational only

    readNetwork(root);
    readProfiles(root);
    readRouting(root);
    readUi(root);
    root.reportUnknownKeys();
}

void SettingsDocumentReader::recover(const QString& key, JsonFieldReader& reader,
                                     const QString& field)
{
    QString secret;
    if (reader.readString(field, &secret) && !secret.isEmpty())
        m_result->recoveredSecrets.append({key, secret, reader.pathOf(field)});
    reader.warning(field, SettingsCodec::tr("a password in plain text: Switchyard keeps "
                                            "passwords only in the system keychain, and "
                                            "drops this one from the file when the settings "
                                            "are next saved"));
}

void SettingsDocumentReader::readNetwork(JsonFieldReader& root)
{
    EngineSettings& engine = document().engine;
    for (const QString& key : {u"listen"_s, u"limits"_s, u"capture"_s, u"addViaHeader"_s,
                               u"remoteTunnelPorts"_s, u"logFlushIntervalMs"_s, u"inboundAuth"_s}) {
        if (root.has(key))
            present(SettingsCodec::Part::Network);
    }

    QJsonObject listenObject;
    if (root.readObject(u"listen"_s, &listenObject)) {
        JsonFieldReader listen(listenObject, root.pathOf(u"listen"_s), issues());
        QString text;
        if (listen.readNonEmptyString(u"address"_s, &text, Need::Required)) {
            QHostAddress address;
            if (text == u"any")
                address = QHostAddress(QHostAddress::Any);
            else if (text.compare(u"localhost", Qt::CaseInsensitive) == 0)
                address = QHostAddress(QHostAddress::LocalHost);
            if (!address.isNull() || address.setAddress(text))
                engine.listenAddress = address;
            else
                listen.error(
                    u"address"_s,
                    SettingsCodec::tr("\"%1\" is not an IP address (or \"any\")").arg(text));
        }
        qint64 port = 0;
        if (listen.readInteger(u"port"_s, 0, 65535, &port, Need::Required))
            engine.listenPort = quint16(port);
        listen.reportUnknownKeys();
    }

    QJsonObject limitsObject;
    if (root.readObject(u"limits"_s, &limitsObject)) {
        JsonFieldReader limits(limitsObject, root.pathOf(u"limits"_s), issues());
        for (const LimitField& field : limitFields) {
            limits.readInt(field.key.toString(), field.min, field.max,
                           &(engine.limits.*field.member));
        }
        limits.reportUnknownKeys();
    }

    QJsonObject captureObject;
    if (root.readObject(u"capture"_s, &captureObject)) {
        JsonFieldReader capture(captureObject, root.pathOf(u"capture"_s), issues());
        capture.readBool(u"enabled"_s, &engine.capture.enabled);
        capture.readInteger(u"maxBodyBytes"_s, 0, maxCaptureBytes, &engine.capture.maxBodyBytes);
        capture.reportUnknownKeys();
    }

    root.readBool(u"addViaHeader"_s, &engine.addViaHeader);
    QJsonArray tunnelPorts;
    if (root.readArray(u"remoteTunnelPorts"_s, &tunnelPorts)) {
        QList<quint16> ports;
        for (qsizetype i = 0; i < tunnelPorts.size(); ++i) {
            const QJsonValue port = tunnelPorts.at(i);
            const double number = port.toDouble(-1);
            if (!port.isDouble() || std::trunc(number) != number || number < 1 || number > 65535) {
                issues()->append(
                    SettingsIssue::error(elementPath(root, u"remoteTunnelPorts"_s, i),
                                         SettingsCodec::tr("must be a port from 1 to 65535, not %1")
                                             .arg(JsonFieldReader::describeType(port))));
                continue;
            }
            ports.append(quint16(number));
        }
        if (ports.size() == tunnelPorts.size())
            engine.remoteTunnelPorts = ports;
    }
    root.readInt(u"logFlushIntervalMs"_s, minLogFlushMs, maxLogFlushMs, &engine.logFlushIntervalMs);

    QJsonObject inboundObject;
    if (root.readObject(u"inboundAuth"_s, &inboundObject)) {
        JsonFieldReader inbound(inboundObject, root.pathOf(u"inboundAuth"_s), issues());
        InboundAuth& auth = document().engine.inboundAuth;
        inbound.readBool(u"required"_s, &auth.required);
        inbound.readString(u"username"_s, &auth.username);
        if (auth.username.toUtf8().size() > 255)
            inbound.error(u"username"_s, SettingsCodec::tr("is longer than 255 bytes, the "
                                                           "most SOCKS5 can carry"));
        else if (auth.required && auth.username.isEmpty())
            inbound.error(u"username"_s, SettingsCodec::tr("is needed when inbound "
                                                           "authentication is required"));
        if (inbound.has(u"password"_s))
            recover(SecretStore::inboundKey(), inbound, u"password"_s);
        inbound.reportUnknownKeys();
    }
}

void SettingsDocumentReader::readProfiles(JsonFieldReader& root)
{
    QJsonArray list;
    if (!root.has(u"profiles"_s))
        return;
    present(SettingsCodec::Part::Profiles);
    if (!root.readArray(u"profiles"_s, &list))
        return;
    QSet<QString> ids;
    QHash<QString, QString> names; // name → path of the first profile so named
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = elementPath(root, u"profiles"_s, i);
        if (!list.at(i).isObject()) {
            issues()->append(
                SettingsIssue::error(path, SettingsCodec::tr("must be an object, not %1")
                                               .arg(JsonFieldReader::describeType(list.at(i)))));
            continue;
        }
        const int errorsBefore = errorCount(*issues());
        JsonFieldReader reader(list.at(i).toObject(), path, issues());
        UpstreamProfile profile;
        profile.port = 0;
        if (reader.readNonEmptyString(u"id"_s, &profile.id, Need::Required)) {
            if (!profileIdPattern().match(profile.id).hasMatch())
                reader.error(u"id"_s, SettingsCodec::tr("\"%1\" is not a valid id: up to 128 "
                                                        "letters, digits, '.', '_', '~' or "
                                                        "'-'")
                                          .arg(profile.id));
            else if (ids.contains(profile.id))
                reader.error(u"id"_s, SettingsCodec::tr("\"%1\" is the id of another exit "
                                                        "too; ids must be unique")
                                          .arg(profile.id));
            ids.insert(profile.id);
        }
        if (reader.readNonEmptyString(u"name"_s, &profile.name, Need::Required)) {
            if (names.contains(profile.name))
                reader.warning(u"name"_s, SettingsCodec::tr("%1 has the same name; name "
                                                            "them apart, or use ids where "
                                                            "an exit is asked for")
                                              .arg(names.value(profile.name)));
            else
                names.insert(profile.name, path);
        }
        readEnum(reader, u"type"_s, profileTypeNames, &profile.type, Need::Required);
        if (reader.readNonEmptyString(u"host"_s, &profile.host, Need::Required)) {
            if (const QString problem = hostProblem(profile.host); !problem.isEmpty())
                reader.error(u"host"_s, problem);
        }
        qint64 port = 0;
        if (reader.readInteger(u"port"_s, 1, 65535, &port, Need::Required))
            profile.port = quint16(port);
        reader.readString(u"username"_s, &profile.username);
        reader.readBool(u"resolveAtExit"_s, &profile.resolveAtExit);
        reader.readBool(u"allowSelfSigned"_s, &profile.allowSelfSigned);
        if (reader.has(u"password"_s)) {
            if (profileIdPattern().match(profile.id).hasMatch())
                recover(SecretStore::profileKey(profile.id), reader, u"password"_s);
            else
                reader.skip(u"password"_s);
        }
        reader.reportUnknownKeys();
        if (errorCount(*issues()) != errorsBefore)
            continue;
        if (const QString problem = profile.validate(); !problem.isEmpty()) {
            issues()->append(SettingsIssue::error(path, problem));
            continue;
        }
        document().engine.profiles.append(profile);
    }
}

bool SettingsDocumentReader::readAction(const QJsonObject& object, const QString& path,
                                        RouteAction* out)
{
    const int errorsBefore = errorCount(*issues());
    JsonFieldReader reader(object, path, issues());
    RouteAction action;
    readEnum(reader, u"kind"_s, actionKindNames, &action.kind, Need::Required);
    if (action.kind == RouteAction::Kind::Profile) {
        if (reader.readNonEmptyString(u"profile"_s, &action.profileId, Need::Required) &&
            !document().profile(action.profileId)) {
            reader.warning(u"profile"_s,
                           SettingsCodec::tr("no exit has the id \"%1\"; connections sent "
                                             "there are blocked until one does")
                               .arg(action.profileId));
        }
    }
    reader.reportUnknownKeys();
    if (errorCount(*issues()) != errorsBefore)
        return false;
    *out = action;
    return true;
}

void SettingsDocumentReader::readRule(const QJsonValue& value, const QString& path)
{
    if (!value.isObject()) {
        issues()->append(
            SettingsIssue::error(path, SettingsCodec::tr("must be an object, "
                                                         "not %1")
                                           .arg(JsonFieldReader::describeType(value))));
        return;
    }
    const int errorsBefore = errorCount(*issues());
    JsonFieldReader reader(value.toObject(), path, issues());
    Rule rule;
    const bool knownMatcher =
        readEnum(reader, u"matcher"_s, matcherNames, &rule.matcher, Need::Required);
    // A pattern the rule engine rejects is kept as written and reported: the
    // rule never matches until it is fixed, in the editor, where the user sees it.
    if (reader.readNonEmptyString(u"pattern"_s, &rule.pattern, Need::Required) && knownMatcher) {
        if (const QString problem = CompiledRule::checkPattern(rule.matcher, rule.pattern);
            !problem.isEmpty())
            reader.warning(
                u"pattern"_s,
                SettingsCodec::tr("%1; the rule never matches until it is fixed").arg(problem));
    }
    QJsonObject actionObject;
    if (reader.readObject(u"action"_s, &actionObject, Need::Required))
        readAction(actionObject, reader.pathOf(u"action"_s), &rule.action);
    reader.readBool(u"enabled"_s, &rule.enabled);
    reader.readString(u"comment"_s, &rule.comment);
    reader.reportUnknownKeys();
    if (errorCount(*issues()) == errorsBefore)
        document().engine.routing.rules.append(rule);
}

void SettingsDocumentReader::readRouting(JsonFieldReader& root)
{
    if (root.has(u"routing"_s) || root.has(u"hostsOverride"_s))
        present(SettingsCodec::Part::Routing);

    QJsonObject routingObject;
    if (root.readObject(u"routing"_s, &routingObject)) {
        JsonFieldReader routing(routingObject, root.pathOf(u"routing"_s), issues());
        QJsonArray rules;
        if (routing.readArray(u"rules"_s, &rules)) {
            for (qsizetype i = 0; i < rules.size(); ++i)
                readRule(rules.at(i), elementPath(routing, u"rules"_s, i));
        }
        QJsonObject defaultAction;
        if (routing.readObject(u"defaultAction"_s, &defaultAction))
            readAction(defaultAction, routing.pathOf(u"defaultAction"_s),
                       &document().engine.routing.defaultAction);
        routing.reportUnknownKeys();
    }

    QJsonObject hostsObject;
    if (root.readObject(u"hostsOverride"_s, &hostsObject)) {
        JsonFieldReader hosts(hostsObject, root.pathOf(u"hostsOverride"_s), issues());
        auto& overrides = document().engine.hostsOverride;
        for (auto it = hostsObject.constBegin(); it != hostsObject.constEnd(); ++it) {
            hosts.skip(it.key());
            QString name = it.key().toLower();
            if (name.endsWith(u'.'))
                name.chop(1);
            if (name.isEmpty() || hasSpaceOrControl(name) || name.contains(u'/')) {
                hosts.error(it.key(), SettingsCodec::tr("\"%1\" is not a host name").arg(it.key()));
                continue;
            }
            if (overrides.contains(name)) {
                hosts.error(it.key(), SettingsCodec::tr("\"%1\" is listed twice (names are "
                                                        "not case-sensitive)")
                                          .arg(name));
                continue;
            }
            // One address may be written alone; several go in a list.
            const QJsonArray list =
                it.value().isString() ? QJsonArray{it.value()} : it.value().toArray();
            if (!it.value().isString() && !it.value().isArray()) {
                hosts.error(it.key(), SettingsCodec::tr("must be an IP address or a list "
                                                        "of them, not %1")
                                          .arg(JsonFieldReader::describeType(it.value())));
                continue;
            }
            QList<QHostAddress> addresses;
            for (qsizetype i = 0; i < list.size(); ++i) {
                QHostAddress address;
                if (!list.at(i).isString() || !address.setAddress(list.at(i).toString())) {
                    const QString path = it.value().isString() ? hosts.pathOf(it.key())
                                                               : elementPath(hosts, it.key(), i);
                    issues()->append(SettingsIssue::error(
                        path, SettingsCodec::tr("%1 is not an IP address")
                                  .arg(list.at(i).isString()
                                           ? u'"' + list.at(i).toString() + u'"'
                                           : JsonFieldReader::describeType(list.at(i)))));
                    continue;
                }
                addresses.append(address);
            }
            if (addresses.isEmpty() && list.isEmpty())
                hosts.error(it.key(), SettingsCodec::tr("names no address"));
            else if (addresses.size() == list.size())
                overrides.insert(name, addresses);
        }
    }
}

void SettingsDocumentReader::readColumnWidths(const QJsonObject& object, const QString& path)
{
    JsonFieldReader columns(object, path, issues());
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        QJsonArray widthsArray;
        if (!columns.readArray(it.key(), &widthsArray))
            continue;
        QList<int> widths;
        bool good = true;
        for (qsizetype i = 0; i < widthsArray.size(); ++i) {
            const QJsonValue width = widthsArray.at(i);
            const double number = width.toDouble(-1);
            if (!width.isDouble() || std::trunc(number) != number || number < 0 ||
                number > maxColumnWidth) {
                issues()->append(SettingsIssue::error(
                    elementPath(columns, it.key(), i),
                    SettingsCodec::tr("must be a width in pixels from 0 to %1, not %2")
                        .arg(maxColumnWidth)
                        .arg(JsonFieldReader::describeType(width))));
                good = false;
                continue;
            }
            widths.append(int(number));
        }
        if (good)
            document().ui.columnWidths.insert(it.key(), widths);
    }
}

void SettingsDocumentReader::readUi(JsonFieldReader& root)
{
    QJsonObject uiObject;
    if (!root.has(u"ui"_s))
        return;
    present(SettingsCodec::Part::Ui);
    if (!root.readObject(u"ui"_s, &uiObject))
        return;
    UiPreferences& ui = document().ui;
    JsonFieldReader reader(uiObject, root.pathOf(u"ui"_s), issues());
    reader.readBase64(u"windowGeometry"_s, &ui.windowGeometry);
    reader.readBase64(u"windowState"_s, &ui.windowState);
    QJsonObject columns;
    if (reader.readObject(u"columnWidths"_s, &columns))
        readColumnWidths(columns, reader.pathOf(u"columnWidths"_s));
    reader.readBool(u"closeToTray"_s, &ui.closeToTray);
    reader.readBool(u"closeToTrayNoticeShown"_s, &ui.closeToTrayNoticeShown);
    reader.readBool(u"proxyEnabled"_s, &ui.proxyEnabled);
    reader.readBool(u"systemProxyEnabled"_s, &ui.systemProxyEnabled);
    reader.readBool(u"autostart"_s, &ui.autostart);
    QString language;
    if (reader.readString(u"language"_s, &language)) {
        if (language.isEmpty() || languagePattern().match(language).hasMatch())
            ui.language = language;
        else
            reader.error(u"language"_s,
                         SettingsCodec::tr("\"%1\" is not a language code such as \"de\" or "
                                           "\"pt_BR\" (empty follows the system)")
                             .arg(language));
    }
    reader.readInt(u"maxLogEntries"_s, UiPreferences::minLogEntries,
                   UiPreferences::maxLogEntriesLimit, &ui.maxLogEntries);
    readEnum(reader, u"systemProxyMode"_s, systemProxyModeNames, &ui.systemProxyMode,
             Need::Optional);
    reader.reportUnknownKeys();
}

} // namespace Switchyard
