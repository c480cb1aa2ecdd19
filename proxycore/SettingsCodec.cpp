#include "SettingsCodec.h"

#include "JsonFieldReader.h"
#include "SettingsDocumentReader.h"
#include "SettingsFileFormat.h"
#include "SettingsMigration.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QUtf8StringView>
#include <cmath>

namespace Switchyard {

using namespace Qt::StringLiterals;
using namespace SettingsFileFormat;

namespace {

// A field added to one of these structs would silently go unsaved and be lost at
// the next start; make it a build error instead. When one fires: write the new
// field here, read it in SettingsDocumentReader (and set it in the tests'
// fullDocument()), compare it in SettingsDocument::operator==, then update the size.
static_assert(sizeof(ProxyLimits) == 11 * sizeof(int),
              "ProxyLimits changed: store the new field in SettingsFileFormat's limitFields and "
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

QJsonObject actionToJson(const RouteAction& action)
{
    QJsonObject object{{u"kind"_s, nameOf(actionKindNames, action.kind)}};
    if (action.kind == RouteAction::Kind::Profile)
        object.insert(u"profile"_s, action.profileId);
    return object;
}

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
    root.insert(u"format"_s, (kind == Kind::Export ? exportFormat : settingsFormat).toString());
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
    SettingsDocumentReader(&result).read(root);
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
