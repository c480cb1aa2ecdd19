#pragma once

#include "EngineSettings.h"
#include "Rule.h"
#include "UiPreferences.h"
#include "UpstreamProfile.h"

#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// The whole of Switchyard's settings as one value: what the settings file holds
/// and what an export carries. SettingsCodec turns it into JSON and back,
/// SettingsStore keeps it on disk. Passwords (UpstreamProfile::password,
/// InboundAuth::password) may be filled in memory from the keychain but are
/// never written anywhere by the codec.
struct SettingsDocument
{
    /// The version this build writes; older files are migrated forward on load.
    static constexpr int currentVersion = 2;

    /// Listen address and port, limits, capture and log options. Everything the
    /// engine reads that is not listed separately below.
    EngineSettings engine;
    /// The exits, in the order the user arranged them.
    QList<UpstreamProfile> profiles;
    /// The routing rules; routing.defaultAction is the "selected exit" (Direct,
    /// a profile, or Block) used when no rule matches.
    RuleList routing;
    /// Host names answered locally instead of by DNS (lower-case name → address).
    QMap<QString, QHostAddress> hostsOverride;
    /// Credentials clients must present; the password only ever in memory.
    InboundAuth inboundAuth;
    UiPreferences ui;

    /// The profile with this id, or nullptr.
    const UpstreamProfile* profile(const QString& id) const;
    /// Finds a profile by id, else by exact name. Returns its id, or an empty
    /// string with *error saying why (none, or several of that name).
    QString resolveProfile(const QString& idOrName, QString* error) const;
    /// Ids of profiles in before that are gone from after: their keychain
    /// entries are to be deleted. A renamed profile keeps its id and is not listed.
    static QStringList removedProfileIds(const SettingsDocument& before,
                                         const SettingsDocument& after);
    /// This document with every password emptied.
    SettingsDocument withoutSecrets() const;

    /// Every stored field compared (passwords included).
    bool operator==(const SettingsDocument& other) const;
};

} // namespace Switchyard
