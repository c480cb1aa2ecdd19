#include "SettingsMigration.h"

#include "EngineSettings.h"
#include "JsonFieldReader.h"
#include "SecretStore.h"
#include "SettingsCodec.h"
#include "SettingsDocument.h"
#include "UpstreamProfile.h"

#include <QHash>
#include <QJsonArray>
#include <QUrl>
#include <algorithm>
#include <limits>
#include <utility>

namespace Switchyard {

using namespace Qt::StringLiterals;
using Need = JsonFieldReader::Need;

namespace {

int errorCount(const SettingsIssues& issues)
{
    return int(std::count_if(issues.cbegin(), issues.cend(),
                             [](const SettingsIssue& issue) { return issue.isError(); }));
}

/// The parser's reason with the URI's password taken out: the reason may quote
/// the URI, and messages end up on screens and in bug reports.
QString withoutPassword(QString problem, const QString& uri)
{
    const QUrl url(uri.trimmed(), QUrl::TolerantMode);
    if (!url.isValid())
        return SettingsMigration::tr("it cannot be parsed as a URI");
    const QString password = url.password(QUrl::FullyDecoded);
    const QString encoded = url.password(QUrl::FullyEncoded);
    problem.replace(uri.trimmed(), url.toString(QUrl::RemovePassword));
    for (const QString& secret : {password, encoded}) {
        if (!secret.isEmpty())
            problem.replace(secret, u"****"_s);
    }
    return problem;
}

} // namespace

QString SettingsMigration::version1UpstreamId()
{
    return u"v1-upstream"_s;
}

bool SettingsMigration::migrate(QJsonObject* root, int fromVersion, SettingsIssues* issues,
                                QList<RecoveredSecret>* secrets)
{
    for (int version = fromVersion; version < SettingsDocument::currentVersion; ++version) {
        bool migrated = false;
        switch (version) {
        case 1:
            migrated = fromVersion1(root, issues, secrets);
            break;
        default:
            issues->append(SettingsIssue::error(
                u"version"_s, tr("no migration from settings version %1").arg(version)));
            break;
        }
        if (!migrated)
            return false;
    }
    return true;
}

bool SettingsMigration::fromVersion1(QJsonObject* root, SettingsIssues* issues,
                                     QList<RecoveredSecret>* secrets)
{
    const int errorsBefore = errorCount(*issues);
    JsonFieldReader old(*root, {}, issues);
    old.skip(u"version"_s);

    QJsonObject migrated{{u"format"_s, u"switchyard-settings"_s},
                         {u"version"_s, SettingsDocument::currentVersion}};
    EngineSettings defaults;

    QString listenText;
    if (old.readString(u"listen"_s, &listenText)) {
        QHostAddress address;
        quint16 port = 0;
        if (const QString problem = parseListenAddress(listenText, &address, &port);
            !problem.isEmpty())
            old.error(u"listen"_s, problem);
        else
            migrated.insert(u"listen"_s,
                            QJsonObject{{u"address"_s, address.toString()}, {u"port"_s, port}});
    }

    // The one upstream becomes the first profile; its password leaves the file.
    QString upstreamUri;
    bool haveUpstream = false;
    if (old.readString(u"upstream"_s, &upstreamUri) && !upstreamUri.trimmed().isEmpty()) {
        QString problem;
        UpstreamProfile profile = UpstreamProfile::fromUri(upstreamUri, &problem);
        if (!problem.isEmpty()) {
            // The URI may hold a password: never repeat it in a message.
            old.error(u"upstream"_s,
                      tr("not a usable proxy URI: %1").arg(withoutPassword(problem, upstreamUri)));
        } else {
            profile.id = version1UpstreamId();
            if (!profile.password.isEmpty()) {
                secrets->append({SecretStore::profileKey(profile.id), profile.password,
                                 old.pathOf(u"upstream"_s)});
                profile.password.clear();
                old.warning(u"upstream"_s,
                            tr("holds a password in plain text: Switchyard keeps passwords only "
                               "in the system keychain, and drops this one from the file when "
                               "the settings are next saved"));
            }
            haveUpstream = true;
            migrated.insert(u"profiles"_s,
                            QJsonArray{QJsonObject{
                                {u"id"_s, profile.id},
                                {u"name"_s, profile.name},
                                {u"type"_s, SettingsCodec::profileTypeName(profile.type)},
                                {u"host"_s, profile.host},
                                {u"port"_s, profile.port},
                                {u"username"_s, profile.username},
                                {u"resolveAtExit"_s, profile.resolveAtExit},
                                {u"allowSelfSigned"_s, profile.allowSelfSigned},
                            }});
        }
    }
    const QJsonObject throughUpstream{{u"kind"_s, u"profile"_s},
                                      {u"profile"_s, version1UpstreamId()}};
    const QJsonObject direct{{u"kind"_s, u"direct"_s}};

    // Version 1 sent unmatched traffic through the upstream when there was one
    // and this was on (its default); with no upstream everything went direct.
    bool upstreamByDefault = true;
    old.readBool(u"upstreamByDefault"_s, &upstreamByDefault);
    QJsonObject routing{
        {u"defaultAction"_s, haveUpstream && upstreamByDefault ? throughUpstream : direct}};

    using M = Rule::Matcher;
    const QHash<QString, QString> matchers{
        {u"host"_s, SettingsCodec::matcherName(M::ExactHost)},
        {u"domain"_s, SettingsCodec::matcherName(M::Domain)},
        {u"wildcard"_s, SettingsCodec::matcherName(M::Wildcard)},
        {u"keyword"_s, SettingsCodec::matcherName(M::Keyword)},
        {u"regex"_s, SettingsCodec::matcherName(M::HostRegex)},
        {u"cidr"_s, SettingsCodec::matcherName(M::IpCidr)},
    };
    QJsonArray oldRules;
    QJsonArray rules;
    if (old.readArray(u"rules"_s, &oldRules)) {
        for (qsizetype i = 0; i < oldRules.size(); ++i) {
            const QString path = old.pathOf(u"rules"_s) + u'[' + QString::number(i) + u']';
            if (!oldRules.at(i).isObject()) {
                issues->append(SettingsIssue::error(
                    path, tr("must be an object, not %1")
                              .arg(JsonFieldReader::describeType(oldRules.at(i)))));
                continue;
            }
            JsonFieldReader rule(oldRules.at(i).toObject(), path, issues);
            QJsonObject newRule;
            QString type;
            if (rule.readString(u"type"_s, &type, Need::Required)) {
                if (matchers.contains(type))
                    newRule.insert(u"matcher"_s, matchers.value(type));
                else
                    rule.error(u"type"_s, tr("unknown rule type \"%1\"; version 1 knew \"host\", "
                                             "\"domain\", \"wildcard\", \"keyword\", \"regex\" "
                                             "and \"cidr\"")
                                              .arg(type));
            }
            QString pattern;
            if (rule.readString(u"pattern"_s, &pattern, Need::Required))
                newRule.insert(u"pattern"_s, pattern);
            QString action;
            if (rule.readString(u"action"_s, &action, Need::Required)) {
                if (action == u"direct") {
                    newRule.insert(u"action"_s, direct);
                } else if (action == u"block") {
                    newRule.insert(u"action"_s, QJsonObject{{u"kind"_s, u"block"_s}});
                } else if (action == u"upstream") {
                    if (haveUpstream)
                        newRule.insert(u"action"_s, throughUpstream);
                    else
                        rule.error(u"action"_s, tr("\"upstream\", but the file names no usable "
                                                   "upstream"));
                } else {
                    rule.error(u"action"_s, tr("unknown action \"%1\"; version 1 knew "
                                               "\"direct\", \"upstream\" and \"block\"")
                                                .arg(action));
                }
            }
            bool enabled = true;
            rule.readBool(u"enabled"_s, &enabled);
            newRule.insert(u"enabled"_s, enabled);
            newRule.insert(u"comment"_s, QString());
            rule.reportUnknownKeys();
            rules.append(newRule);
        }
    }
    routing.insert(u"rules"_s, rules);
    migrated.insert(u"routing"_s, routing);

    bool addVia = defaults.addViaHeader;
    if (old.readBool(u"addVia"_s, &addVia))
        migrated.insert(u"addViaHeader"_s, addVia);

    // Only the limits version 1 had; the rest keep today's defaults. The values
    // are copied as they are and range-checked by the current reader.
    QJsonObject limits;
    for (const auto& [oldKey, newKey] :
         {std::pair{u"connectTimeoutMs"_s, u"connectTimeoutMs"_s},
          std::pair{u"maxConnections"_s, u"maxClientConnections"_s}}) {
        if (!old.has(oldKey))
            continue;
        qint64 value = 0;
        if (old.readInteger(oldKey, 1, std::numeric_limits<int>::max(), &value))
            limits.insert(newKey, double(value));
    }
    if (!limits.isEmpty())
        migrated.insert(u"limits"_s, limits);

    bool captureBodies = true;
    if (old.readBool(u"captureBodies"_s, &captureBodies))
        migrated.insert(u"capture"_s, QJsonObject{{u"enabled"_s, captureBodies}});

    QString geometry;
    if (old.readString(u"windowGeometry"_s, &geometry))
        migrated.insert(u"ui"_s, QJsonObject{{u"windowGeometry"_s, geometry}});

    old.reportUnknownKeys();
    if (errorCount(*issues) != errorsBefore)
        return false;
    *root = migrated;
    return true;
}

} // namespace Switchyard
