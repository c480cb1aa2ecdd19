#include "SettingsCodec.h"

#include "CompiledRule.h"
#include "JsonFieldReader.h"
#include "SecretStore.h"
#include "SettingsMigration.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>
#include <QUtf8StringView>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace Switchyard {

using namespace Qt::StringLiterals;
using Need = JsonFieldReader::Need;

namespace {

// A field added to one of these structs would silently go unsaved and be lost at
// the next start; make it a build error instead. When one fires: read and write
// the new field here (and in the tests' fullDocument()), compare it in
// SettingsDocument::operator==, then update the size.
static_assert(sizeof(ProxyLimits) == 11 * sizeof(int),
              "ProxyLimits changed: store the new field in SettingsCodec's limitFields and "
              "compare it in SettingsDocument");
#if defined(Q_OS_LINUX) && QT_POINTER_SIZE == 8
static_assert(sizeof(EngineSettings) == 248,
              "EngineSettings changed: store the new field in SettingsCodec");
static_assert(sizeof(UpstreamProfile) == 144,
              "UpstreamProfile changed: store the new field in SettingsCodec");
static_assert(sizeof(Rule) == 96, "Rule changed: store the new field in SettingsCodec");
static_assert(sizeof(InboundAuth) == 56,
              "InboundAuth changed: store the new field in SettingsCodec");
static_assert(sizeof(CaptureSettings) == 16,
              "CaptureSettings changed: store the new field in SettingsCodec");
#endif

const QString settingsFormat = u"switchyard-settings"_s;
const QString exportFormat = u"switchyard-export"_s;

template <typename E> struct NamedValue
{
    E value;
    QStringView name;
};

// The same words as the rules' text form (RuleText), spelled out here because
// they are part of the file format and must never change with it.
constexpr NamedValue<Rule::Matcher> matcherNames[] = {
    {Rule::Matcher::ExactHost, u"host"},       {Rule::Matcher::Domain, u"domain"},
    {Rule::Matcher::Wildcard, u"wildcard"},    {Rule::Matcher::Keyword, u"keyword"},
    {Rule::Matcher::HostRegex, u"host-regex"}, {Rule::Matcher::UrlRegex, u"url-regex"},
    {Rule::Matcher::IpCidr, u"cidr"},          {Rule::Matcher::Port, u"port"},
};

constexpr NamedValue<UpstreamProfile::Type> profileTypeNames[] = {
    {UpstreamProfile::Type::Http, u"http"},
    {UpstreamProfile::Type::Https, u"https"},
    {UpstreamProfile::Type::Socks5, u"socks5"},
    {UpstreamProfile::Type::Socks4a, u"socks4a"},
};

constexpr NamedValue<RouteAction::Kind> actionKindNames[] = {
    {RouteAction::Kind::Direct, u"direct"},
    {RouteAction::Kind::Profile, u"profile"},
    {RouteAction::Kind::Block, u"block"},
};

constexpr NamedValue<UiPreferences::SystemProxyMode> systemProxyModeNames[] = {
    {UiPreferences::SystemProxyMode::Manual, u"manual"},
    {UiPreferences::SystemProxyMode::Pac, u"pac"},
};

template <typename E, std::size_t N> QString nameOf(const NamedValue<E> (&table)[N], E value)
{
    for (const NamedValue<E>& entry : table) {
        if (entry.value == value)
            return entry.name.toString();
    }
    return {};
}

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

struct LimitField
{
    QStringView key;
    int ProxyLimits::*member;
    int min;
    int max;
};

constexpr int oneDayMs = 24 * 60 * 60 * 1000;
constexpr int mebibyte = 1024 * 1024;

// The ranges keep a hand-edited file from starving or crippling the engine; the
// defaults in ProxyLimits sit well inside them.
constexpr LimitField limitFields[] = {
    {u"maxHeadBytes", &ProxyLimits::maxHeadBytes, 256, 64 * mebibyte},
    {u"maxUriBytes", &ProxyLimits::maxUriBytes, 16, 64 * mebibyte},
    {u"maxHeaderFields", &ProxyLimits::maxHeaderFields, 1, 100'000},
    {u"headTimeoutMs", &ProxyLimits::headTimeoutMs, 1, oneDayMs},
    {u"idleTimeoutMs", &ProxyLimits::idleTimeoutMs, 1, oneDayMs},
    {u"connectTimeoutMs", &ProxyLimits::connectTimeoutMs, 1, oneDayMs},
    {u"responseTimeoutMs", &ProxyLimits::responseTimeoutMs, 1, oneDayMs},
    {u"maxClientConnections", &ProxyLimits::maxClientConnections, 1, 1'000'000},
    {u"bufferBytes", &ProxyLimits::bufferBytes, 1024, 1024 * mebibyte},
    {u"originIdleTimeoutMs", &ProxyLimits::originIdleTimeoutMs, 1, oneDayMs},
    {u"maxIdleOriginConnections", &ProxyLimits::maxIdleOriginConnections, 0, 1'000'000},
};
static_assert(std::size(limitFields) == sizeof(ProxyLimits) / sizeof(int));

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

QString listenAddressText(const QHostAddress& address)
{
    // QHostAddress::Any (dual stack) prints as "::", which reads back as IPv6 only.
    if (address == QHostAddress(QHostAddress::Any))
        return u"any"_s;
    return address.toString();
}

void lineAndColumn(const QByteArray& text, qsizetype offset, int* line, int* column)
{
    offset = qBound(qsizetype(0), offset, text.size());
    const QByteArray before = text.left(offset);
    *line = 1 + int(before.count('\n'));
    const qsizetype lineStart = before.lastIndexOf('\n') + 1;
    // Columns in characters, as an editor shows them.
    *column = 1 + int(QString::fromUtf8(before.mid(lineStart)).size());
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

QJsonObject actionToJson(const RouteAction& action)
{
    QJsonObject object{{u"kind"_s, nameOf(actionKindNames, action.kind)}};
    if (action.kind == RouteAction::Kind::Profile)
        object.insert(u"profile"_s, action.profileId);
    return object;
}

/// The reading half of the codec: one document, the issues found so far, and the
/// passwords found in plain text.
class DocumentReader
{
public:
    explicit DocumentReader(SettingsCodec::Decoded* result) : m_result(result) {}

    void read(const QJsonObject& rootObject)
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

private:
    SettingsIssues* issues() { return &m_result->issues; }
    SettingsDocument& document() { return m_result->document; }

    void present(SettingsCodec::Part part) { m_result->parts |= part; }

    void recover(const QString& key, JsonFieldReader& reader, const QString& field)
    {
        QString secret;
        if (reader.readString(field, &secret) && !secret.isEmpty())
            m_result->recoveredSecrets.append({key, secret, reader.pathOf(field)});
        reader.warning(field, SettingsCodec::tr("a password in plain text: Switchyard keeps "
                                                "passwords only in the system keychain, and "
                                                "drops this one from the file when the settings "
                                                "are next saved"));
    }

    void readNetwork(JsonFieldReader& root)
    {
        EngineSettings& engine = document().engine;
        for (const QString& key :
             {u"listen"_s, u"limits"_s, u"capture"_s, u"addViaHeader"_s, u"remoteTunnelPorts"_s,
              u"logFlushIntervalMs"_s, u"inboundAuth"_s}) {
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
            capture.readInteger(u"maxBodyBytes"_s, 0, maxCaptureBytes,
                                &engine.capture.maxBodyBytes);
            capture.reportUnknownKeys();
        }

        root.readBool(u"addViaHeader"_s, &engine.addViaHeader);
        QJsonArray tunnelPorts;
        if (root.readArray(u"remoteTunnelPorts"_s, &tunnelPorts)) {
            QList<quint16> ports;
            for (qsizetype i = 0; i < tunnelPorts.size(); ++i) {
                const QJsonValue port = tunnelPorts.at(i);
                const double number = port.toDouble(-1);
                if (!port.isDouble() || std::trunc(number) != number || number < 1 ||
                    number > 65535) {
                    issues()->append(SettingsIssue::error(
                        elementPath(root, u"remoteTunnelPorts"_s, i),
                        SettingsCodec::tr("must be a port from 1 to 65535, not %1")
                            .arg(JsonFieldReader::describeType(port))));
                    continue;
                }
                ports.append(quint16(number));
            }
            if (ports.size() == tunnelPorts.size())
                engine.remoteTunnelPorts = ports;
        }
        root.readInt(u"logFlushIntervalMs"_s, minLogFlushMs, maxLogFlushMs,
                     &engine.logFlushIntervalMs);

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

    void readProfiles(JsonFieldReader& root)
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
                issues()->append(SettingsIssue::error(
                    path, SettingsCodec::tr("must be an object, not %1")
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

    bool readAction(const QJsonObject& object, const QString& path, RouteAction* out)
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

    void readRule(const QJsonValue& value, const QString& path)
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
        if (reader.readNonEmptyString(u"pattern"_s, &rule.pattern, Need::Required) &&
            knownMatcher) {
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

    void readRouting(JsonFieldReader& root)
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
                    hosts.error(it.key(),
                                SettingsCodec::tr("\"%1\" is not a host name").arg(it.key()));
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
                        const QString path = it.value().isString()
                                                 ? hosts.pathOf(it.key())
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

    void readColumnWidths(const QJsonObject& object, const QString& path)
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

    void readUi(JsonFieldReader& root)
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

    SettingsCodec::Decoded* m_result;
};

} // namespace

SettingsCodec::Parts SettingsCodec::allParts()
{
    return Part::Network | Part::Profiles | Part::Routing | Part::Ui;
}

QString SettingsCodec::matcherName(Rule::Matcher matcher)
{
    return nameOf(matcherNames, matcher);
}

QString SettingsCodec::profileTypeName(UpstreamProfile::Type type)
{
    return nameOf(profileTypeNames, type);
}

QString SettingsCodec::actionKindName(RouteAction::Kind kind)
{
    return nameOf(actionKindNames, kind);
}

QJsonObject SettingsCodec::toJson(const SettingsDocument& document, Parts parts, Kind kind)
{
    QJsonObject root;
    root.insert(u"format"_s, kind == Kind::Export ? exportFormat : settingsFormat);
    root.insert(u"version"_s, SettingsDocument::currentVersion);
    if (kind == Kind::Export)
        root.insert(u"exportedAt"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate));

    if (parts.testFlag(Part::Network)) {
        const EngineSettings& engine = document.engine;
        root.insert(u"listen"_s,
                    QJsonObject{{u"address"_s, listenAddressText(engine.listenAddress)},
                                {u"port"_s, engine.listenPort}});
        QJsonObject limits;
        for (const LimitField& field : limitFields)
            limits.insert(field.key.toString(), engine.limits.*field.member);
        root.insert(u"limits"_s, limits);
        root.insert(u"capture"_s,
                    QJsonObject{{u"enabled"_s, engine.capture.enabled},
                                {u"maxBodyBytes"_s, double(engine.capture.maxBodyBytes)}});
        root.insert(u"addViaHeader"_s, engine.addViaHeader);
        QJsonArray tunnelPorts;
        for (const quint16 port : engine.remoteTunnelPorts)
            tunnelPorts.append(port);
        root.insert(u"remoteTunnelPorts"_s, tunnelPorts);
        root.insert(u"logFlushIntervalMs"_s, engine.logFlushIntervalMs);
        // The password stays out: it belongs to the keychain.
        root.insert(u"inboundAuth"_s, QJsonObject{{u"required"_s, engine.inboundAuth.required},
                                                  {u"username"_s, engine.inboundAuth.username}});
    }

    if (parts.testFlag(Part::Profiles)) {
        QJsonArray profiles;
        for (const UpstreamProfile& profile : document.engine.profiles) {
            // No password: it belongs to the keychain.
            profiles.append(QJsonObject{
                {u"id"_s, profile.id},
                {u"name"_s, profile.name},
                {u"type"_s, profileTypeName(profile.type)},
                {u"host"_s, profile.host},
                {u"port"_s, profile.port},
                {u"username"_s, profile.username},
                {u"resolveAtExit"_s, profile.resolveAtExit},
                {u"allowSelfSigned"_s, profile.allowSelfSigned},
            });
        }
        root.insert(u"profiles"_s, profiles);
    }

    if (parts.testFlag(Part::Routing)) {
        QJsonArray rules;
        const RuleList& routing = document.engine.routing;
        for (const Rule& rule : routing.rules) {
            rules.append(QJsonObject{
                {u"matcher"_s, matcherName(rule.matcher)},
                {u"pattern"_s, rule.pattern},
                {u"action"_s, actionToJson(rule.action)},
                {u"enabled"_s, rule.enabled},
                {u"comment"_s, rule.comment},
            });
        }
        root.insert(u"routing"_s,
                    QJsonObject{{u"rules"_s, rules},
                                {u"defaultAction"_s, actionToJson(routing.defaultAction)}});
        QJsonObject hosts;
        const auto& overrides = document.engine.hostsOverride;
        for (auto it = overrides.constBegin(); it != overrides.constEnd(); ++it) {
            QJsonArray addresses;
            for (const QHostAddress& address : it.value())
                addresses.append(address.toString());
            hosts.insert(it.key(), addresses);
        }
        root.insert(u"hostsOverride"_s, hosts);
    }

    if (parts.testFlag(Part::Ui)) {
        const UiPreferences& ui = document.ui;
        QJsonObject columns;
        for (auto it = ui.columnWidths.constBegin(); it != ui.columnWidths.constEnd(); ++it) {
            QJsonArray widths;
            for (const int width : it.value())
                widths.append(width);
            columns.insert(it.key(), widths);
        }
        root.insert(u"ui"_s,
                    QJsonObject{
                        {u"windowGeometry"_s, QString::fromLatin1(ui.windowGeometry.toBase64())},
                        {u"windowState"_s, QString::fromLatin1(ui.windowState.toBase64())},
                        {u"columnWidths"_s, columns},
                        {u"closeToTray"_s, ui.closeToTray},
                        {u"closeToTrayNoticeShown"_s, ui.closeToTrayNoticeShown},
                        {u"proxyEnabled"_s, ui.proxyEnabled},
                        {u"systemProxyEnabled"_s, ui.systemProxyEnabled},
                        {u"autostart"_s, ui.autostart},
                        {u"language"_s, ui.language},
                        {u"maxLogEntries"_s, ui.maxLogEntries},
                        {u"systemProxyMode"_s, nameOf(systemProxyModeNames, ui.systemProxyMode)},
                    });
    }
    return root;
}

QByteArray SettingsCodec::encode(const SettingsDocument& document, Parts parts, Kind kind)
{
    return QJsonDocument(toJson(document, parts, kind)).toJson(QJsonDocument::Indented);
}

SettingsCodec::Decoded SettingsCodec::fromJson(const QJsonObject& root)
{
    Decoded result;
    result.fileVersion = SettingsDocument::currentVersion;
    DocumentReader(&result).read(root);
    return result;
}

SettingsCodec::Decoded SettingsCodec::decode(const QByteArray& bytes)
{
    Decoded result;
    QByteArray text = bytes;
    // Editors on some systems put a byte-order mark in front of UTF-8.
    if (text.startsWith("\xEF\xBB\xBF"))
        text.remove(0, 3);

    if (text.trimmed().isEmpty()) {
        result.issues.append(SettingsIssue::error({}, tr("the file is empty")));
        return result;
    }
    if (const qsizetype zero = text.indexOf('\0'); zero >= 0) {
        int line = 0;
        int column = 0;
        lineAndColumn(text, zero, &line, &column);
        result.issues.append(SettingsIssue::syntaxError(
            line, column, tr("binary data (a zero byte): this is not a settings file")));
        return result;
    }
    if (!QUtf8StringView(text).isValidUtf8()) {
        result.issues.append(SettingsIssue::error(
            {}, tr("the file is not UTF-8 text: it is damaged or not a settings file")));
        return result;
    }

    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        int line = 0;
        int column = 0;
        lineAndColumn(text, parseError.offset, &line, &column);
        result.issues.append(SettingsIssue::syntaxError(
            line, column, tr("not valid JSON: %1").arg(parseError.errorString())));
        return result;
    }
    if (!json.isObject()) {
        result.issues.append(SettingsIssue::error(
            {}, tr("the file holds %1, not a settings object")
                    .arg(json.isArray() ? tr("a list") : tr("a single value"))));
        return result;
    }
    QJsonObject root = json.object();

    const QJsonValue versionValue = root.value(u"version"_s);
    if (versionValue.isUndefined()) {
        result.issues.append(SettingsIssue::error(
            u"version"_s, tr("missing; every Switchyard settings file names its version")));
        return result;
    }
    const double version = versionValue.toDouble(-1);
    if (!versionValue.isDouble() || std::trunc(version) != version) {
        result.issues.append(SettingsIssue::error(
            u"version"_s,
            tr("must be a whole number, not %1").arg(JsonFieldReader::describeType(versionValue))));
        return result;
    }
    if (version > SettingsDocument::currentVersion) {
        result.issues.append(SettingsIssue::error(
            u"version"_s, tr("the file was written by a newer Switchyard (settings version %1); "
                             "this one reads versions 1 to %2")
                              .arg(QString::number(version, 'g', 17))
                              .arg(SettingsDocument::currentVersion)));
        return result;
    }
    if (version < 1) {
        result.issues.append(SettingsIssue::error(
            u"version"_s,
            tr("%1 is not a settings version").arg(QString::number(version, 'g', 17))));
        return result;
    }

    const int fileVersion = int(version);
    SettingsIssues migrationIssues;
    QList<RecoveredSecret> migrationSecrets;
    if (fileVersion < SettingsDocument::currentVersion &&
        !SettingsMigration::migrate(&root, fileVersion, &migrationIssues, &migrationSecrets)) {
        result.fileVersion = fileVersion;
        result.issues = migrationIssues;
        return result;
    }
    result = fromJson(root);
    result.fileVersion = fileVersion;
    result.issues = migrationIssues + result.issues;
    result.recoveredSecrets = migrationSecrets + result.recoveredSecrets;
    return result;
}

} // namespace Switchyard
