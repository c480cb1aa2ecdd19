#pragma once

#include "RecoveredSecret.h"
#include "SettingsIssue.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Switchyard {

/// Brings a settings object written by an older Switchyard up to the current
/// version, one version at a time, before SettingsCodec reads it.
///
/// The history:
/// - Version 1 (the first builds): one upstream proxy at most, written as a URI
///   with its password in it; the listen address as one "host:port" string; a
///   flat list of rules whose action is "direct", "upstream" or "block";
///   "upstreamByDefault" sends unmatched traffic through the upstream; a few
///   limits at the top level; the window geometry at the top level.
/// - Version 2 (current): named profiles (exits) with their passwords in the
///   keychain, structured listen address, limits, capture, routing with a default
///   action, hosts override, inbound authentication and a "ui" section.
class SettingsMigration
{
    Q_DECLARE_TR_FUNCTIONS(SettingsMigration)
public:
    /// The id given to a version 1 upstream. Fixed, so that the keychain entry
    /// and the rules agree however many times the same old file is migrated.
    static QString version1UpstreamId();

    /// Rewrites *root from fromVersion to SettingsDocument::currentVersion.
    /// Returns false, with errors in *issues naming the old fields, when the old
    /// file cannot be carried forward. Passwords found in plain text go to
    /// *secrets, never into the migrated object.
    static bool migrate(QJsonObject* root, int fromVersion, SettingsIssues* issues,
                        QList<RecoveredSecret>* secrets);

private:
    static bool fromVersion1(QJsonObject* root, SettingsIssues* issues,
                             QList<RecoveredSecret>* secrets);
};

} // namespace Switchyard
